using GraphQL;
using Registry.Schema.Hooks;

namespace Registry.Schema.GraphQL.Types;

/// <summary>A project's hooks, for its Maintainers.</summary>
public sealed partial class ProjectNode
{
    [System.ComponentModel.Description("Webhooks of the project (package events). Null unless you are a Maintainer or Owner.")]
    public async Task<List<WebhookNode>?> Webhooks([FromServices] WebHookService hooks, [FromUserContext] RegistryUserContext ctx, CancellationToken ct)
    {
        var owner = HookOwner.Of(Entity);
        return await hooks.CanManageAsync(ctx.Actor, owner, ct)
            ? (await hooks.ListAsync(ctx.Actor, owner, ct)).Select(h => new WebhookNode(h)).ToList() : null;
    }
}

/// <summary>A group's hooks, for its Owners.</summary>
public sealed partial class GroupNode
{
    [System.ComponentModel.Description("Webhooks of the group, which fire for every project below it (package events). Null unless you are an Owner.")]
    public async Task<List<WebhookNode>?> Webhooks([FromServices] WebHookService hooks, [FromUserContext] RegistryUserContext ctx, CancellationToken ct)
    {
        var owner = HookOwner.Of(Entity);
        return await hooks.CanManageAsync(ctx.Actor, owner, ct)
            ? (await hooks.ListAsync(ctx.Actor, owner, ct)).Select(h => new WebhookNode(h)).ToList() : null;
    }
}
