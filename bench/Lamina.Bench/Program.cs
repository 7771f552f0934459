using System.Globalization;
using Lamina.Bench.Figures;

if (args is [BareYarp.Argument, var port, var upstream])
{
    await BareYarp.RunAsync(int.Parse(port, CultureInfo.InvariantCulture), upstream);
    return 0;
}

// Each figure compares Lamina with its baseline side by side in one run and prints one line (a few for a
// figure with several cases, the last its summary).
IFigure[] figures = [new ColdStart(), new RegistryScale(), new Download(), new Swap(), new GatewayOverhead()];

var wanted = args.Length == 0 ? figures : figures.Where(f => args.Contains(f.Name, StringComparer.OrdinalIgnoreCase)).ToArray();
if (wanted.Length == 0)
{
    Console.Error.WriteLine($"unknown figure '{string.Join(' ', args)}'; figures: {string.Join(", ", figures.Select(f => f.Name))}");
    return 2;
}

foreach (var figure in wanted)
{
    Console.WriteLine(await figure.RunAsync());
}

return 0;
