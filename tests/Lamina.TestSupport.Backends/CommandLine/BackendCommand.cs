namespace Lamina.TestSupport.Backends.CommandLine;

/// <summary>What the command line decided: serve with <see cref="Options"/>, or exit with <see cref="ExitCode"/>.</summary>
internal sealed record BackendCommand(BackendOptions? Options, int ExitCode)
{
    public const int UsageError = 2;

    /// <summary>Reads <c>personality args...</c>; help and versions print as the real program prints them, mistakes as argparse does.</summary>
    public static BackendCommand Parse(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        if (Personalities.FromName(args.FirstOrDefault()) is not { } personality)
        {
            error.WriteLine($"usage: Lamina.TestSupport.Backends {{{string.Join(',', Personalities.Names)}}} ARGS...");
            error.WriteLine($"error: unknown personality '{args.FirstOrDefault()}'");
            return new(null, UsageError);
        }

        var rest = args.Skip(1).ToList();
        try
        {
            var options = personality switch
            {
                Personality.LlamaServer => LlamaServerArguments.Parse(rest, output, error),
                Personality.Vllm => VllmArguments.Parse(rest, output),
                _ => MlcLlmArguments.Parse(rest, output),
            };
            return new(options, 0);
        }
        catch (UsageException e)
        {
            error.WriteLine(personality switch
            {
                Personality.LlamaServer => LlamaServerArguments.Usage,
                Personality.Vllm => VllmArguments.Usage,
                _ => MlcLlmArguments.Usage,
            });
            error.WriteLine($"{personality.Name()}: error: {e.Message}");
            return new(null, UsageError);
        }
    }
}
