namespace Lamina.TestSupport.Backends.CommandLine;

/// <summary>The <c>mlc_llm serve</c> flags a Runner may pass, plus the <c>--version</c> Lamina's detector asks for.</summary>
internal static class MlcLlmArguments
{
    public const string Usage = "usage: mlc_llm serve [-h] [--model-lib MODEL_LIB] [--device DEVICE] [--host HOST] [--port PORT] " +
        "[--mode {local,interactive,server}] [--overrides OVERRIDES] model";

    private static readonly HashSet<string> _overrideKeys =
    [
        "context_window_size", "prefill_chunk_size", "max_num_sequence", "max_total_seq_length",
        "tensor_parallel_shards", "gpu_memory_utilization", "sliding_window_size",
    ];

    public static BackendOptions? Parse(IReadOnlyList<string> args, TextWriter output)
    {
        switch (args.FirstOrDefault())
        {
            case "--version":
                // The real mlc_llm has no --version; Lamina's detector asks every backend for one.
                output.WriteLine("mlc_llm 0.0.0 (fake)");
                return null;
            case "-h" or "--help":
                output.WriteLine(Usage);
                return null;
            case "serve":
                return Serve(args.Skip(1).ToList(), output);
            case null:
                throw new UsageException("the following arguments are required: subcommand");
            default:
                throw new UsageException($"argument subcommand: invalid choice: '{args[0]}' (choose from 'serve')");
        }
    }

    private static BackendOptions? Serve(IReadOnlyList<string> args, TextWriter output)
    {
        string? model = null;
        var host = "127.0.0.1";
        var port = 8000;

        var reader = new ArgumentReader(args, inlineValues: true);
        while (reader.MoveNext())
        {
            switch (reader.Current)
            {
                case "-h" or "--help":
                    output.WriteLine(Usage);
                    return null;
                case "--host": host = reader.Value(); break;
                case "--port": port = reader.Int(); break;
                case "--model-lib" or "--device": reader.Value(); break;
                case "--mode": reader.Choice("local", "interactive", "server"); break;
                case "--overrides": Overrides(reader.Value()); break;
                case var positional when !reader.IsOption && model is null: model = positional; break;
                default: reader.Reject(); break;
            }
        }

        if (model is null)
            throw new UsageException("the following arguments are required: model");
        if (reader.Unrecognized.Count > 0)
            throw new UsageException($"unrecognized arguments: {string.Join(' ', reader.Unrecognized)}");
        return new BackendOptions
        {
            Personality = Personality.MlcLlm,
            Model = model,
            ModelIds = [model],
            Host = host,
            Port = port,
        };
    }

    // MLC reads "key=value;key=value" into its engine config and fails on a key it does not know.
    private static void Overrides(string value)
    {
        foreach (var pair in value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[1].Length == 0)
                throw new UsageException($"argument --overrides: '{pair}' is not key=value in '{value}'");
            if (!_overrideKeys.Contains(parts[0]))
                throw new UsageException(
                    $"argument --overrides: unknown key '{parts[0]}' (known: {string.Join(", ", _overrideKeys.Order())})");
            if (!double.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out _))
                throw new UsageException($"argument --overrides: value of '{parts[0]}' is not a number: '{parts[1]}'");
        }
    }
}
