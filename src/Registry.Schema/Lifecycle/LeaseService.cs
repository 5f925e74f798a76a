using Microsoft.EntityFrameworkCore;
using Registry.Schema.Data;

namespace Registry.Schema.Lifecycle;

/// <summary>This process's name as a lease holder.</summary>
public sealed class InstanceIdentity
{
    public string Id { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
}

/// <summary>
/// Leases in the database, so that among instances sharing it one at a time runs a job. Taking one is a conditional
/// update (or a first insert that yields on the primary key), which both SQLite and PostgreSQL make atomic; a holder
/// that dies loses the lease when it expires.
/// </summary>
public sealed class LeaseService(RegistryDbContext db, TimeProvider clock)
{
    public async Task<bool> TryAcquireAsync(string name, string holder, TimeSpan duration, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var until = now + duration;
        var taken = await db.DatabaseLeases.Where(l => l.Name == name && (l.Holder == holder || l.ExpiresAt < now))
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Holder, holder).SetProperty(l => l.ExpiresAt, until), ct);
        if (taken == 1) return true;
        // The first taker inserts the row; instances starting together race here, and the losers simply get nothing.
        return await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "DatabaseLeases" ("Name", "Holder", "ExpiresAt") VALUES ({name}, {holder}, {until})
            ON CONFLICT ("Name") DO NOTHING
            """, ct) == 1;
    }

    public Task ReleaseAsync(string name, string holder, CancellationToken ct) =>
        db.DatabaseLeases.Where(l => l.Name == name && l.Holder == holder).ExecuteDeleteAsync(ct);
}
