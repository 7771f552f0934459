using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Lamina.Engine.Apis.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lamina.Engine.Apis;

/// <summary>Reads a JSON body by hand so that a malformed one gets OpenAI's error shape naming the field.</summary>
internal static class RequestBody
{
    private const string NotAnObject = "The request body must be a JSON object.";

    public static async Task<(T? Body, JsonHttpResult<OpenAiErrorResponse>? Error)> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        try
        {
            var body = await JsonSerializer.DeserializeAsync(request.Body, typeInfo, request.HttpContext.RequestAborted);
            return body is null
                ? (null, OpenAiErrors.InvalidRequest(NotAnObject))
                : (body, null);
        }
        catch (JsonException e)
        {
            return (null, Describe(e));
        }
    }

    // The serializer wraps the reader's syntax errors; a bare JsonException is a value that does
    // not fit its field, and its path names that field.
    private static JsonHttpResult<OpenAiErrorResponse> Describe(JsonException e)
    {
        if (e.InnerException is JsonException syntax)
            return OpenAiErrors.InvalidRequest($"The request body is not valid JSON: {syntax.Message}");

        var wrongType = e.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal);
        if (e.Path is null or "$")
            return OpenAiErrors.InvalidRequest(wrongType ? NotAnObject : $"The request body is not valid: {e.Message}");

        var field = e.Path.TrimStart('$', '.');
        return OpenAiErrors.InvalidRequest($"'{field}' is invalid: {(wrongType ? "the value has the wrong type" : e.Message)}.", field);
    }
}
