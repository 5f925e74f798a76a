using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Registry.Schema.Access;
using Registry.Schema.Data;
using Registry.Schema.Identity;

namespace Registry.Schema.Hooks;

/// <summary>
/// Managing hooks, for REST and GraphQL alike: Maintainers manage a project's hooks, Owners a group's (GitLab's
/// roles). The URL is checked against <see cref="UrlGuard"/> when saved. Editing or testing a hook re-enables it.
/// </summary>
public sealed class WebHookService(RegistryDbContext db, Permissions permissions, HookSecrets secrets, UrlGuard guard,
    ApplicationSettingsService settings, HookSignal signal, IHookSamples samples, TimeProvider clock)
{
    public const int MaxCustomHeaders = 20;

    public async Task<List<WebHook>> ListAsync(Actor actor, HookOwner owner, CancellationToken ct)
    {
        await RequireManageAsync(actor, owner, ct);
        return await OfOwner(owner).OrderBy(h => h.Id).ToListAsync(ct);
    }

    public async Task<WebHook> GetAsync(Actor actor, HookOwner owner, long hookId, CancellationToken ct, bool write = false)
    {
        await RequireManageAsync(actor, owner, ct, write);
        return await OfOwner(owner).FirstOrDefaultAsync(h => h.Id == hookId, ct) ?? throw RegistryError.NotFound("Hook");
    }

    /// <returns>the hook and its signing secret, which is shown this once</returns>
    public async Task<(WebHook Hook, string SigningSecret)> CreateAsync(Actor actor, HookOwner owner, HookChanges changes, CancellationToken ct)
    {
        await RequireManageAsync(actor, owner, ct, write: true);
        if (!changes.Url.IsSet) throw RegistryError.Invalid("url", "is missing");
        var now = clock.GetUtcNow().UtcDateTime;
        var signing = HookSecrets.NewSigningSecret();
        var hook = new WebHook
        {
            ProjectId = owner.Project?.Id, GroupId = owner.Group?.Id, Uuid = Guid.NewGuid(), Url = "",
            EncryptedSigningSecret = secrets.Protect(signing), CreatedAt = now, UpdatedAt = now,
        };
        await ApplyAsync(hook, changes, ct);
        db.WebHooks.Add(hook);
        await db.SaveChangesAsync(ct);
        return (hook, signing);
    }

    public async Task<WebHook> UpdateAsync(Actor actor, HookOwner owner, long hookId, HookChanges changes, CancellationToken ct)
    {
        var hook = await GetAsync(actor, owner, hookId, ct, write: true);
        await ApplyAsync(hook, changes, ct);
        Enable(hook);
        hook.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        signal.Raise();
        return hook;
    }

    public Task DeleteAsync(Actor actor, HookOwner owner, long hookId, CancellationToken ct) =>
        // The dispatcher may be recording the hook's deliveries meanwhile: on PostgreSQL the deletion's cascade and that
        // transaction take the hook's and the deliveries' rows in opposite orders and can deadlock, and the loser runs
        // again (a hook gone meanwhile is then not found). HookDeletionRaceTests makes that deadlock.
        db.RetryAsync(async _ =>
        {
            var hook = await GetAsync(actor, owner, hookId, ct, write: true);
            db.WebHooks.Remove(hook);
            await db.SaveChangesAsync(ct);
            return true;
        }, ct);

    /// <summary>Queues a sample package event for the hook (delivered at once by the dispatcher) and re-enables it.</summary>
    public async Task<WebHookDelivery> TestAsync(Actor actor, HookOwner owner, long hookId, CancellationToken ct)
    {
        var hook = await GetAsync(actor, owner, hookId, ct, write: true);
        var sampleBody = samples.SampleBody(actor, owner);
        Enable(hook);
        var now = clock.GetUtcNow().UtcDateTime;
        var delivery = new WebHookDelivery
        {
            HookId = hook.Id, Uuid = Guid.NewGuid(), EventUuid = Guid.NewGuid(), IsTest = true, RequestBody = sampleBody,
            NextAttemptAt = now, CreatedAt = now, UpdatedAt = now,
        };
        db.WebHookDeliveries.Add(delivery);
        await db.SaveChangesAsync(ct);
        signal.Raise();
        return delivery;
    }

    /// <summary>A hook's deliveries of the last <paramref name="days"/> days, newest first.</summary>
    public async Task<List<WebHookDelivery>> DeliveriesAsync(Actor actor, HookOwner owner, long hookId, int days, int limit, CancellationToken ct)
    {
        var hook = await GetAsync(actor, owner, hookId, ct);
        var since = clock.GetUtcNow().UtcDateTime.AddDays(-days);
        return await db.WebHookDeliveries.AsNoTracking().Where(d => d.HookId == hook.Id && d.CreatedAt >= since)
            .OrderByDescending(d => d.Id).Take(limit).ToListAsync(ct);
    }

    /// <summary>Sends a delivery again: the same body and <c>Idempotency-Key</c>, as a new entry in the list.</summary>
    public async Task<WebHookDelivery> ResendAsync(Actor actor, HookOwner owner, long hookId, long deliveryId, CancellationToken ct)
    {
        var hook = await GetAsync(actor, owner, hookId, ct, write: true);
        var old = await db.WebHookDeliveries.AsNoTracking().FirstOrDefaultAsync(d => d.Id == deliveryId && d.HookId == hook.Id, ct)
            ?? throw RegistryError.NotFound("Hook log");
        var now = clock.GetUtcNow().UtcDateTime;
        var again = new WebHookDelivery
        {
            HookId = hook.Id, EventId = old.EventId, Uuid = old.Uuid, EventUuid = old.EventUuid, IsTest = old.IsTest,
            RequestBody = old.RequestBody, NextAttemptAt = now, CreatedAt = now, UpdatedAt = now,
        };
        db.WebHookDeliveries.Add(again);
        await db.SaveChangesAsync(ct);
        signal.Raise();
        return again;
    }

    /// <summary>
    /// What a hook (by id alone, as GraphQL names it) belongs to; a hook of a project or group the caller cannot see is as
    /// missing as one that does not exist.
    /// </summary>
    public async Task<HookOwner> OwnerOfAsync(Actor actor, long hookId, CancellationToken ct)
    {
        var hook = await db.WebHooks.AsNoTracking().FirstOrDefaultAsync(h => h.Id == hookId, ct) ?? throw RegistryError.NotFound("Hook");
        if (hook.ProjectId is { } projectId)
        {
            var project = await db.Projects.AsNoTracking().Include(p => p.Namespace).FirstAsync(p => p.Id == projectId, ct);
            if (!await permissions.CanSeeProjectAsync(actor, project, ct)) throw RegistryError.NotFound("Hook");
            return HookOwner.Of(project);
        }
        var group = await db.Namespaces.AsNoTracking().FirstAsync(n => n.Id == hook.GroupId, ct);
        if (!await permissions.CanSeeNamespaceAsync(actor, group, ct)) throw RegistryError.NotFound("Hook");
        return HookOwner.Of(group);
    }

    /// <summary>The owner of a delivery's hook, and the hook's id.</summary>
    public async Task<(HookOwner Owner, long HookId)> OwnerOfDeliveryAsync(Actor actor, long deliveryId, CancellationToken ct)
    {
        var hookId = await db.WebHookDeliveries.AsNoTracking().Where(d => d.Id == deliveryId).Select(d => (long?)d.HookId).FirstOrDefaultAsync(ct)
            ?? throw RegistryError.NotFound("Hook log");
        return (await OwnerOfAsync(actor, hookId, ct), hookId);
    }

    /// <summary>Whether the actor may manage the owner's hooks (GraphQL shows the list only then).</summary>
    public async Task<bool> CanManageAsync(Actor actor, HookOwner owner, CancellationToken ct)
    {
        try { await RequireManageAsync(actor, owner, ct); return true; }
        catch (RegistryError) { return false; }
    }

    private static void Enable(WebHook hook)
    {
        hook.AlertStatus = HookAlertStatus.Executable;
        hook.DisabledUntil = null;
        hook.RecentFailures = 0;
        hook.BackoffCount = 0;
    }

    private async Task ApplyAsync(WebHook hook, HookChanges c, CancellationToken ct)
    {
        if (c.Url.IsSet)
        {
            var uri = UrlGuard.ParseUrl(c.Url.Value);
            if (uri.AbsoluteUri.Length > 2048) throw RegistryError.Invalid("url", "is too long (maximum is 2048 characters)");
            await guard.ResolveAndCheckAsync(uri, await settings.AllowLocalRequestsAsync(ct), ct);
            hook.Url = uri.AbsoluteUri;
        }
        if (c.Name.IsSet) hook.Name = Limit(c.Name.Value, 255, "name");
        if (c.Description.IsSet) hook.Description = Limit(c.Description.Value, 2048, "description");
        if (c.Token.IsSet) hook.EncryptedToken = string.IsNullOrEmpty(c.Token.Value) ? null : secrets.Protect(Limit(c.Token.Value, 1024, "token")!);
        if (c.PackageEvents.IsSet) hook.PackageEvents = c.PackageEvents.Value;
        if (c.EnableSslVerification.IsSet) hook.EnableSslVerification = c.EnableSslVerification.Value;
        if (c.CustomHeaders.IsSet)
        {
            var headers = c.CustomHeaders.Value ?? new Dictionary<string, string>();
            if (headers.Count > MaxCustomHeaders) throw RegistryError.Invalid("custom_headers", $"can have at most {MaxCustomHeaders} entries");
            foreach (var (key, value) in headers)
                if (!IsToken(key) || value.Any(ch => ch is '\r' or '\n' or '\0'))
                    throw RegistryError.Invalid("custom_headers", "are invalid");
            hook.EncryptedCustomHeaders = headers.Count == 0 ? null : secrets.Protect(JsonSerializer.Serialize(headers));
            hook.CustomHeaderNames = headers.Count == 0 ? null : JsonSerializer.Serialize(headers.Keys.ToArray());
        }
    }

    private static bool IsToken(string name) =>
        name.Length is > 0 and <= 255 && name.All(ch => ch < 127 && (char.IsAsciiLetterOrDigit(ch) || "!#$%&'*+-.^_`|~".Contains(ch)));

    private static string? Limit(string? value, int max, string name) =>
        value is { Length: var n } && n > max ? throw RegistryError.Invalid(name, $"is too long (maximum is {max} characters)") : value;

    private IQueryable<WebHook> OfOwner(HookOwner owner) => owner.Project is { } p
        ? db.WebHooks.Where(h => h.ProjectId == p.Id)
        : db.WebHooks.Where(h => h.GroupId == owner.Group!.Id);

    /// <summary>Maintainer of the project, Owner of the group (or an administrator); the route already hid what the caller may not see.</summary>
    public async Task RequireManageAsync(Actor actor, HookOwner owner, CancellationToken ct, bool write = false)
    {
        if (actor.Kind != ActorKind.User) throw RegistryError.Forbidden();
        if (write) actor.RequireApiWriter();
        if (owner.Project is { } project)
        {
            if (!(await permissions.ForProjectAsync(actor, project, ct)).CanMaintain) throw RegistryError.Forbidden();
            return;
        }
        if (!actor.IsAdmin && await permissions.NamespaceRoleAsync(actor.User, owner.Group!, ct) is not AccessLevel.Owner)
            throw RegistryError.Forbidden();
    }
}
