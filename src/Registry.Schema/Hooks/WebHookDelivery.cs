namespace Registry.Schema.Hooks;

public enum DeliveryState { Pending = 0, Delivered = 1, Failed = 2 }

/// <summary>
/// One event for one hook (GitLab's WebHookLog, plus the state of its retries). Its <see cref="Uuid"/> is the
/// <c>Idempotency-Key</c> and <c>webhook-id</c>, the same on every attempt. Kept for the recent-deliveries list.
/// </summary>
public sealed class WebHookDelivery
{
    public long Id { get; set; }
    public long HookId { get; set; }
    public long? EventId { get; set; }
    public Guid Uuid { get; set; }
    public Guid EventUuid { get; set; }
    /// <summary>GitLab's trigger name (<c>package_hooks</c>); a test sends the same with <see cref="IsTest"/>.</summary>
    public string Trigger { get; set; } = "package_hooks";
    public bool IsTest { get; set; }
    public required string RequestBody { get; set; }
    public DeliveryState State { get; set; }
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public DateTime? ClaimedUntil { get; set; }
    public Guid? ClaimToken { get; set; }
    /// <summary>The last attempt: HTTP status (null when none came back), duration, trimmed headers and body.</summary>
    public int? ResponseStatus { get; set; }
    public string? ResponseHeaders { get; set; }
    public string? ResponseBody { get; set; }
    public string? RequestHeaders { get; set; }
    public double? ExecutionDuration { get; set; }
    public string? InternalError { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
