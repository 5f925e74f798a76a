using Registry.Schema.Identity;
using Registry.Server.PackagesApi;

namespace Registry.Server.Groups;

/// <summary>GitLab's group-list parameters (<c>GET /groups</c>), validated as Grape does.</summary>
public sealed record GroupListParameters(string? Search, bool? AllAvailable, bool Owned, AccessLevel? MinAccessLevel, bool TopLevelOnly,
    GroupOrder Order, bool Descending)
{
    private static readonly Dictionary<string, GroupOrder> Orders = new()
    {
        ["name"] = GroupOrder.Name,
        ["path"] = GroupOrder.Path,
        ["id"] = GroupOrder.Id,
        ["similarity"] = GroupOrder.Name,
    };

    private static readonly Dictionary<string, AccessLevel?> Levels =
        Enum.GetValues<AccessLevel>().ToDictionary(l => ((int)l).ToString(), l => (AccessLevel?)l);

    public static ValueTask<GroupListParameters?> BindAsync(HttpContext http)
    {
        var q = http.Request.Query;
        bool? allAvailable = QueryParameters.Value(q, "all_available") is null ? null : QueryParameters.Boolean(q, "all_available", false);
        return ValueTask.FromResult<GroupListParameters?>(new GroupListParameters(
            QueryParameters.Value(q, "search"), allAvailable,
            QueryParameters.Boolean(q, "owned", false),
            QueryParameters.OneOf(q, "min_access_level", null, Levels),
            QueryParameters.Boolean(q, "top_level_only", false),
            QueryParameters.OneOf(q, "order_by", GroupOrder.Name, Orders),
            QueryParameters.OneOf(q, "sort", false, QueryParameters.Sort)));
    }

    /// <summary>
    /// GitLab's defaults: without <c>all_available</c> a signed-in user sees the groups of their memberships, an
    /// administrator and an anonymous caller every group they may see.
    /// </summary>
    public GroupListFilter ToFilter(Actor actor) => new(Search,
        AllAvailable ?? (actor.IsAdmin || actor.Kind != ActorKind.User), Owned, MinAccessLevel, TopLevelOnly, Order, Descending);
}
