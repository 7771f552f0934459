using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lamina.Shared.Contracts;

/// <summary>The contracts between Lamina's services, serialized by generated code in the JSON conventions of <see cref="LaminaJson"/>.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CatalogModel))]
[JsonSerializable(typeof(CatalogModelList))]
[JsonSerializable(typeof(ManifestEntry))]
[JsonSerializable(typeof(InstanceInfo))]
[JsonSerializable(typeof(IReadOnlyList<InstanceInfo>))]
[JsonSerializable(typeof(DownloadInfo))]
[JsonSerializable(typeof(IReadOnlyList<DownloadInfo>))]
[JsonSerializable(typeof(GpuInfo))]
[JsonSerializable(typeof(ChecksumVerdict))]
[JsonSerializable(typeof(Clients.RegistryProblem))]
public sealed partial class LaminaJsonContext : JsonSerializerContext;
