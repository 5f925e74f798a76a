using GraphQL;
using Registry.Schema.Access;
using Registry.Schema.GraphQL.Paging;
using Registry.Schema.GraphQL.Types;
using Registry.Schema.Identity;

namespace Registry.Schema.GraphQL;

public sealed partial class Query
{
    [Anyone]
    [System.ComponentModel.Description("Users (GitLab's users query): to signed-in users only; search matches username and name.")]
    public static async Task<UserCoreConnection> Users([FromUserContext] RegistryUserContext ctx, [FromServices] UserDirectory directory,
        string? search = null, bool? admins = null, int? first = null, string? after = null, int? last = null, string? before = null,
        CancellationToken ct = default) =>
        Pager.PageInMemory<UserNode, UserCoreEdge, UserCoreConnection>(
            (await directory.UsersAsync(ctx.Actor, search, admins, ct)).Select(u => new UserNode(u)).ToList(), first, after, last, before);
}
