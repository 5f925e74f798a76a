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
/// update (or a first insert racing on the primary key), which both SQLite and PostgreSQL make atomic; a holder that
/// dies loses the lease when it expires.
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
        if (await db.DatabaseLeases.AnyAsync(l => l.Name == name, ct)) return false;
        db.DatabaseLeases.Add(new DatabaseLease { Name = name, Holder = holder, ExpiresAt = until });
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return false; // another instance inserted it first
        }
    }

    public Task ReleaseAsync(string name, string holder, CancellationToken ct) =>
        db.DatabaseLeases.Where(l => l.Name == name && l.Holder == holder).ExecuteDeleteAsync(ct);
}
