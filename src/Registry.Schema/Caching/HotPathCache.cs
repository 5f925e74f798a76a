using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Registry.Schema.Caching;

/// <summary>
/// What every download and upload asks first, kept for a moment: who a token is, what that caller may do in a project,
/// and which stored file a download names. Each entry is tagged with the write epoch it was read under: any write
/// this instance makes to the tables it came from (<see cref="WriteEpochInterceptor"/>) ends it at once, so a revoked
/// token, a removed membership or a deleted file stops working here immediately. Other instances learn of a change
/// only when their entry expires: they may lag by up to <see cref="RegistryOptions.HotCacheTtl"/>.
/// </summary>
public sealed class HotPathCache(IOptions<RegistryOptions> options, TimeProvider clock)
{
    /// <summary>A cache that outgrows this is emptied (random tokens must not grow it without bound).</summary>
    public const int MaxEntries = 20_000;

    private long _identityEpoch;
    private long _packageEpoch;

    private readonly ConcurrentDictionary<object, Entry> _entries = new();

    public long IdentityEpoch => Interlocked.Read(ref _identityEpoch);
    public long PackageEpoch => Interlocked.Read(ref _packageEpoch);

    /// <summary>Users, groups, projects, memberships or tokens changed on this instance.</summary>
    public void IdentityChanged() => Interlocked.Increment(ref _identityEpoch);

    /// <summary>Packages or their files changed on this instance.</summary>
    public void PackagesChanged() => Interlocked.Increment(ref _packageEpoch);

    private bool Enabled => options.Value.HotCacheTtl > TimeSpan.Zero;

    /// <summary>
    /// The cached value for <paramref name="key"/>, or <paramref name="load"/>'s, cached unless it says not to. The
    /// epochs are read before loading: a write that lands while loading leaves the entry already stale.
    /// </summary>
    public async Task<T> GetOrLoadAsync<T>(object key, CacheScope scope, Func<Task<(T Value, bool Cache, DateTime? ValidUntil)>> load)
    {
        if (!Enabled) return (await load()).Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var identity = IdentityEpoch;
        var packages = scope == CacheScope.IdentityAndPackages ? PackageEpoch : 0;
        if (_entries.TryGetValue(key, out var hit) && hit.IdentityEpoch == identity && hit.PackageEpoch == packages && hit.ExpiresAt > now)
            return (T)hit.Value!;
        var (value, cache, validUntil) = await load();
        if (cache)
        {
            if (_entries.Count >= MaxEntries) _entries.Clear();
            var expires = now + options.Value.HotCacheTtl;
            if (validUntil is { } until && until < expires) expires = until;
            _entries[key] = new Entry(value, identity, packages, expires);
        }
        return value;
    }

    /// <summary>The write epochs an entry about to be read under <paramref name="scope"/> is tagged with: take it before reading.</summary>
    public (long Identity, long Packages) Stamp(CacheScope scope) =>
        (IdentityEpoch, scope == CacheScope.IdentityAndPackages ? PackageEpoch : 0);

    /// <summary>The cached value for <paramref name="key"/>, if one is there and still current.</summary>
    public bool TryGet<T>(object key, CacheScope scope, out T value)
    {
        value = default!;
        if (!Enabled || !_entries.TryGetValue(key, out var hit)) return false;
        var (identity, packages) = Stamp(scope);
        if (hit.IdentityEpoch != identity || hit.PackageEpoch != packages || hit.ExpiresAt <= clock.GetUtcNow().UtcDateTime) return false;
        value = (T)hit.Value!;
        return true;
    }

    /// <summary>Caches a value read after <paramref name="stamp"/> was taken (<see cref="Stamp"/>).</summary>
    public void Set(object key, object? value, (long Identity, long Packages) stamp)
    {
        if (!Enabled) return;
        if (_entries.Count >= MaxEntries) _entries.Clear();
        _entries[key] = new Entry(value, stamp.Identity, stamp.Packages, clock.GetUtcNow().UtcDateTime + options.Value.HotCacheTtl);
    }

    private sealed record Entry(object? Value, long IdentityEpoch, long PackageEpoch, DateTime ExpiresAt);
}

/// <summary>Which writes end an entry: identity writes always, package writes too for entries about packages.</summary>
public enum CacheScope { Identity, IdentityAndPackages }
