namespace Lamina.Store;

/// <summary>Turns <see cref="StoreOptions"/> into Garnet's own command line, sized for a few MB of state.</summary>
internal static class GarnetArguments
{
    public static string[] For(StoreOptions options, string dataDir, bool persistent)
    {
        List<string> args =
        [
            "--port", options.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--bind", options.Bind,
            "-q",
            // Defaults reserve 16 GB of log, a 128 MB index and 1 GB pools; a few MB of state needs far less.
            "--memory", "16m", "--page", "1m", "--index", "1m",
            "--buffer-pool-memory-budget", "16m", "--network-buffer-memory-budget", "64m",
            // Without a storage tier Garnet silently drops records that scroll out of memory; spill them to disk.
            "--storage-tier", "--logdir", dataDir, "--checkpointdir", dataDir,
            "--segment", "16m", "--object-log-segment", "16m",
            // The default native device needs libaio, which slim images lack; the managed one does not.
            "--device-type", "RandomAccess",
            "--compaction-freq", "60", "--compaction-type", "Lookup", "--compaction-max-segments", "4",
        ];
        if (persistent)
        {
            args.AddRange(["--aof", "--aof-memory", "8m", "--aof-page-size", "2m", "--recover", "--checkpoint-freq", "600"]);
        }
        else
        {
            // Nothing recovers from a scratch directory, so compacted segments can go at once.
            args.Add("--compaction-force-delete");
        }
        return [.. args];
    }
}
