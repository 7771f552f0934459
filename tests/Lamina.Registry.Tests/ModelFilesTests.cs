using Lamina.Registry.Catalog;
using Lamina.Shared.Manifest;
using Lamina.TestSupport.Gguf;

namespace Lamina.Registry.Tests;

public sealed class ModelFilesTests : IDisposable
{
    private readonly DirectoryInfo _models = Directory.CreateTempSubdirectory("lamina-models-");

    [Fact]
    public void RelativePathResolvesUnderTheModelsFolder()
    {
        var (path, problem) = ModelPaths.Resolve(_models.FullName, "a/b.gguf");

        Assert.Null(problem);
        Assert.Equal(Path.Combine(_models.FullName, "a", "b.gguf"), path);
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("a/../../outside.gguf")]
    public void RelativePathThatLeavesTheModelsFolderIsRefused(string escaping)
    {
        var (path, problem) = ModelPaths.Resolve(_models.FullName, escaping);

        Assert.Null(path);
        Assert.Contains("leaves the models folder", problem);
    }

    [Fact]
    public void RealGgufIsAvailable()
    {
        var file = Path.Combine(_models.FullName, "tiny.gguf");
        TinyGguf.Write(file);

        Assert.Null(ModelFiles.Check(file, ModelFormats.Gguf, new GgufHeaders()));
    }

    [Fact]
    public void MissingFileSaysMissing() => Assert.Equal("missing", ModelFiles.Check(Path.Combine(_models.FullName, "nope.gguf"), ModelFormats.Gguf, new GgufHeaders()));

    [Fact]
    public void FileThatIsNotGgufSaysSo()
    {
        var file = Path.Combine(_models.FullName, "fake.gguf");
        File.WriteAllText(file, "<html>404</html>");

        Assert.Equal("not a GGUF file", ModelFiles.Check(file, ModelFormats.Gguf, new GgufHeaders()));
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

        Assert.StartsWith("unreadable GGUF header", ModelFiles.Check(file, ModelFormats.Gguf, new GgufHeaders()));
    }

    [Fact]
    public void SafetensorsFolderNeedsItsConfigAndWeights()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_models.FullName, "st")).FullName;
        Assert.Contains("no config.json", ModelFiles.Check(folder, ModelFormats.Safetensors, new GgufHeaders()));

        File.WriteAllText(Path.Combine(folder, "config.json"), "{}");
        Assert.Contains("no .safetensors weights", ModelFiles.Check(folder, ModelFormats.Safetensors, new GgufHeaders()));

        File.WriteAllBytes(Path.Combine(folder, "model.safetensors"), [0]);
        Assert.Null(ModelFiles.Check(folder, ModelFormats.Safetensors, new GgufHeaders()));
        Assert.Contains("no mlc-chat-config.json", ModelFiles.Check(folder, ModelFormats.Mlc, new GgufHeaders()));
    }

    [Fact]
    public void MlcFolderNeedsItsChatConfig()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_models.FullName, "mlc")).FullName;
        File.WriteAllText(Path.Combine(folder, "mlc-chat-config.json"), "{}");

        Assert.Null(ModelFiles.Check(folder, ModelFormats.Mlc, new GgufHeaders()));
    }

    [Fact]
    public void FormatDecidesWhatAPathMustBe()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_models.FullName, "model")).FullName;
        var file = Path.Combine(_models.FullName, "tiny.gguf");
        TinyGguf.Write(file);

        Assert.Contains("is a folder, but the model's format is gguf", ModelFiles.Check(folder, ModelFormats.Gguf, new GgufHeaders()));
        Assert.Contains("is a file, but an MLC model is a folder", ModelFiles.Check(file, ModelFormats.Mlc, new GgufHeaders()));
        Assert.Contains("is a file, but a safetensors model is a folder", ModelFiles.Check(file, ModelFormats.Safetensors, new GgufHeaders()));
    }

    [Fact]
    public void GgufWithoutTheExtensionIsStillReadForItsHeader()
    {
        var blob = Path.Combine(_models.FullName, "sha256-0123");
        File.WriteAllText(blob, "not a model");

        Assert.Equal("not a GGUF file", ModelFiles.Check(blob, ModelFormats.Gguf, new GgufHeaders()));
    }

    public void Dispose() => _models.Delete(recursive: true);
}
