namespace Lamina.Engine.CommandLine;

/// <summary>What the command line decided: run with <see cref="Options"/>, or exit with <see cref="ExitCode"/>.</summary>
public sealed record EngineCommand(EngineOptions? Options, int ExitCode)
{
    public const int Success = 0;
    public const int StartupError = 1;
    public const int UsageError = 2;

    /// <summary>Reads llama-server style flags; --help and --version print to <paramref name="output"/>, mistakes to <paramref name="error"/>.</summary>
    public static EngineCommand Parse(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        try
        {
            var options = EngineArgumentParser.Parse(args, output);
            return options is null ? new(null, Success) : CheckModelFile(options, error);
        }
        catch (UsageException e)
        {
            error.WriteLine($"error: {e.Message}");
            error.WriteLine("run with --help to list the options");
            return new(null, UsageError);
        }
    }

    // Failing here, before the server binds, gives the caller the reason at once instead of a
    // health check that turns from 503 to connection refused.
    private static EngineCommand CheckModelFile(EngineOptions options, TextWriter error)
    {
        var path = options.ModelPath;
        if (Directory.Exists(path))
            return Fail(error, $"model path '{path}' is a directory, not a GGUF file");
        if (!File.Exists(path))
            return Fail(error, $"model file '{path}' does not exist");
        try
        {
            using var _ = File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(error, $"cannot read model file '{path}': {e.Message}");
        }

        return new(options, Success);
    }

    private static EngineCommand Fail(TextWriter error, string message)
    {
        error.WriteLine($"error: {message}");
        return new(null, StartupError);
    }
}

/// <summary>A command line mistake; the message is shown to the user as is.</summary>
internal sealed class UsageException(string message) : Exception(message);
