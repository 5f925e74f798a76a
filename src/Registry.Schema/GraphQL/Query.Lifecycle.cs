using GraphQL;
using Registry.Schema.Access;
using Registry.Schema.Audit;
using Registry.Schema.GraphQL.Paging;
using Registry.Schema.GraphQL.Types;
using Registry.Schema.Storage;

namespace Registry.Schema.GraphQL;

public sealed partial class Query
{
    [RequiresAdmin]
    [System.ComponentModel.Description("Every audit event of the registry, newest first. Null unless you are an administrator.")]
    public static async Task<AuditEventConnection?> AuditEvents([FromServices] AuditEventQueries audit, [FromUserContext] RegistryUserContext ctx,
        [System.ComponentModel.Description("Only events of this action (an eventName).")] string? eventName = null,
        [System.ComponentModel.Description("Only events by this author (an authorName).")] string? authorName = null,
        int? first = null, string? after = null, int? last = null, string? before = null, CancellationToken ct = default) =>
        audit.ForInstance(ctx.Actor) is { } events ? await AuditEventPager.PageAsync(events, eventName, authorName, first, after, last, before, ct) : null;

    [RequiresAdmin]
    [System.ComponentModel.Description("What package files add up to and what is stored for them, identical bytes once (beyond GitLab). Null unless you are an administrator.")]
    public static async Task<PackagesStorageNode?> PackagesStorage([FromServices] StorageStatistics statistics, [FromUserContext] RegistryUserContext ctx,
        CancellationToken ct) =>
        ctx.Actor.IsAdmin ? new PackagesStorageNode(await statistics.MeasureAsync(ct)) : null;
}
