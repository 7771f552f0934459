using Lamina.Registry.Catalog;
using Lamina.TestSupport.Gguf;

namespace Lamina.Registry.Tests;

public sealed class ModelFilesTests : IDisposable
{
    private readonly DirectoryInfo _models = Directory.CreateTempSubdirectory("lamina-models-");

    [Fact]
    public void RelativePathResolvesUnderTheModelsFolder()
    {
        var (path, problem) = ModelFiles.Resolve(_models.FullName, "a/b.gguf");

        Assert.Null(problem);
        Assert.Equal(Path.Combine(_models.FullName, "a", "b.gguf"), path);
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("a/../../outside.gguf")]
    public void RelativePathThatLeavesTheModelsFolderIsRefused(string escaping)
    {
        var (path, problem) = ModelFiles.Resolve(_models.FullName, escaping);

        Assert.Null(path);
        Assert.Contains("leaves the models folder", problem);
    }

    [Fact]
    public void RealGgufIsAvailable()
    {
        var file = Path.Combine(_models.FullName, "tiny.gguf");
        TinyGguf.Write(file);

        Assert.Null(ModelFiles.Check(file, new GgufHeaders()));
    }

    [Fact]
    public void MissingFileSaysMissing() => Assert.Equal("missing", ModelFiles.Check(Path.Combine(_models.FullName, "nope.gguf"), new GgufHeaders()));

    [Fact]
    public void FileThatIsNotGgufSaysSo()
    {
        var file = Path.Combine(_models.FullName, "fake.gguf");
        File.WriteAllText(file, "<html>404</html>");

        Assert.Equal("not a GGUF file", ModelFiles.Check(file, new GgufHeaders()));
    }

    [Fact]
    public void TruncatedGgufSaysItsHeaderIsUnreadable()
    {
        var file = Path.Combine(_models.FullName, "cut.gguf");
        TinyGguf.Write(file);
        using (var stream = File.OpenWrite(file))
        {
            stream.SetLength(100);
        }

        Assert.StartsWith("unreadable GGUF header", ModelFiles.Check(file, new GgufHeaders()));
    }

    [Fact]
    public void SafetensorsFolderNeedsItsConfigAndWeights()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_models.FullName, "st")).FullName;
        Assert.Contains("neither config.json", ModelFiles.Check(folder, new GgufHeaders()));

        File.WriteAllText(Path.Combine(folder, "config.json"), "{}");
        Assert.Contains("no .safetensors weights", ModelFiles.Check(folder, new GgufHeaders()));

        File.WriteAllBytes(Path.Combine(folder, "model.safetensors"), [0]);
        Assert.Null(ModelFiles.Check(folder, new GgufHeaders()));
    }

    [Fact]
    public void MlcFolderNeedsItsChatConfig()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_models.FullName, "mlc")).FullName;
        File.WriteAllText(Path.Combine(folder, "mlc-chat-config.json"), "{}");

        Assert.Null(ModelFiles.Check(folder, new GgufHeaders()));
    }

    public void Dispose() => _models.Delete(recursive: true);
}
