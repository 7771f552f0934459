namespace Lamina.TestSupport.Backends.CommandLine;

/// <summary><c>vllm --version</c> and the <c>vllm serve</c> flags a Runner may pass; any other word is refused.</summary>
internal static class VllmArguments
{
    public const string Usage = "usage: vllm serve [-h] [--host HOST] [--port PORT] [--served-model-name NAME [NAME ...]] " +
        "[--max-model-len N] [--tensor-parallel-size N] [--gpu-memory-utilization F] [--dtype DTYPE] [--api-key KEY] " +
        "[--trust-remote-code] [--enforce-eager] [--max-num-seqs N] model_tag";

    private static readonly string[] _dtypes = ["auto", "half", "float16", "bfloat16", "float", "float32"];

    public static BackendOptions? Parse(IReadOnlyList<string> args, TextWriter output)
    {
        switch (args.FirstOrDefault())
        {
            case "--version":
                output.WriteLine("0.0.0+fake");
                return null;
            case "-h" or "--help":
                output.WriteLine(Usage);
                return null;
            case "serve":
                return Serve(args.Skip(1).ToList(), output);
            case null:
                throw new UsageException("the following arguments are required: subparser");
            default:
                throw new UsageException($"argument subparser: invalid choice: '{args[0]}' (choose from 'serve')");
        }
    }

    private static BackendOptions? Serve(IReadOnlyList<string> args, TextWriter output)
    {
        string? model = null, host = null, apiKey = null;
        IReadOnlyList<string>? servedNames = null;
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
                case "--served-model-name": servedNames = reader.Values(); break;
                case "--api-key": apiKey = reader.Value(); break;
                case "--max-model-len" or "--tensor-parallel-size" or "-tp" or "--max-num-seqs": reader.Int(); break;
                case "--gpu-memory-utilization": reader.Float(); break;
                case "--dtype": reader.Choice(_dtypes); break;
                case "--trust-remote-code" or "--enforce-eager": reader.Switch(); break;
                case var positional when !reader.IsOption && model is null: model = positional; break;
                default: reader.Reject(); break;
            }
        }

        if (model is null)
            throw new UsageException("the following arguments are required: model_tag");
        if (reader.Unrecognized.Count > 0)
            throw new UsageException($"unrecognized arguments: {string.Join(' ', reader.Unrecognized)}");
        return new BackendOptions
        {
            Personality = Personality.Vllm,
            Model = model,
            ModelIds = servedNames ?? [model],
            Host = host,
            Port = port,
            ApiKey = apiKey,
            Embeddings = true,
        };
    }
}
