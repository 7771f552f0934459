using System.Buffers.Binary;
using System.Diagnostics;
using Lamina.Shared.Gguf;
using Xunit.Abstractions;

namespace Lamina.Shared.Tests.Gguf;

public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int Mutations = 5_000;
    private const int Seed = 20_240_611;

    // Values a lying header would use: top bits set, just past a limit, or just past the file.
    private static readonly ulong[] _hugeValues =
    [
        ulong.MaxValue, 1UL << 63, (1UL << 63) - 1, 1UL << 62, 1UL << 32, uint.MaxValue,
        (ulong)GgufLimits.MaxKeyValueCount + 1, (ulong)GgufLimits.MaxTensorCount + 1, 300_000, 1000,
    ];

    [Fact]
    public void MutatedHeadersGiveAModelOrAFormatErrorAndNothingElseQuickly()
    {
        var original = TinyFile.Bytes;
        var headerEnd = (int)GgufReader.Read(new MemoryStream(original)).DataOffset;
        var random = new Random(Seed);
        var work = new byte[original.Length + 64];
        var (read, refused, slowest) = (0, 0, TimeSpan.Zero);
        var total = Stopwatch.StartNew();

        for (var i = 0; i < Mutations; i++)
        {
            original.CopyTo(work, 0);
            var length = original.Length;
            var described = new List<string>();
            for (var m = random.Next(1, 4); m > 0; m--)
            {
                length = Mutate(work, length, headerEnd, random, described);
            }

            var parse = Stopwatch.StartNew();
            try
            {
                GgufReader.Read(new MemoryStream(work, 0, length, writable: false));
                read++;
            }
            catch (GgufFormatException)
            {
                refused++;
            }
            catch (Exception e)
            {
                Assert.Fail($"mutation {i} ({string.Join(", ", described)}) threw {e}");
            }

            slowest = parse.Elapsed > slowest ? parse.Elapsed : slowest;
        }

        output.WriteLine($"{Mutations} mutations in {total.ElapsedMilliseconds} ms: {read} read, {refused} refused, slowest parse {slowest.TotalMilliseconds:F2} ms");
        Assert.InRange(slowest, TimeSpan.Zero, TimeSpan.FromMilliseconds(500));
        Assert.InRange(total.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        Assert.True(read > 0 && refused > 0, $"{read} read, {refused} refused: the mutations should do both");
    }

    // Mutates work[..length] in place (it has room for one insertion) and returns the new length.
    private static int Mutate(byte[] work, int length, int headerEnd, Random random, List<string> described)
    {
        var at = random.Next(0, Math.Min(headerEnd, length));
        switch (random.Next(5))
        {
            case 0:
                work[at] ^= (byte)random.Next(1, 256);
                described.Add($"flip at {at}");
                return length;
            case 1 when at + 8 <= length:
                var value = random.Next(3) == 0 ? (ulong)random.NextInt64() : _hugeValues[random.Next(_hugeValues.Length)];
                BinaryPrimitives.WriteUInt64LittleEndian(work.AsSpan(at), value);
                described.Add($"u64 {value} at {at}");
                return length;
            case 2:
                var cut = random.Next(0, length);
                described.Add($"cut at {cut}");
                return cut;
            case 3 when length + 16 <= work.Length:
                var inserted = random.Next(1, 17);
                Buffer.BlockCopy(work, at, work, at + inserted, length - at);
                random.NextBytes(work.AsSpan(at, inserted));
                described.Add($"insert {inserted} at {at}");
                return length + inserted;
            default:
                var removed = Math.Min(random.Next(1, 17), length - at);
                Buffer.BlockCopy(work, at + removed, work, at, length - at - removed);
                described.Add($"remove {removed} at {at}");
                return length - removed;
        }
    }
}
