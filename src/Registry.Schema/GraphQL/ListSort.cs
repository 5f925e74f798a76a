using Registry.Schema.Identity;

namespace Registry.Schema.GraphQL;

/// <summary>
/// GitLab's <c>sort</c> strings of <c>Query.projects</c> and <c>Query.groups</c> (<c>&lt;field&gt;_&lt;asc|desc&gt;</c>).
/// As in GitLab, a value it does not know falls back to the default order instead of failing the query.
/// </summary>
public static class ListSort
{
    public static (ProjectOrder, bool Descending) ForProjects(string? sort) => Split(sort) switch
    {
        ("id", var d) => (ProjectOrder.Id, d),
        ("name", var d) => (ProjectOrder.Name, d),
        ("path", var d) => (ProjectOrder.Path, d),
        ("created" or "created_at", var d) => (ProjectOrder.CreatedAt, d),
        _ => (ProjectOrder.Id, true),
    };

    public static (GroupOrder, bool Descending) ForGroups(string? sort) => Split(sort) switch
    {
        ("id", var d) => (GroupOrder.Id, d),
        ("name", var d) => (GroupOrder.Name, d),
        ("path", var d) => (GroupOrder.Path, d),
        _ => (GroupOrder.Name, false),
    };

    private static (string? Field, bool Descending) Split(string? sort)
    {
        if (string.IsNullOrEmpty(sort)) return (null, false);
        var s = sort.ToLowerInvariant();
        if (s.EndsWith("_asc", StringComparison.Ordinal)) return (s[..^4], false);
        if (s.EndsWith("_desc", StringComparison.Ordinal)) return (s[..^5], true);
        return (null, false);
    }
}
