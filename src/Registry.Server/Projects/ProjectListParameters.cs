using Registry.Schema.Identity;
using Registry.Server.PackagesApi;

namespace Registry.Server.Projects;

/// <summary>
/// GitLab's project-list parameters (<c>GET /projects</c>, <c>GET /groups/:id/projects</c>), validated as Grape does:
/// a value outside the allowed set is <c>{"error":"x does not have a valid value"}</c>.
/// </summary>
public sealed record ProjectListParameters(ProjectListFilter Filter, bool Simple)
{
    // GitLab orders by these too; stars are always 0 and activity is creation here, so they fall back to the id
    // and to created_at rather than refusing a script that asks for them.
    private static readonly Dictionary<string, ProjectOrder> Orders = new()
    {
        ["id"] = ProjectOrder.Id,
        ["name"] = ProjectOrder.Name,
        ["path"] = ProjectOrder.Path,
        ["created_at"] = ProjectOrder.CreatedAt,
        ["updated_at"] = ProjectOrder.CreatedAt,
        ["last_activity_at"] = ProjectOrder.CreatedAt,
        ["similarity"] = ProjectOrder.CreatedAt,
        ["star_count"] = ProjectOrder.Id,
    };

    private static readonly Dictionary<string, Visibility?> Visibilities = new()
    {
        ["public"] = Visibility.Public,
        ["internal"] = Visibility.Internal,
        ["private"] = Visibility.Private,
    };

    /// <summary>Parsed before the caller is authorized, as GitLab validates parameters first.</summary>
    public static ValueTask<ProjectListParameters?> BindAsync(HttpContext http)
    {
        var q = http.Request.Query;
        var filter = new ProjectListFilter(
            Search: QueryParameters.Value(q, "search"),
            SearchNamespaces: QueryParameters.Boolean(q, "search_namespaces", false),
            Membership: QueryParameters.Boolean(q, "membership", false),
            Owned: QueryParameters.Boolean(q, "owned", false),
            Visibility: QueryParameters.OneOf(q, "visibility", null, Visibilities),
            IncludeSubgroups: QueryParameters.Boolean(q, "include_subgroups", false),
            Order: QueryParameters.OneOf(q, "order_by", ProjectOrder.CreatedAt, Orders),
            Descending: QueryParameters.OneOf(q, "sort", true, QueryParameters.Sort));
        return ValueTask.FromResult<ProjectListParameters?>(new ProjectListParameters(filter, QueryParameters.Boolean(q, "simple", false)));
    }
}
