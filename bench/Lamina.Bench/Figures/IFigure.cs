namespace Lamina.Bench.Figures;

/// <summary>One benchmark figure: runs Lamina and its baseline, returns the summary line.</summary>
public interface IFigure
{
    string Name { get; }

    Task<string> RunAsync();
}
