namespace Lamina.TestSupport.Peers;

/// <summary>Where a response stops sending, and whether it then drops the connection or hangs.</summary>
internal readonly record struct FaultCut(long Offset, bool Drop);
