using System.Text.Json;
using System.Text.Json.Serialization;
using Registry.Schema.Hooks;
using Registry.Server.Generic;

namespace Registry.Server.Hooks;

/// <summary>
/// A hook as GitLab's ProjectHook and GroupHook entities write it, with <c>package_events</c>. GitLab's other event
/// flags are there and false (this registry has no such events). <c>token</c> is never written; <c>signing_secret</c>
/// only in the answer that creates the hook.
/// </summary>
public sealed record HookJson(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("project_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? ProjectId,
    [property: JsonPropertyName("group_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? GroupId,
    [property: JsonPropertyName("package_events")] bool PackageEvents,
    [property: JsonPropertyName("push_events")] bool PushEvents,
    [property: JsonPropertyName("tag_push_events")] bool TagPushEvents,
    [property: JsonPropertyName("merge_requests_events")] bool MergeRequestsEvents,
    [property: JsonPropertyName("repository_update_events")] bool RepositoryUpdateEvents,
    [property: JsonPropertyName("issues_events")] bool IssuesEvents,
    [property: JsonPropertyName("confidential_issues_events")] bool ConfidentialIssuesEvents,
    [property: JsonPropertyName("note_events")] bool NoteEvents,
    [property: JsonPropertyName("confidential_note_events")] bool ConfidentialNoteEvents,
    [property: JsonPropertyName("pipeline_events")] bool PipelineEvents,
    [property: JsonPropertyName("wiki_page_events")] bool WikiPageEvents,
    [property: JsonPropertyName("deployment_events")] bool DeploymentEvents,
    [property: JsonPropertyName("feature_flag_events")] bool FeatureFlagEvents,
    [property: JsonPropertyName("job_events")] bool JobEvents,
    [property: JsonPropertyName("releases_events")] bool ReleasesEvents,
    [property: JsonPropertyName("milestone_events")] bool MilestoneEvents,
    [property: JsonPropertyName("emoji_events")] bool EmojiEvents,
    [property: JsonPropertyName("resource_access_token_events")] bool ResourceAccessTokenEvents,
    [property: JsonPropertyName("push_events_branch_filter")] string? PushEventsBranchFilter,
    [property: JsonPropertyName("branch_filter_strategy")] string BranchFilterStrategy,
    [property: JsonPropertyName("enable_ssl_verification")] bool EnableSslVerification,
    [property: JsonPropertyName("alert_status")] string AlertStatus,
    [property: JsonPropertyName("disabled_until")] string? DisabledUntil,
    [property: JsonPropertyName("url_variables")] IReadOnlyList<HookJson.KeyJson> UrlVariables,
    [property: JsonPropertyName("custom_headers")] IReadOnlyList<HookJson.KeyJson> CustomHeaders,
    [property: JsonPropertyName("custom_webhook_template")] string? CustomWebhookTemplate,
    [property: JsonPropertyName("signing_secret"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SigningSecret)
{
    public sealed record KeyJson([property: JsonPropertyName("key")] string Key);

    public static HookJson From(WebHook h, string? signingSecret = null) => new(
        h.Id, h.Url, h.Name, h.Description, PackageFileJson.Timestamp(h.CreatedAt), h.ProjectId, h.GroupId, h.PackageEvents,
        false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false,
        null, "wildcard", h.EnableSslVerification, AlertStatusName(h.AlertStatus),
        h.DisabledUntil is { } until ? PackageFileJson.Timestamp(until) : null, [],
        (h.CustomHeaderNames is { } names ? JsonSerializer.Deserialize<string[]>(names) ?? [] : []).Select(k => new KeyJson(k)).ToList(),
        null, signingSecret);

    public static string AlertStatusName(HookAlertStatus status) => status switch
    {
        HookAlertStatus.TemporarilyDisabled => "temporarily_disabled",
        HookAlertStatus.Disabled => "disabled",
        _ => "executable",
    };
}

/// <summary>A recent delivery as GitLab's WebHookLog entity writes it, with its state and attempts.</summary>
public sealed record HookEventJson(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("trigger")] string Trigger,
    [property: JsonPropertyName("request_headers")] JsonElement RequestHeaders,
    [property: JsonPropertyName("request_data")] JsonElement RequestData,
    [property: JsonPropertyName("response_headers")] JsonElement ResponseHeaders,
    [property: JsonPropertyName("response_body")] string? ResponseBody,
    [property: JsonPropertyName("execution_duration")] double? ExecutionDuration,
    [property: JsonPropertyName("response_status")] string ResponseStatus,
    [property: JsonPropertyName("internal_error_message")] string? InternalErrorMessage,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("test")] bool Test,
    [property: JsonPropertyName("idempotency_key")] string IdempotencyKey,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("updated_at")] string UpdatedAt)
{
    private const int RequestDataLimit = 16 * 1024;

    public static HookEventJson From(WebHookDelivery d, string url) => new(
        d.Id, url, d.Trigger, Parse(d.RequestHeaders),
        d.RequestBody.Length <= RequestDataLimit ? JsonDocument.Parse(d.RequestBody).RootElement.Clone()
            : JsonSerializer.SerializeToElement(d.RequestBody[..RequestDataLimit]),
        Parse(d.ResponseHeaders), d.ResponseBody, d.ExecutionDuration,
        d.ResponseStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "internal error", d.InternalError,
        d.State.ToString().ToLowerInvariant(), d.Attempts, d.IsTest, d.Uuid.ToString(),
        PackageFileJson.Timestamp(d.CreatedAt), PackageFileJson.Timestamp(d.UpdatedAt));

    /// <summary>Headers as an object, empty before the delivery was sent or answered (GitLab's hashes are never null).</summary>
    private static JsonElement Parse(string? json) => JsonDocument.Parse(json ?? "{}").RootElement.Clone();
}
