using System.Linq.Expressions;

namespace Registry.Schema.Identity;

/// <summary>
/// Conditions on full paths that SQL can evaluate: "this namespace is one of these groups or lies below one of them",
/// "this project is in the group or below it". Each is written here once; the one for many groups is built as one
/// expression (an OR of equalities and prefixes) so a user's handful of group memberships becomes one query.
/// </summary>
public static class PathPredicates
{
    private static readonly System.Reflection.MethodInfo StartsWith = typeof(string).GetMethod(nameof(string.StartsWith), [typeof(string)])!;

    /// <summary>
    /// <paramref name="group"/> and every namespace below it. Its id and path go to SQL as parameters (one compiled query
    /// for every group), where <see cref="NamespaceAtOrBelow"/> builds constants for a handful of paths.
    /// </summary>
    public static IQueryable<Namespace> AtOrBelow(this IQueryable<Namespace> namespaces, Namespace group)
    {
        var id = group.Id;
        var prefix = group.FullPathKey + "/";
        return namespaces.Where(n => n.Id == id || n.FullPathKey.StartsWith(prefix));
    }

    /// <summary>The namespaces strictly below <paramref name="group"/> (its subgroups, at any depth).</summary>
    public static IQueryable<Namespace> Below(this IQueryable<Namespace> namespaces, Namespace group)
    {
        var prefix = group.FullPathKey + "/";
        return namespaces.Where(n => n.FullPathKey.StartsWith(prefix));
    }

    /// <summary>
    /// The projects of the group <paramref name="groupId"/> (whose full path key is <paramref name="groupKey"/>) and,
    /// with <paramref name="subgroups"/>, those of every group below it.
    /// </summary>
    public static IQueryable<Project> InGroup(this IQueryable<Project> projects, long groupId, string groupKey, bool subgroups = true)
    {
        if (!subgroups) return projects.Where(p => p.NamespaceId == groupId);
        var prefix = groupKey + "/";
        return projects.Where(p => p.NamespaceId == groupId || p.Namespace.FullPathKey.StartsWith(prefix));
    }

    /// <inheritdoc cref="InGroup(IQueryable{Project}, long, string, bool)"/>
    public static IQueryable<Project> InGroup(this IQueryable<Project> projects, Namespace group, bool subgroups = true) =>
        projects.InGroup(group.Id, group.FullPathKey, subgroups);

    /// <summary>Namespaces whose lower-cased full path is one of <paramref name="keys"/> or below one of them.</summary>
    public static Expression<Func<Namespace, bool>> NamespaceAtOrBelow(IReadOnlyCollection<string> keys)
    {
        var n = Expression.Parameter(typeof(Namespace), "n");
        return Expression.Lambda<Func<Namespace, bool>>(AtOrBelow(Expression.Property(n, nameof(Namespace.FullPathKey)), keys), n);
    }

    private static Expression AtOrBelow(Expression key, IReadOnlyCollection<string> keys)
    {
        Expression body = Expression.Constant(false);
        foreach (var k in keys.Distinct())
        {
            body = Expression.OrElse(body, Expression.Equal(key, Expression.Constant(k)));
            body = Expression.OrElse(body, Expression.Call(key, StartsWith, Expression.Constant(k + "/")));
        }
        return body;
    }
}
