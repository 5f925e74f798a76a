using System.Text.Json;
using GraphQL;
using GraphQL.Types;
using Registry.Schema.Hooks;

namespace Registry.Schema.GraphQL.Types;

public sealed class WebhookIdGraphType : IdGraphType
{
    public WebhookIdGraphType() => Name = "WebhookID";
}

public sealed class WebhookDeliveryIdGraphType : IdGraphType
{
    public WebhookDeliveryIdGraphType() => Name = "WebhookDeliveryID";
}

[Name("WebhookAlertStatus")]
[System.ComponentModel.Description("Whether a hook is sent to: failing hooks are disabled for a while, then until edited or tested (GitLab's `alert_status`).")]
public enum WebhookAlertStatusEnum { EXECUTABLE, TEMPORARILY_DISABLED, DISABLED }

[Name("WebhookDeliveryState")]
public enum WebhookDeliveryStateEnum { PENDING, DELIVERED, FAILED }

/// <summary>A project or group hook for package events. The token and the signing secret are never readable.</summary>
[Name("Webhook")]
[System.ComponentModel.Description("A project or group webhook that receives package events. Its token and signing secret are write-only.")]
public sealed class WebhookNode(WebHook hook)
{
    public WebHook Entity => hook;

    [OutputType(typeof(NonNullGraphType<WebhookIdGraphType>))]
    public string Id => GlobalId.For(GlobalId.WebHook, hook.Id);
    public string Url => hook.Url;
    public string? Name => hook.Name;
    public string? Description => hook.Description;
    public DateTime CreatedAt => DateTime.SpecifyKind(hook.CreatedAt, DateTimeKind.Utc);
    [System.ComponentModel.Description("Whether package events (a file published, a package or a file deleted) are sent.")]
    public bool PackageEvents => hook.PackageEvents;
    public bool EnableSslVerification => hook.EnableSslVerification;
    public WebhookAlertStatusEnum AlertStatus => (WebhookAlertStatusEnum)(int)hook.AlertStatus;
    public DateTime? DisabledUntil => hook.DisabledUntil is { } t ? DateTime.SpecifyKind(t, DateTimeKind.Utc) : null;
    [System.ComponentModel.Description("Names of the custom headers sent (their values are write-only).")]
    public List<string> CustomHeaderKeys => hook.CustomHeaderNames is { } names ? JsonSerializer.Deserialize<List<string>>(names) ?? [] : [];

    [System.ComponentModel.Description("Deliveries of the last seven days, newest first.")]
    public async Task<List<WebhookDeliveryNode>> Deliveries([FromServices] WebHookService hooks, [FromUserContext] RegistryUserContext ctx,
        int first = 20, CancellationToken ct = default)
    {
        var owner = await hooks.OwnerOfAsync(ctx.Actor, hook.Id, ct);
        return (await hooks.DeliveriesAsync(ctx.Actor, owner, hook.Id, 7, Math.Clamp(first, 1, 100), ct)).Select(d => new WebhookDeliveryNode(d)).ToList();
    }
}

[Name("WebhookDelivery")]
[System.ComponentModel.Description("One event sent (or being sent) to a hook, with its last attempt's answer, trimmed.")]
public sealed class WebhookDeliveryNode(WebHookDelivery d)
{
    [OutputType(typeof(NonNullGraphType<WebhookDeliveryIdGraphType>))]
    public string Id => GlobalId.For(GlobalId.WebHookDelivery, d.Id);
    public WebhookDeliveryStateEnum State => (WebhookDeliveryStateEnum)(int)d.State;
    [System.ComponentModel.Description("The `Idempotency-Key` and `webhook-id`, the same on every attempt.")]
    public string IdempotencyKey => d.Uuid.ToString();
    public bool Test => d.IsTest;
    public int Attempts => d.Attempts;
    public int? ResponseStatus => d.ResponseStatus;
    [System.ComponentModel.Description("Seconds the last attempt took.")]
    public double? ExecutionDuration => d.ExecutionDuration;
    public string? InternalErrorMessage => d.InternalError;
    [System.ComponentModel.Description("The JSON body sent.")]
    public string RequestData => d.RequestBody;
    public string? ResponseBody => d.ResponseBody;
    public DateTime CreatedAt => DateTime.SpecifyKind(d.CreatedAt, DateTimeKind.Utc);
    public DateTime UpdatedAt => DateTime.SpecifyKind(d.UpdatedAt, DateTimeKind.Utc);
}
