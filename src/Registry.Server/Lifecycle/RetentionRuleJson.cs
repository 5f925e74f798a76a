using System.Text.Json.Serialization;
using Registry.Schema.Lifecycle;
using Registry.Server.Generic;
using Registry.Server.PackagesApi;

namespace Registry.Server.Lifecycle;

/// <summary>A retention rule in the REST API (beyond GitLab; snake_case like GitLab's entities).</summary>
public sealed record RetentionRuleJson(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("project_id")] long ProjectId,
    [property: JsonPropertyName("package_name_pattern")] string PackageNamePattern,
    [property: JsonPropertyName("exclude_package_name_pattern")] string? ExcludePackageNamePattern,
    [property: JsonPropertyName("exclude_version_pattern")] string? ExcludeVersionPattern,
    [property: JsonPropertyName("older_than_days")] int? OlderThanDays,
    [property: JsonPropertyName("keep_newest_versions")] int? KeepNewestVersions,
    [property: JsonPropertyName("not_downloaded_for_days")] int? NotDownloadedForDays,
    [property: JsonPropertyName("package_status")] string? PackageStatus,
    [property: JsonPropertyName("delete_newest_version")] bool DeleteNewestVersion,
    [property: JsonPropertyName("enabled")] bool Enabled,
    [property: JsonPropertyName("next_run_at")] string? NextRunAt)
{
    public static RetentionRuleJson From(PackageRetentionRule r) =>
        new(r.Id, r.ProjectId, r.PackageNamePattern, r.ExcludePackageNamePattern, r.ExcludeVersionPattern, r.OlderThanDays,
            r.KeepNewestVersions, r.NotDownloadedForDays, r.PackageStatus is { } s ? PackageJson.StatusName(s) : null, r.DeleteNewestVersion,
            r.Enabled, r.NextRunAt is { } t ? PackageFileJson.Timestamp(t) : null);
}

/// <summary>A package a retention run deletes (or would): GitLab's package entity and the rules that select it.</summary>
public sealed record RetentionCandidateJson(
    [property: JsonPropertyName("package")] PackageJson Package,
    [property: JsonPropertyName("rule_ids")] IReadOnlyList<long> RuleIds);
