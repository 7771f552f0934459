namespace Lamina.TestSupport.Backends.Apis.Contracts;

/// <summary>llama-server's errors: <c>{"error":{"code","message","type"}}</c>.</summary>
internal sealed record LlamaError(LlamaErrorBody Error);

internal sealed record LlamaErrorBody(int Code, string Message, string Type);

/// <summary>vLLM's errors: <c>{"object":"error","message","type","param","code"}</c>.</summary>
internal sealed record VllmError(string Object, string Message, string Type, string? Param, int Code);

/// <summary>vLLM's answer to a missing or wrong API key.</summary>
internal sealed record VllmUnauthorized(string Error);

/// <summary>MLC LLM's errors: <c>{"object":"error","message","code"}</c>.</summary>
internal sealed record MlcError(string Object, string Message, int Code);
