using Microsoft.EntityFrameworkCore;
using Registry.Schema.Data;
using Registry.Schema.Identity;

namespace Registry.Schema.Hooks;

/// <summary>GitLab's application settings the registry has (administrators only).</summary>
public sealed class ApplicationSettingsService(RegistryDbContext db, TimeProvider clock)
{
    public async Task<ApplicationSetting> GetAsync(Actor actor, CancellationToken ct)
    {
        RequireAdmin(actor);
        return await CurrentAsync(ct);
    }

    public async Task<ApplicationSetting> UpdateAsync(Actor actor, bool? allowLocalRequestsFromWebHooksAndServices, CancellationToken ct)
    {
        RequireAdmin(actor);
        var row = await db.ApplicationSettings.FirstOrDefaultAsync(s => s.Id == 1, ct);
        if (row is null) db.ApplicationSettings.Add(row = new ApplicationSetting());
        if (allowLocalRequestsFromWebHooksAndServices is { } allow) row.AllowLocalRequestsFromWebHooksAndServices = allow;
        row.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return row;
    }

    /// <summary>Read from the database every time: a change made on any instance holds on every other at once.</summary>
    public async Task<bool> AllowLocalRequestsAsync(CancellationToken ct) =>
        (await CurrentAsync(ct)).AllowLocalRequestsFromWebHooksAndServices;

    private async Task<ApplicationSetting> CurrentAsync(CancellationToken ct) =>
        await db.ApplicationSettings.AsNoTracking().FirstOrDefaultAsync(s => s.Id == 1, ct) ?? new ApplicationSetting();

    private static void RequireAdmin(Actor actor)
    {
        if (actor.Kind == ActorKind.Anonymous) throw RegistryError.Unauthorized("401 Unauthorized");
        if (!actor.IsAdmin) throw RegistryError.Forbidden("403 Forbidden");
    }
}
