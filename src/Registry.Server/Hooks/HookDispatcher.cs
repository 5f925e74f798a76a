using System.Collections.Concurrent;
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
/// Each round considers every hook with due deliveries, and each hook's sends run in a task of their own, so hooks
/// whose receivers are slow or down neither crowd the others out of a round nor make them wait for their timeouts.
/// Everything waits in the database, never in memory: a receiver down for hours costs rows, not RAM.
/// </summary>
public sealed class HookDispatcher(IServiceScopeFactory scopes, HookSender sender, HookSignal signal, RegistryEndpoints endpoints,
    IOptions<HookOptions> options, TimeProvider clock, ILogger<HookDispatcher> log) : BackgroundService
{
    private const int EventBatch = 50;
    private const int HooksPerRound = 100;
    private const int PerHookPerRound = 5;
    private static readonly TimeSpan SecretsWarningInterval = TimeSpan.FromMinutes(5);
    /// <summary>The hooks this instance is sending to now, each by a task of its own; a hook gets one at a time.</summary>
    private readonly ConcurrentDictionary<long, Task> _inFlight = new();
    private DateTime _nextCleanup;
    private DateTime _nextSecretsWarning;

    private HookOptions O => options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try { await RunAsync(stoppingToken); }
        finally
        {
            // Stop cleanly: the sends in flight see the cancellation, record or let go of what they claimed, and end.
            await Task.WhenAll(_inFlight.Values);
        }
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var busy = false;
            try
            {
                busy |= await FanOutAsync(stoppingToken) > 0;
                busy |= await StartDueHooksAsync(stoppingToken) > 0;
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

    /// <summary>Claims events not yet fanned out and writes their deliveries, the batch in one transaction.</summary>
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
        // Who gets each event is read first, so the write transaction below is short (on SQLite it holds up publishers).
        var fanned = new List<(PackageEvent Event, List<long> Hooks)>();
        foreach (var ev in events)
        {
            var ancestors = await permissions.AncestorIdsAsync(ev.NamespaceId, ct);
            var hooks = await db.WebHooks.AsNoTracking()
                .Where(h => h.PackageEvents && (h.ProjectId == ev.ProjectId || (h.GroupId != null && ancestors.Contains(h.GroupId.Value))))
                .OrderBy(h => h.Id).Select(h => h.Id).ToListAsync(ct);
            fanned.Add((ev, hooks));
        }
        // One transaction for the batch.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        foreach (var (ev, hooks) in fanned)
        {
            // The condition makes fan-out happen once even if this instance's lease ran out and another took the event.
            var mine = await db.PackageEvents.Where(e => e.Id == ev.Id && e.FannedOutAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.FannedOutAt, now).SetProperty(e => e.ClaimedUntil, (DateTime?)null), ct);
            if (mine == 0 || hooks.Count == 0) continue;
            var data = JsonSerializer.Deserialize<PackageEventData>(ev.Data)!;
            var body = PackageEventBody.Build(ev.Kind, ev.Uuid, ev.CreatedAt, data, root);
            foreach (var hookId in hooks)
                db.WebHookDeliveries.Add(new WebHookDelivery
                {
                    HookId = hookId, EventId = ev.Id, Uuid = Guid.NewGuid(), EventUuid = ev.Uuid, RequestBody = body,
                    NextAttemptAt = now, CreatedAt = now, UpdatedAt = now,
                });
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return events.Count;
    }

    /// <summary>
    /// Starts a send for every hook (up to <see cref="HooksPerRound"/>, oldest due delivery first) that has due deliveries
    /// and is not already being sent to by this instance: each claims up to <see cref="PerHookPerRound"/> of its hook's
    /// deliveries, oldest first, and sends and records them in a task of its own. The round does not wait for them, so a
    /// hook whose receiver stalls to the timeout holds up only itself. Returns how many hooks it started.
    /// </summary>
    public async Task<int> StartDueHooksAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        var busy = _inFlight.Keys.ToList();
        var waiting = Waiting(now);
        // Per hook, one index seek (HookId, State, Id) to its first due delivery: never a read of every waiting row,
        // which a receiver down for hours makes a backlog of millions, read again every round.
        var hookIds = await (from h in db.WebHooks
                             where !busy.Contains(h.Id) && (h.AlertStatus == HookAlertStatus.Executable
                                 || (h.AlertStatus == HookAlertStatus.TemporarilyDisabled && h.DisabledUntil <= now))
                             let first = db.WebHookDeliveries.Where(waiting).Where(d => d.HookId == h.Id)
                                 .OrderBy(d => d.Id).Select(d => (long?)d.Id).FirstOrDefault()
                             where first != null
                             orderby first
                             select h.Id).Take(HooksPerRound).ToListAsync(ct);
        var started = 0;
        foreach (var hookId in hookIds)
        {
            var ids = await db.WebHookDeliveries.Where(waiting).Where(d => d.HookId == hookId).OrderBy(d => d.Id).Select(d => d.Id).Take(PerHookPerRound).ToListAsync(ct);
            if (ids.Count == 0) continue;
            var token = Guid.NewGuid();
            // Long enough for the hook's share, each attempt at its full timeout.
            var until = now + O.Timeout * (PerHookPerRound + 1) + TimeSpan.FromSeconds(10);
            var claimedCount = await db.WebHookDeliveries
                .Where(d => ids.Contains(d.Id) && d.State == DeliveryState.Pending && (d.ClaimedUntil == null || d.ClaimedUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.ClaimedUntil, until).SetProperty(d => d.ClaimToken, token), ct);
            if (claimedCount == 0) continue; // another instance took them
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _inFlight[hookId] = done.Task;
            started++;
            _ = Task.Run(async () =>
            {
                try { await SendHookAsync(hookId, token, ct); }
                finally
                {
                    _inFlight.TryRemove(hookId, out _);
                    done.SetResult();
                    signal.Raise(); // the hook may have more due, and the loop may be idle
                }
            }, CancellationToken.None);
        }
        return started;
    }

    /// <summary>
    /// Deliveries that wait for an attempt and are not claimed (the hook's own state is checked apart). An expression, so
    /// the round's query can use it inside its per-hook subquery too.
    /// </summary>
    private static System.Linq.Expressions.Expression<Func<WebHookDelivery, bool>> Waiting(DateTime now) =>
        d => d.State == DeliveryState.Pending && d.NextAttemptAt <= now && (d.ClaimedUntil == null || d.ClaimedUntil < now);

    /// <summary>Sends one hook's claimed deliveries in order and records each, with a scope (a DbContext) of its own.</summary>
    private async Task SendHookAsync(long hookId, Guid token, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        try
        {
            var claimed = await db.WebHookDeliveries.AsNoTracking().Where(d => d.ClaimToken == token && d.ClaimedUntil != null).OrderBy(d => d.Id).ToListAsync(ct);
            var hook = await db.WebHooks.AsNoTracking().FirstOrDefaultAsync(h => h.Id == hookId, ct);
            if (hook is null || claimed.Count == 0) return;
            var allowLocal = await scope.ServiceProvider.GetRequiredService<ApplicationSettingsService>().AllowLocalRequestsAsync(ct);
            var secrets = scope.ServiceProvider.GetRequiredService<HookSecrets>();
            var root = endpoints.Root;
            foreach (var delivery in claimed)
            {
                var outcome = await sender.SendAsync(hook, delivery, secrets, allowLocal, root, ct);
                await RecordAsync(db, delivery, outcome, token, ct);
                if (!outcome.Success) break; // the rest of this hook's wait for a later round, in order
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (Exception e)
        {
            log.LogWarning(e, "Webhook {HookId} deliveries failed to send or record; they are retried", hookId);
        }
        finally
        {
            // Deliveries claimed but not attempted (after a failure, or on shutdown) are let go at once.
            try
            {
                using var release = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await db.WebHookDeliveries.Where(d => d.ClaimToken == token && d.ClaimedUntil != null)
                    .ExecuteUpdateAsync(s => s.SetProperty(d => d.ClaimedUntil, (DateTime?)null), release.Token);
            }
            catch (Exception e)
            {
                log.LogInformation(e, "Webhook {HookId}: releasing claimed deliveries failed; their lease runs out instead", hookId);
            }
        }
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
