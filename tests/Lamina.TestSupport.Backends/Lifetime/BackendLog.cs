using Lamina.TestSupport.Backends.CommandLine;

namespace Lamina.TestSupport.Backends.Lifetime;

/// <summary>The stdout lines the real programs print on start and when ready, so log capture has something to show.</summary>
internal static class BackendLog
{
    public static void Starting(BackendOptions options)
    {
        switch (options.Personality)
        {
            case Personality.LlamaServer:
                Console.WriteLine($"main: HTTP server is listening, hostname: {options.Host}, port: {options.Port}, http threads: 4");
                Console.WriteLine("main: loading model");
                break;
            case Personality.Vllm:
                Console.WriteLine($"INFO {DateTime.Now:MM-dd HH:mm:ss} [api_server.py] vLLM API server version 0.0.0+fake");
                Console.WriteLine($"INFO:     Started server process [{Environment.ProcessId}]");
                Console.WriteLine("INFO:     Waiting for application startup.");
                break;
            default:
                Console.WriteLine($"[{DateTime.Now:yyyy-MM-dd HH:mm:ss}] INFO engine_base.py: Loading model {options.Model}");
                Console.WriteLine($"INFO:     Started server process [{Environment.ProcessId}]");
                Console.WriteLine("INFO:     Waiting for application startup.");
                break;
        }
    }

    public static void Ready(BackendOptions options, string address)
    {
        if (options.Personality == Personality.LlamaServer)
        {
            Console.WriteLine("main: model loaded");
            Console.WriteLine($"main: server is listening on {address} - starting the main loop");
            return;
        }

        Console.WriteLine("INFO:     Application startup complete.");
        Console.WriteLine($"INFO:     Uvicorn running on {address} (Press CTRL+C to quit)");
    }
}
