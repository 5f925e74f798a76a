using System.Text.Json.Serialization;
using Registry.Schema.Lifecycle;

namespace Registry.Server.Lifecycle;

/// <summary>GitLab's <c>Entities::Projects::Packages::Protection::Rule</c>.</summary>
public sealed record ProtectionRuleJson(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("project_id")] long ProjectId,
    [property: JsonPropertyName("package_name_pattern")] string PackageNamePattern,
    [property: JsonPropertyName("package_type")] string PackageType,
    [property: JsonPropertyName("minimum_access_level_for_delete")] string? MinimumAccessLevelForDelete,
    [property: JsonPropertyName("minimum_access_level_for_push")] string? MinimumAccessLevelForPush)
{
    public static ProtectionRuleJson From(PackageProtectionRule r) =>
        new(r.Id, r.ProjectId, r.PackageNamePattern, "generic", Level(r.MinimumAccessLevelForDelete), Level(r.MinimumAccessLevelForPush));

    public static string? Level(ProtectionAccessLevel? level) => level?.ToString().ToLowerInvariant();
}
