using GraphQL;
using Registry.Schema.Hooks;
using Registry.Schema.Identity;

namespace Registry.Schema.GraphQL.Types;

/// <summary>A project's hooks, for its Maintainers.</summary>
public sealed partial class ProjectNode
{
    [System.ComponentModel.Description("Webhooks of the project (package events). Null unless you are a Maintainer or Owner.")]
    public Task<List<WebhookNode>?> Webhooks([FromServices] WebHookService hooks, [FromUserContext] RegistryUserContext ctx, CancellationToken ct) =>
        WebhookFields.ListAsync(hooks, ctx.Actor, HookOwner.Of(Entity), ct);
}

/// <summary>A group's hooks, for its Owners.</summary>
public sealed partial class GroupNode
{
    [System.ComponentModel.Description("Webhooks of the group, which fire for every project below it (package events). Null unless you are an Owner.")]
    public Task<List<WebhookNode>?> Webhooks([FromServices] WebHookService hooks, [FromUserContext] RegistryUserContext ctx, CancellationToken ct) =>
        WebhookFields.ListAsync(hooks, ctx.Actor, HookOwner.Of(Entity), ct);
}

/// <summary>The one rule behind both <c>webhooks</c> fields: the list for those who manage the hooks, null for others.</summary>
internal static class WebhookFields
{
    public static async Task<List<WebhookNode>?> ListAsync(WebHookService hooks, Actor actor, HookOwner owner, CancellationToken ct) =>
        await hooks.CanManageAsync(actor, owner, ct) ? (await hooks.ListAsync(actor, owner, ct)).Select(h => new WebhookNode(h)).ToList() : null;
}
