namespace Lamina.Downloader.Transfer;

/// <summary>A download that cannot finish; the message says why and what to do.</summary>
public sealed class TransferException(string message, Exception? inner = null) : Exception(message, inner);
