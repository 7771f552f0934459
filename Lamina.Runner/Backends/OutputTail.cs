using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Lamina.Runner.Backends;

/// <summary>The last lines a backend printed, kept for logs and failure reports, and followed line by line while it runs.</summary>
public sealed class OutputTail(int capacity)
{
    // A follower that reads slower than the backend writes loses its oldest unread lines, never blocks the backend.
    private const int FollowerBacklog = 1000;

    private readonly Queue<string> _lines = new(capacity);
    private readonly List<Channel<string>> _followers = [];
    private readonly Lock _gate = new();
    private bool _ended;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    public void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            if (_lines.Count == capacity)
            {
                _lines.Dequeue();
            }

            _lines.Enqueue(line);
            _followers.ForEach(follower => follower.Writer.TryWrite(line));
        }
    }

    /// <summary>The backend printed its last line: followers reach the end.</summary>
    public void End()
    {
        lock (_gate)
        {
            _ended = true;
            _followers.ForEach(follower => follower.Writer.TryComplete());
        }
    }

    /// <summary>The kept lines, then each new one as it is printed, until the backend's output ends.</summary>
    public async IAsyncEnumerable<string> FollowAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var follower = Channel.CreateBounded<string>(new BoundedChannelOptions(FollowerBacklog) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        string[] kept;
        lock (_gate)
        {
            kept = [.. _lines];
            if (_ended)
            {
                follower.Writer.TryComplete();
            }
            else
            {
                _followers.Add(follower);
            }
        }

        try
        {
            foreach (var line in kept)
            {
                yield return line;
            }

            await foreach (var line in follower.Reader.ReadAllAsync(cancellationToken))
            {
                yield return line;
            }
        }
        finally
        {
            lock (_gate)
            {
                _followers.Remove(follower);
            }
        }
    }
}
