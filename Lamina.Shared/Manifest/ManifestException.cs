namespace Lamina.Shared.Manifest;

/// <summary>The manifest cannot be read; the message says where and what to change.</summary>
public sealed class ManifestException(string message, Exception? inner = null) : Exception(message, inner);
