using System.Text.Json;
using Lamina.TestSupport.Backends.CommandLine;

namespace Lamina.TestSupport.Backends.Recording;

/// <summary>Writes what a fake was started with and what it did, when LAMINA_FAKE_RECORD_DIR asks for it.</summary>
internal sealed class Recorder
{
    private readonly string? _eventsPath;
    private readonly Lock _gate = new();

    private Recorder(string? eventsPath) => _eventsPath = eventsPath;

    /// <summary>Writes <c>{personality}-{pid}.json</c> atomically (temp file, then rename), so a reader never sees half of it.</summary>
    public static Recorder Start(IReadOnlyList<string> args)
    {
        var folder = Environment.GetEnvironmentVariable(FakeKnobs.RecordDir);
        if (string.IsNullOrEmpty(folder) || Personalities.FromName(args.FirstOrDefault()) is null)
            return new Recorder(null);

        var pid = Environment.ProcessId;
        var record = new RecordFile(args[0], args.Skip(1).ToList(), Environment.GetEnvironmentVariable("CUDA_VISIBLE_DEVICES"), pid);
        Directory.CreateDirectory(folder);
        var name = Path.Combine(folder, RecordFile.Name(args[0], pid));
        File.WriteAllText(name + ".json.tmp", JsonSerializer.Serialize(record, RecordFile.Json));
        File.Move(name + ".json.tmp", name + ".json", overwrite: true);
        return new Recorder(name + ".events");
    }

    public void Event(string line)
    {
        if (_eventsPath is null)
            return;
        lock (_gate)
            File.AppendAllText(_eventsPath, line + "\n");
    }

    /// <summary>Records the exit code and hands it back, for <c>return recorder.Exited(code)</c>.</summary>
    public int Exited(int exitCode)
    {
        Event($"exit {exitCode}");
        return exitCode;
    }
}
