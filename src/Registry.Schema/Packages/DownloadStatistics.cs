using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Registry.Schema.Data;

namespace Registry.Schema.Packages;

/// <summary>
/// Keeps <c>last_downloaded_at</c> without a database write per download: each instance writes a package's time at
/// most once a minute, and the conditional update keeps several instances from writing it more often than that.
/// </summary>
public sealed class DownloadStatistics(TimeProvider clock)
{
    public static readonly TimeSpan Resolution = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<long, DateTime> _recorded = new();

    public async Task RecordAsync(RegistryDbContext db, long packageId, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (_recorded.TryGetValue(packageId, out var last) && now - last < Resolution) return;
        _recorded[packageId] = now;
        if (_recorded.Count > 100_000) _recorded.Clear();
        var threshold = now - Resolution;
        await db.Packages.Where(p => p.Id == packageId && (p.LastDownloadedAt == null || p.LastDownloadedAt < threshold))
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.LastDownloadedAt, now), ct);
    }
}
