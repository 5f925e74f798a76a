using Microsoft.EntityFrameworkCore;
using Registry.Schema.Caching;

namespace Registry.Schema.Packages;

/// <summary>
/// Reads an offset page of a package list (REST's <c>page</c>) through the keyset index where it can. A deep offset
/// makes the database walk every row before the page (its cost grows with the offset), so each page read
/// remembers where it starts and where the next one starts (<see cref="HotPathCache"/>: any package or identity write on
/// this instance ends those positions, another instance's within <see cref="RegistryOptions.HotCacheTtl"/>); the same
/// page again, or the next one, as a script walking every page asks, then seeks straight to it.
/// </summary>
public sealed class OffsetPageReader(HotPathCache cache)
{
    /// <param name="filtered">the list's rows, filtered but not ordered (with the project loaded to order by its path)</param>
    /// <param name="listIdentity">what the rows depend on (<see cref="PackageList.Identity"/>); null reads by offset only</param>
    public async Task<List<Package>> ReadAsync(IQueryable<Package> filtered, string? listIdentity, PackageOrder order, bool descending,
        int skip, int take, CancellationToken ct)
    {
        var stamp = cache.Stamp(Scope);
        if (listIdentity is null || skip == 0)
        {
            var first = await PackageQueries.Order(filtered, order, descending).Skip(skip).Take(take).ToListAsync(ct);
            if (listIdentity is not null && first.Count == take)
                cache.Set(Key(listIdentity, order, descending, skip + take), PackageKeyset.PositionOf(first[^1], order), stamp);
            return first;
        }

        List<Package> rows;
        if (cache.TryGet<PackagePosition>(Key(listIdentity, order, descending, skip), Scope, out var start))
        {
            rows = await PackageQueries.Order(PackageKeyset.After(filtered, order, descending, start), order, descending).Take(take).ToListAsync(ct);
        }
        else
        {
            // One row more, the one before the page: where this page starts when it is asked again.
            rows = await PackageQueries.Order(filtered, order, descending).Skip(skip - 1).Take(take + 1).ToListAsync(ct);
            if (rows.Count == 0) return rows;
            cache.Set(Key(listIdentity, order, descending, skip), PackageKeyset.PositionOf(rows[0], order), stamp);
            rows.RemoveAt(0);
        }
        if (rows.Count == take) cache.Set(Key(listIdentity, order, descending, skip + take), PackageKeyset.PositionOf(rows[^1], order), stamp);
        return rows;
    }

    private const CacheScope Scope = CacheScope.IdentityAndPackages;

    private static (string, string, PackageOrder, bool, int) Key(string list, PackageOrder order, bool descending, int offset) =>
        ("offset-page", list, order, descending, offset);
}
