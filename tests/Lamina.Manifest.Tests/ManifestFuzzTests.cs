using Lamina.Shared.Manifest;
using Xunit.Abstractions;

namespace Lamina.Manifest.Tests;

/// <summary>
/// The reading in part against the whole reading, over generated manifests of many shapes and
/// chains of random edits: each version is read from the one before, as the Registry reads a file
/// someone keeps editing.
/// </summary>
public sealed class ManifestFuzzTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void EditsOfGeneratedManifestsReadInPartAsTheWholeFileDoes(int seed)
    {
        var random = new Random(seed);
        var shapes = new ManifestShapes(random);
        var inPart = 0;
        var rounds = 0;
        for (var manifest = 0; manifest < 60; manifest++)
        {
            var text = shapes.Manifest(random.Next(1, 12));
            var document = ManifestDocument.Read(text, "models.yaml");
            Assert.True(document.Result.IsClean, $"seed {seed}, manifest {manifest} has problems: {string.Join("; ", document.Result.Problems)}\n{text}");
            for (var edit = 0; edit < 40; edit++, rounds++)
            {
                var edited = shapes.Edit(document.Text);
                var updated = document.Update(edited);
                inPart += updated.ReadInPart ? 1 : 0;
                var whole = ManifestDocumentTests.Describe(ManifestDocument.Read(edited, "models.yaml"));
                Assert.True(whole == ManifestDocumentTests.Describe(updated),
                    $"seed {seed}, manifest {manifest}, edit {edit}: the reading in part differs from the whole reading.\n--- before\n{document.Text}\n--- after\n{edited}");
                // Half the time the next edit starts from a clean version read in part, so its spans are used too.
                document = updated.ReadInPart && random.Next(2) == 0 ? updated : document;
            }
        }

        output.WriteLine($"{inPart} of {rounds} edits were read in part");
        Assert.InRange(inPart, rounds / 10, rounds);
    }
}
