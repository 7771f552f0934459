namespace Lamina.TestSupport.Backends.CommandLine;

/// <summary>A command line mistake, worded as argparse words it.</summary>
internal sealed class UsageException(string message) : Exception(message);
