namespace Lamina.TestSupport.Backends.CommandLine;

/// <summary>The llama-server flags a Runner may pass; any other word is refused.</summary>
internal static class LlamaServerArguments
{
    public const string Usage = "usage: llama-server -m FILE [--host HOST] [--port N] [-c N] [-ngl N] [-np N] [-a NAME] [--api-key KEY] " +
        "[--metrics] [--embeddings] [-t N] [--jinja] [-fa [on|off|auto]] [--no-mmap] [--mlock]";

    /// <summary>The options to serve with, or null when --help or --version has been answered.</summary>
    public static BackendOptions? Parse(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        string? model = null, alias = null, apiKey = null;
        var host = "127.0.0.1";
        var port = 8080;
        var embeddings = false;

        var reader = new ArgumentReader(args, inlineValues: false);
        while (reader.MoveNext())
        {
            switch (reader.Current)
            {
                case "-h" or "--help":
                    output.WriteLine(Usage);
                    return null;
                case "--version":
                    // llama.cpp prints its build to stderr.
                    error.WriteLine("version: 9999 (fake)");
                    error.WriteLine("built with fake for x86_64");
                    return null;
                case "-m" or "--model": model = reader.Value(); break;
                case "--host": host = reader.Value(); break;
                case "--port": port = reader.Int(); break;
                case "-a" or "--alias": alias = reader.Value(); break;
                case "--api-key": apiKey = reader.Value(); break;
                case "-c" or "--ctx-size" or "-np" or "--parallel" or "-t" or "--threads": reader.Int(); break;
                case "-ngl" or "--n-gpu-layers" or "--gpu-layers": GpuLayers(reader); break;
                case "-fa" or "--flash-attn": reader.OptionalChoice("on", "off", "auto"); break;
                case "--embedding" or "--embeddings": embeddings = true; break;
                case "--metrics" or "--jinja" or "--no-mmap" or "--mlock": break;
                default: reader.Reject(); break;
            }
        }

        if (model is null)
            throw new UsageException("the following arguments are required: -m/--model");
        if (reader.Unrecognized.Count > 0)
            throw new UsageException($"unrecognized arguments: {string.Join(' ', reader.Unrecognized)}");
        return new BackendOptions
        {
            Personality = Personality.LlamaServer,
            Model = model,
            ModelIds = [alias ?? model],
            Host = host,
            Port = port,
            ApiKey = apiKey,
            Embeddings = embeddings,
        };
    }

    // Newer builds also take "auto" and "all".
    private static void GpuLayers(ArgumentReader reader)
    {
        if (reader.OptionalChoice("auto", "all") is null)
            reader.Int();
    }
}
