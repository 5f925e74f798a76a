namespace Registry.Schema.Hooks;

/// <summary>GitLab's <c>alert_status</c> of a hook: failing hooks are disabled for a while, then for good.</summary>
public enum HookAlertStatus { Executable = 0, TemporarilyDisabled = 1, Disabled = 2 }

/// <summary>
/// A project or group webhook (GitLab's ProjectHook and GroupHook) that fires on package events. Exactly one of
/// <see cref="ProjectId"/> and <see cref="GroupId"/> is set. Secrets are stored encrypted (<see cref="HookSecrets"/>).
/// </summary>
public sealed class WebHook
{
    public long Id { get; set; }
    public long? ProjectId { get; set; }
    public long? GroupId { get; set; }
    /// <summary>Sent as <c>X-Gitlab-Webhook-UUID</c>.</summary>
    public Guid Uuid { get; set; }
    public required string Url { get; set; }
    public string? Name { get; set; }
    public string? Description { get; set; }
    public bool PackageEvents { get; set; } = true;
    public bool EnableSslVerification { get; set; } = true;
    /// <summary>The <c>X-Gitlab-Token</c> value, encrypted; null when none.</summary>
    public string? EncryptedToken { get; set; }
    /// <summary>The Standard Webhooks secret (<c>whsec_...</c>), encrypted.</summary>
    public required string EncryptedSigningSecret { get; set; }
    /// <summary>Custom headers as a JSON object of name to value, encrypted (values may hold credentials); null when none.</summary>
    public string? EncryptedCustomHeaders { get; set; }
    /// <summary>The names of the custom headers, in clear, for answers (GitLab shows keys, never values).</summary>
    public string? CustomHeaderNames { get; set; }
    public HookAlertStatus AlertStatus { get; set; }
    public DateTime? DisabledUntil { get; set; }
    /// <summary>Consecutive failed deliveries; a success resets it.</summary>
    public int RecentFailures { get; set; }
    /// <summary>How many times the hook was disabled for a while in a row: the next pause doubles.</summary>
    public int BackoffCount { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public bool IsGroupHook => GroupId is not null;
}
