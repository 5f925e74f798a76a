using System.Text.Json.Serialization;

namespace Registry.Schema.Hooks;

/// <summary>
/// <see cref="PackageEventData"/>'s and <see cref="PublishedFiles"/>' JSON, generated at build time: the publish batch's
/// single writer serializes a row of events per batch, and the generated writer skips the reflection-based serializer's
/// per-call metadata lookups. Default options, so the text is what the reflection-based serializer wrote before (rows
/// written by older builds read the same).
/// </summary>
[JsonSerializable(typeof(PackageEventData))]
[JsonSerializable(typeof(PublishedFiles))]
public sealed partial class PackageEventJsonContext : JsonSerializerContext;
