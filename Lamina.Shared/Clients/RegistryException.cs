using System.Net;

namespace Lamina.Shared.Clients;

/// <summary>The Registry responded with an error; the message has its status and the detail of its ProblemDetails body.</summary>
public sealed class RegistryException(string message, HttpStatusCode statusCode) : HttpRequestException(message, null, statusCode);
