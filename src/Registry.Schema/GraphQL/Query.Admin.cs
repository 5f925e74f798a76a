using GraphQL;
using Registry.Schema.Access;
using Registry.Schema.GraphQL.Types;
using Registry.Schema.Identity;

namespace Registry.Schema.GraphQL;

public sealed partial class Query
{
    [RequiresAdmin]
    [System.ComponentModel.Description("What deleting the user (username), group or project (full path) would take with it. Null unless you are an administrator.")]
    public static async Task<DeletionPreviewNode?> DeletionPreview([FromServices] AdminActions admin, [FromUserContext] RegistryUserContext ctx,
        DeletionKind kind, string path, CancellationToken ct) =>
        await admin.PreviewAsync(ctx.Actor, kind, AdminTarget.ByPath(path), ct) is { } preview ? new DeletionPreviewNode(preview) : null;

}
