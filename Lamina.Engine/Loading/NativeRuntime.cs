using LLama.Native;

namespace Lamina.Engine.Loading;

/// <summary>Loads llama.cpp's shared libraries and routes its log through ours.</summary>
internal static class NativeRuntime
{
    /// <summary>
    /// Picking the CPU variant and loading the libraries takes ~100 ms: the loader runs this while
    /// Kestrel starts so that it is off the path to a healthy server.
    /// </summary>
    public static void Load(ILogger logger)
    {
        // llama.cpp reports every tensor at Info; only what needs a person's attention passes.
        NativeLibraryConfig.All.WithLogCallback((level, message) =>
        {
            if (level == LLamaLogLevel.Warning)
                logger.NativeWarning(message.TrimEnd());
            else if (level == LLamaLogLevel.Error)
                logger.NativeError(message.TrimEnd());
        });
        NativeApi.llama_empty_call();
    }
}
