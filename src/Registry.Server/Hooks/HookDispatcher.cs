using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Registry.Schema.Data;
using Registry.Schema.Hooks;
using Registry.Schema.Identity;

namespace Registry.Server.Hooks;

/// <summary>
/// Runs on every instance. Fans each new package event out into one delivery per hook that wants it, then sends due
/// deliveries in order of creation, at least once. Rows are claimed with a conditional UPDATE of a lease column
/// (atomic on SQLite and PostgreSQL), so one instance at a time works on each; a crashed holder's lease expires.
/// Everything waits in the database, never in memory: a receiver down for hours costs rows, not RAM.
/// </summary>
public sealed class HookDispatcher(IServiceScopeFactory scopes, HookSender sender, HookSignal signal, RegistryEndpoints endpoints,
    IOptions<HookOptions> options, TimeProvider clock, ILogger<HookDispatcher> log) : BackgroundService
{
    private const int EventBatch = 50;
    private const int DeliveryBatch = 20;
    private const int PerHookPerRound = 5;
    private static readonly TimeSpan SecretsWarningInterval = TimeSpan.FromMinutes(5);
    private DateTime _nextCleanup;
    private DateTime _nextSecretsWarning;

    private HookOptions O => options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            var busy = false;
            try
            {
                busy |= await FanOutAsync(stoppingToken) > 0;
                busy |= await DeliverDueAsync(stoppingToken) > 0;
                await CleanupAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                // The database may be briefly unavailable; the rows wait, and the next round tries again.
                log.LogWarning(e, "Webhook dispatch round failed; retrying in {Interval}", O.PollInterval);
            }
            if (busy) continue;
            try { await signal.WaitAsync(O.PollInterval, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Claims events not yet fanned out and writes their deliveries, each event in one transaction.</summary>
    public async Task<int> FanOutAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var permissions = scope.ServiceProvider.GetRequiredService<Permissions>();
        var now = clock.GetUtcNow().UtcDateTime;
        var candidates = await db.PackageEvents.AsNoTracking()
            .Where(e => e.FannedOutAt == null && (e.ClaimedUntil == null || e.ClaimedUntil < now))
            .OrderBy(e => e.Id).Select(e => e.Id).Take(EventBatch).ToListAsync(ct);
        if (candidates.Count == 0) return 0;
        var token = Guid.NewGuid();
        var until = now.AddMinutes(1);
        await db.PackageEvents.Where(e => candidates.Contains(e.Id) && e.FannedOutAt == null && (e.ClaimedUntil == null || e.ClaimedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.ClaimedUntil, until).SetProperty(e => e.ClaimToken, token), ct);
        var events = await db.PackageEvents.AsNoTracking().Where(e => e.ClaimToken == token).OrderBy(e => e.Id).ToListAsync(ct);
        var root = endpoints.Root;
        foreach (var ev in events)
        {
            var ancestors = await permissions.AncestorIdsAsync(ev.NamespaceId, ct);
            var hooks = await db.WebHooks.AsNoTracking()
                .Where(h => h.PackageEvents && (h.ProjectId == ev.ProjectId || (h.GroupId != null && ancestors.Contains(h.GroupId.Value))))
                .OrderBy(h => h.Id).Select(h => h.Id).ToListAsync(ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            // The condition makes fan-out happen once even if this instance's lease ran out and another took the event.
            var mine = await db.PackageEvents.Where(e => e.Id == ev.Id && e.FannedOutAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.FannedOutAt, now).SetProperty(e => e.ClaimedUntil, (DateTime?)null), ct);
            if (mine == 0) continue;
            if (hooks.Count > 0)
            {
                var data = JsonSerializer.Deserialize<PackageEventData>(ev.Data)!;
                var body = PackageEventBody.Build(ev.Kind, ev.Uuid, ev.CreatedAt, data, root);
                foreach (var hookId in hooks)
                    db.WebHookDeliveries.Add(new WebHookDelivery
                    {
                        HookId = hookId, EventId = ev.Id, Uuid = Guid.NewGuid(), EventUuid = ev.Uuid, RequestBody = body,
                        NextAttemptAt = now, CreatedAt = now, UpdatedAt = now,
                    });
                await db.SaveChangesAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
        return events.Count;
    }

    /// <summary>Claims due deliveries of enabled hooks, oldest first, and sends them: one hook's in order, hooks side by side.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        var due = await (from d in db.WebHookDeliveries
                         join h in db.WebHooks on d.HookId equals h.Id
                         where d.State == DeliveryState.Pending && d.NextAttemptAt <= now && (d.ClaimedUntil == null || d.ClaimedUntil < now)
                               && (h.AlertStatus == HookAlertStatus.Executable || (h.AlertStatus == HookAlertStatus.TemporarilyDisabled && h.DisabledUntil <= now)
                                   || d.IsTest)
                         orderby d.Id
                         select new { d.Id, d.HookId }).Take(DeliveryBatch * 4).AsNoTracking().ToListAsync(ct);
        var ids = due.GroupBy(d => d.HookId).SelectMany(g => g.Take(PerHookPerRound)).Select(d => d.Id).Take(DeliveryBatch).ToList();
        if (ids.Count == 0) return 0;
        var token = Guid.NewGuid();
        // Long enough for one hook's share of the round, each attempt at its full timeout.
        var until = now + O.Timeout * (PerHookPerRound + 1) + TimeSpan.FromSeconds(10);
        await db.WebHookDeliveries.Where(d => ids.Contains(d.Id) && d.State == DeliveryState.Pending && (d.ClaimedUntil == null || d.ClaimedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.ClaimedUntil, until).SetProperty(d => d.ClaimToken, token), ct);
        var claimed = await db.WebHookDeliveries.AsNoTracking().Where(d => d.ClaimToken == token).OrderBy(d => d.Id).ToListAsync(ct);
        if (claimed.Count == 0) return 0;
        var hookIds = claimed.Select(d => d.HookId).Distinct().ToList();
        var hooks = await db.WebHooks.AsNoTracking().Where(h => hookIds.Contains(h.Id)).ToDictionaryAsync(h => h.Id, ct);
        var allowLocal = await scope.ServiceProvider.GetRequiredService<ApplicationSettingsService>().AllowLocalRequestsAsync(ct);
        var secrets = scope.ServiceProvider.GetRequiredService<HookSecrets>();
        var root = endpoints.Root;

        var results = await Task.WhenAll(claimed.Where(d => hooks.ContainsKey(d.HookId)).GroupBy(d => d.HookId).Select(async group =>
        {
            var list = new List<(WebHookDelivery, DeliveryOutcome)>();
            foreach (var delivery in group)
            {
                var outcome = await sender.SendAsync(hooks[group.Key], delivery, secrets, allowLocal, root, ct);
                list.Add((delivery, outcome));
                if (!outcome.Success) break; // the rest of this hook's wait for the next round, in order
            }
            return list;
        }));
        foreach (var (delivery, outcome) in results.SelectMany(r => r))
            await RecordAsync(db, delivery, outcome, token, ct);
        // Deliveries claimed but not attempted (after a failure) are let go at once.
        await db.WebHookDeliveries.Where(d => d.ClaimToken == token && d.ClaimedUntil != null)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.ClaimedUntil, (DateTime?)null), ct);
        return claimed.Count;
    }

    private async Task RecordAsync(RegistryDbContext db, WebHookDelivery delivery, DeliveryOutcome outcome, Guid token, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var attempts = delivery.Attempts + 1;
        DeliveryState state;
        DateTime next = now;
        if (outcome.Success) state = DeliveryState.Delivered;
        else if (!outcome.Retry || delivery.IsTest || now - delivery.CreatedAt > O.RetryFor) state = DeliveryState.Failed;
        else
        {
            state = DeliveryState.Pending;
            var backoff = TimeSpan.FromTicks(Math.Min(O.MaxRetryDelay.Ticks, O.FirstRetryDelay.Ticks * (1L << Math.Min(attempts - 1, 20))));
            if (outcome.RetryAfter is { } ra && ra > backoff) backoff = ra < TimeSpan.FromDays(1) ? ra : TimeSpan.FromDays(1);
            next = now + backoff;
        }
        await db.WebHookDeliveries.Where(d => d.Id == delivery.Id && d.ClaimToken == token).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.State, state).SetProperty(d => d.Attempts, attempts).SetProperty(d => d.NextAttemptAt, next)
            .SetProperty(d => d.ClaimedUntil, (DateTime?)null).SetProperty(d => d.ResponseStatus, outcome.Status)
            .SetProperty(d => d.RequestHeaders, outcome.RequestHeaders).SetProperty(d => d.ResponseHeaders, outcome.ResponseHeaders)
            .SetProperty(d => d.ResponseBody, outcome.ResponseBody).SetProperty(d => d.ExecutionDuration, outcome.DurationSeconds)
            .SetProperty(d => d.InternalError, outcome.Error).SetProperty(d => d.UpdatedAt, now), ct);
        if (outcome.SecretsUnreadable)
        {
            // A misconfiguration of this instance, not a failing receiver: the hook is not disabled for it, and one
            // warning a few minutes says what to fix while the deliveries wait.
            if (now >= _nextSecretsWarning)
            {
                _nextSecretsWarning = now + SecretsWarningInterval;
                log.LogWarning("Webhook deliveries are waiting: the hooks' secrets cannot be decrypted. {HookOptionsSection}:KeyRingSecret is missing "
                    + "or is not the one the Data Protection key ring in the database was written with; restart with the right secret "
                    + "and the waiting deliveries are sent", HookOptions.Section);
            }
        }
        else await UpdateHookAsync(db, delivery.HookId, outcome.Success, now, ct);
        if (!outcome.Success)
            log.LogInformation("Webhook {HookId} delivery {DeliveryId} failed ({Reason}); {Next}", delivery.HookId, delivery.Id,
                outcome.Error, state == DeliveryState.Pending ? $"retrying at {next:O}" : "not retried");
    }

    /// <summary>GitLab's rule: a run of failures disables the hook for a while (doubling each time, up to a day), a long run for good.</summary>
    private async Task UpdateHookAsync(RegistryDbContext db, long hookId, bool success, DateTime now, CancellationToken ct)
    {
        var hook = await db.WebHooks.FirstOrDefaultAsync(h => h.Id == hookId, ct);
        if (hook is null) return;
        if (success)
        {
            if (hook.RecentFailures == 0 && hook.AlertStatus == HookAlertStatus.Executable) return;
            hook.RecentFailures = 0;
            hook.BackoffCount = 0;
            hook.AlertStatus = HookAlertStatus.Executable;
            hook.DisabledUntil = null;
        }
        else
        {
            hook.RecentFailures++;
            if (hook.RecentFailures >= O.FailuresBeforePermanentDisabling)
            {
                hook.AlertStatus = HookAlertStatus.Disabled;
                hook.DisabledUntil = null;
            }
            else if (hook.RecentFailures >= O.FailuresBeforeDisabling)
            {
                hook.BackoffCount++;
                var pause = TimeSpan.FromTicks(Math.Min(TimeSpan.FromDays(1).Ticks, O.FirstDisablePeriod.Ticks * (1L << Math.Min(hook.BackoffCount - 1, 20))));
                hook.AlertStatus = HookAlertStatus.TemporarilyDisabled;
                hook.DisabledUntil = now + pause;
            }
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Removes events and finished deliveries older than <see cref="HookOptions.KeepFor"/>, now and then.</summary>
    private async Task CleanupAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (now < _nextCleanup) return;
        _nextCleanup = now.AddMinutes(10);
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var before = now - O.KeepFor;
        await db.WebHookDeliveries.Where(d => d.CreatedAt < before && d.State != DeliveryState.Pending).ExecuteDeleteAsync(ct);
        await db.PackageEvents.Where(e => e.CreatedAt < before && e.FannedOutAt != null).ExecuteDeleteAsync(ct);
    }
}
