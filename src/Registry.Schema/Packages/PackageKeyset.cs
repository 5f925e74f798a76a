using System.Globalization;

namespace Registry.Schema.Packages;

/// <summary>Where a page ends: the row's sort key (as text) and its id, which breaks ties.</summary>
public sealed record PackagePosition(string Key, long Id);

/// <summary>
/// Keyset positions in the package orders of <see cref="PackageQueries.Order"/>: a page continues strictly after (or
/// before) the last row seen, so packages published or deleted meanwhile neither repeat nor skip rows.
/// </summary>
public static class PackageKeyset
{
    /// <param name="package">with its project loaded when ordering by project path</param>
    public static PackagePosition PositionOf(Package package, PackageOrder order) => new(order switch
    {
        PackageOrder.Name => package.Name,
        PackageOrder.Version => package.Version,
        PackageOrder.Type => ((int)package.PackageType).ToString(CultureInfo.InvariantCulture),
        PackageOrder.ProjectPath => package.Project.FullPath,
        _ => package.CreatedAt.Ticks.ToString(CultureInfo.InvariantCulture),
    }, package.Id);

    /// <summary>The rows after <paramref name="position"/> when read in (<paramref name="order"/>, <paramref name="descending"/>).</summary>
    /// <remarks>
    /// Each test starts with a bound on the sort key alone (key &gt;= k, then key &gt; k or id &gt; i): PostgreSQL uses
    /// no index range for "key &gt; k OR (key = k AND id &gt; i)" and walked the project's index from its start, slower
    /// with every page; with the bound it seeks there.
    /// </remarks>
    public static IQueryable<Package> After(IQueryable<Package> query, PackageOrder order, bool descending, PackagePosition position)
    {
        var (key, id) = (position.Key, position.Id);
        switch (order)
        {
            case PackageOrder.Name:
                return descending
                    ? query.Where(p => string.Compare(p.Name, key) <= 0 && (string.Compare(p.Name, key) < 0 || p.Id < id))
                    : query.Where(p => string.Compare(p.Name, key) >= 0 && (string.Compare(p.Name, key) > 0 || p.Id > id));
            case PackageOrder.Version:
                return descending
                    ? query.Where(p => string.Compare(p.Version, key) <= 0 && (string.Compare(p.Version, key) < 0 || p.Id < id))
                    : query.Where(p => string.Compare(p.Version, key) >= 0 && (string.Compare(p.Version, key) > 0 || p.Id > id));
            case PackageOrder.ProjectPath:
                return descending
                    ? query.Where(p => string.Compare(p.Project.FullPath, key) <= 0 && (string.Compare(p.Project.FullPath, key) < 0 || p.Id < id))
                    : query.Where(p => string.Compare(p.Project.FullPath, key) >= 0 && (string.Compare(p.Project.FullPath, key) > 0 || p.Id > id));
            case PackageOrder.Type:
                var type = (PackageType)int.Parse(key, CultureInfo.InvariantCulture);
                return descending
                    ? query.Where(p => p.PackageType <= type && (p.PackageType < type || p.Id < id))
                    : query.Where(p => p.PackageType >= type && (p.PackageType > type || p.Id > id));
            default:
                var created = new DateTime(long.Parse(key, CultureInfo.InvariantCulture), DateTimeKind.Utc);
                return descending
                    ? query.Where(p => p.CreatedAt <= created && (p.CreatedAt < created || p.Id < id))
                    : query.Where(p => p.CreatedAt >= created && (p.CreatedAt > created || p.Id > id));
        }
    }

    /// <summary>The rows before <paramref name="position"/>: those after it in the opposite direction.</summary>
    public static IQueryable<Package> Before(IQueryable<Package> query, PackageOrder order, bool descending, PackagePosition position) =>
        After(query, order, !descending, position);
}
