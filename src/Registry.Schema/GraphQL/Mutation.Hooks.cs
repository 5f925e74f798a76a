using Registry.Schema.Access;
using GraphQL;
using Registry.Schema.GraphQL.Mutations;
using Registry.Schema.GraphQL.Types;
using Registry.Schema.Hooks;
using Registry.Schema.Identity;
using Registry.Schema.Lifecycle;

namespace Registry.Schema.GraphQL;

/// <summary>Webhooks for package events (beyond GitLab's GraphQL, which has none): the same service as the REST hook API.</summary>
public sealed partial class Mutation
{
    [System.ComponentModel.Description("Creates a project or group webhook; the answer carries its signing secret, once.")]
    [RequiresProjectOrGroup]
    public static Task<WebhookPayload> CreateWebhook(CreateWebhookInput input, [FromUserContext] RegistryUserContext ctx,
        [FromServices] WebHookService hooks, [FromCheckedProject] Project? project, [FromCheckedGroup] Namespace? group, CancellationToken ct) =>
        Run<WebhookPayload>(input, async p =>
        {
            var (hook, secret) = await hooks.CreateAsync(ctx.Actor, project is not null ? HookOwner.Of(project) : HookOwner.Of(group!), new HookChanges(
                Change<string?>.To(input.Url), Change<string?>.To(input.Name), Change<string?>.To(input.Description),
                Change<string?>.To(input.Token), Change<bool>.To(input.PackageEvents ?? true), Change<bool>.To(input.EnableSslVerification ?? true),
                input.CustomHeaders is { } h ? Change<IReadOnlyDictionary<string, string>?>.To(Headers(h)) : default), ct);
            p.Webhook = new WebhookNode(hook);
            p.SigningSecret = secret;
        });

    [System.ComponentModel.Description("Changes a webhook (named fields only) and enables it again.")]
    [AccessCheckedBy(typeof(WebHookService), nameof(WebHookService.RequireManageAsync))]
    public static Task<WebhookPayload> UpdateWebhook(UpdateWebhookInput input, [FromUserContext] RegistryUserContext ctx,
        [FromServices] WebHookService hooks, CancellationToken ct) =>
        Run<WebhookPayload>(input, async p =>
        {
            var id = ParseId(input.Id, GlobalId.WebHook);
            var changes = new HookChanges(input.ChangeOf<string?>(nameof(input.Url)), input.ChangeOf<string?>(nameof(input.Name)),
                input.ChangeOf<string?>(nameof(input.Description)), input.ChangeOf<string?>(nameof(input.Token)),
                input.PackageEvents is { } pe ? Change<bool>.To(pe) : default,
                input.EnableSslVerification is { } ssl ? Change<bool>.To(ssl) : default,
                input.Given(nameof(input.CustomHeaders)) ? Change<IReadOnlyDictionary<string, string>?>.To(Headers(input.CustomHeaders ?? [])) : default);
            var owner = await hooks.OwnerOfAsync(ctx.Actor, id, ct);
            p.Webhook = new WebhookNode(await hooks.UpdateAsync(ctx.Actor, owner, id, changes, ct));
        });

    [AccessCheckedBy(typeof(WebHookService), nameof(WebHookService.RequireManageAsync))]
    public static Task<WebhookPayload> DeleteWebhook(DeleteWebhookInput input, [FromUserContext] RegistryUserContext ctx,
        [FromServices] WebHookService hooks, CancellationToken ct) =>
        Run<WebhookPayload>(input, async p =>
        {
            var id = ParseId(input.Id, GlobalId.WebHook);
            var owner = await hooks.OwnerOfAsync(ctx.Actor, id, ct);
            var hook = await hooks.GetAsync(ctx.Actor, owner, id, ct);
            await hooks.DeleteAsync(ctx.Actor, owner, id, ct);
            p.Webhook = new WebhookNode(hook);
        });

    [System.ComponentModel.Description("Sends a sample package event to the webhook and enables it again.")]
    [AccessCheckedBy(typeof(WebHookService), nameof(WebHookService.RequireManageAsync))]
    public static Task<WebhookDeliveryPayload> TestWebhook(TestWebhookInput input, [FromUserContext] RegistryUserContext ctx,
        [FromServices] WebHookService hooks, CancellationToken ct) =>
        QueueDelivery(input, async () =>
        {
            var id = ParseId(input.Id, GlobalId.WebHook);
            return await hooks.TestAsync(ctx.Actor, await hooks.OwnerOfAsync(ctx.Actor, id, ct), id, ct);
        });

    [System.ComponentModel.Description("Sends a delivery again, with the same body and Idempotency-Key.")]
    [AccessCheckedBy(typeof(WebHookService), nameof(WebHookService.RequireManageAsync))]
    public static Task<WebhookDeliveryPayload> ResendWebhookDelivery(ResendWebhookDeliveryInput input, [FromUserContext] RegistryUserContext ctx,
        [FromServices] WebHookService hooks, CancellationToken ct) =>
        QueueDelivery(input, async () =>
        {
            var deliveryId = ParseId(input.Id, GlobalId.WebHookDelivery);
            var (owner, hookId) = await hooks.OwnerOfDeliveryAsync(ctx.Actor, deliveryId, ct);
            return await hooks.ResendAsync(ctx.Actor, owner, hookId, deliveryId, ct);
        });

    /// <summary>A mutation that queues a delivery (a test, a resend) and answers it.</summary>
    private static Task<WebhookDeliveryPayload> QueueDelivery(MutationInput input, Func<Task<WebHookDelivery>> queue) =>
        Run<WebhookDeliveryPayload>(input, async p => p.Delivery = new WebhookDeliveryNode(await queue()));

    private static IReadOnlyDictionary<string, string> Headers(IEnumerable<WebhookHeaderInput> headers) =>
        headers.GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.OrdinalIgnoreCase);
}
