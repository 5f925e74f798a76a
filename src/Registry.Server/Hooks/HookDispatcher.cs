using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Registry.Schema.Access;
using Registry.Schema.Data;
using Registry.Schema.Hooks;
using Claim = (System.Guid Token, System.Collections.Generic.List<long> Ids);

namespace Registry.Server.Hooks;

/// <summary>
/// Runs on every instance. Fans each new package event out into one delivery per hook that wants it, then sends due
/// deliveries in order of creation, at least once. Rows are claimed with a conditional UPDATE of a lease column
/// (atomic on SQLite and PostgreSQL), so one instance at a time works on each; a crashed holder's lease expires.
/// Each round considers every hook with due deliveries, and each hook's sends run in a task of their own, so hooks
/// whose receivers are slow or down neither crowd the others out of a round nor make them wait for their timeouts.
/// Everything waits in the database, never in memory: a receiver down for hours costs rows, not RAM.
/// Uploads come first (issue 24: "publishing never waits on a receiver", and deliveries do not slow it either): while
/// uploads are in flight, rounds come at the poll interval, sends go at <see cref="DeliveryPacer"/>'s pace, and a round
/// fans out only the events that pace can use. All of it runs on a <see cref="DispatcherThread"/>, not the thread pool,
/// and its writes commit without a flush (<see cref="NonDurableCommit"/>): what a crash loses of them is done again.
/// </summary>
public sealed class HookDispatcher(IServiceScopeFactory scopes, HookSender sender, HookSignal signal, RegistryEndpoints endpoints,
    DeliveryPacer pacer, IOptions<HookOptions> options, TimeProvider clock, ILogger<HookDispatcher> log) : BackgroundService
{
    /// <summary>
    /// The most events one fan-out transaction takes (times the hooks that want each: the deliveries it writes). On SQLite
    /// the transaction holds the database's only write lock, and uploads that arrive meanwhile wait for it: 500 events
    /// with ten hooks were 5,000 rows of request bodies in one commit. Busy rounds come every <see cref="RoundSpacing"/>,
    /// so a backlog still fans out at hundreds of events a second.
    /// </summary>
    private const int EventBatch = 50;
    private const int HooksPerRound = 100;
    private const int PerClaim = 5;
    /// <summary>The shortest time between two rounds: a round fans out what gathered meanwhile, in one transaction.</summary>
    private static readonly TimeSpan RoundSpacing = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan SecretsWarningInterval = TimeSpan.FromMinutes(5);
    /// <summary>
    /// How long an instance's claim on events it fans out keeps others off them. A fan-out that outlives it is still done
    /// once (the claim token decides in its transaction), so it only has to cover a normal fan-out; it is how long a
    /// killed instance's claimed events wait for another, so it is kept short.
    /// </summary>
    private static readonly TimeSpan FanOutLease = TimeSpan.FromSeconds(15);
    /// <summary>The hooks this instance is sending to now, each by a task of its own; a hook gets one at a time.</summary>
    private readonly ConcurrentDictionary<long, Task> _inFlight = new();
    /// <summary>What the last fan-out wrote per event (at least 1): how <see cref="FanOutBatch"/> turns deliveries into events.</summary>
    private double _deliveriesPerEvent = 1;
    private DateTime _nextCleanup;
    private DateTime _nextSecretsWarning;

    private HookOptions O => options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var thread = new DispatcherThread(log);
        try { await thread.RunAsync(() => RunAsync(stoppingToken)); }
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
                busy |= await FanOutAsync(FanOutBatch(), stoppingToken) > 0;
                busy |= await StartDueHooksAsync(stoppingToken) > 0;
                await CleanupAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                // The database may be briefly unavailable; the rows wait, and the next round tries again.
                log.LogWarning(e, "Webhook dispatch round failed; retrying in {Interval}", O.PollInterval);
            }
            try
            {
                // Not a round per upload: each round fans out what gathered since the last, and while uploads are in
                // flight rounds come at the poll interval (a wake-up is not needed: the hooks' tasks go on by themselves).
                if (pacer.UploadsInFlight) await Task.Delay(O.PollInterval, stoppingToken);
                else if (busy) await Task.Delay(RoundSpacing, stoppingToken);
                else await signal.WaitAsync(O.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>
    /// How many events a round fans out. While uploads are in flight sends go at the pacer's rate, and fanning out more
    /// than the sends can use only writes rows (ten per upload with ten hooks) that wait anyway: the other events wait
    /// as they are, and fan out once uploads pause. The pace counts deliveries, and an event makes one per hook that
    /// wants it: the round takes as many events as make a round's deliveries at the last fan-out's deliveries per event.
    /// </summary>
    private int FanOutBatch() => pacer.UploadsInFlight && O.DeliveriesPerSecondWhileUploading > 0
        ? (int)Math.Clamp(Math.Ceiling(O.DeliveriesPerSecondWhileUploading * O.PollInterval.TotalSeconds / _deliveriesPerEvent), 1, EventBatch)
        : EventBatch;

    /// <summary>
    /// Claims events not yet fanned out, up to <paramref name="batch"/> of them, and writes their deliveries, in one
    /// transaction. A <see cref="PackageEventKind.FilesPublished"/> row holds several events: where the batch ends inside
    /// one, the row keeps the rest for the next round, so a round still writes only the deliveries the pace can use.
    /// </summary>
    public async Task<int> FanOutAsync(int batch, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var permissions = scope.ServiceProvider.GetRequiredService<Permissions>();
        var now = clock.GetUtcNow().UtcDateTime;
        var candidates = await db.PackageEvents.AsNoTracking()
            .Where(e => e.FannedOutAt == null && (e.ClaimedUntil == null || e.ClaimedUntil < now))
            .OrderBy(e => e.Id).Select(e => e.Id).Take(batch).ToListAsync(ct);
        if (candidates.Count == 0) return 0;
        var token = Guid.NewGuid();
        var until = now + FanOutLease;
        await db.WithoutDurableCommitAsync(c => db.PackageEvents
            .Where(e => candidates.Contains(e.Id) && e.FannedOutAt == null && (e.ClaimedUntil == null || e.ClaimedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.ClaimedUntil, until).SetProperty(e => e.ClaimToken, token), c), ct);
        // By id, with the token: the token alone has no index, and a look by it alone reads every event.
        var rows = await db.PackageEvents.AsNoTracking().Where(e => candidates.Contains(e.Id) && e.ClaimToken == token).OrderBy(e => e.Id).ToListAsync(ct);
        var root = endpoints.Root;
        // The rows' events up to the batch, and who gets each, are read first, so the write transaction below is short
        // (on SQLite it holds up publishers). A batch's events mostly come from a few projects: their hooks are looked
        // up once per project.
        var hooksOf = new Dictionary<long, List<long>>();
        var taken = new List<(PackageEvent Row, List<FannedEvent> Events, string? Others, List<long> Hooks)>();
        var count = 0;
        foreach (var row in rows)
        {
            if (count >= batch) break;
            var (events, others) = EventsOf(row, batch - count);
            count += events.Count;
            if (!hooksOf.TryGetValue(row.ProjectId, out var hooks))
            {
                var ancestors = await permissions.AncestorIdsAsync(row.NamespaceId, ct);
                hooksOf[row.ProjectId] = hooks = await db.WebHooks.AsNoTracking()
                    .Where(h => h.PackageEvents && (h.ProjectId == row.ProjectId || (h.GroupId != null && ancestors.Contains(h.GroupId.Value))))
                    .OrderBy(h => h.Id).Select(h => h.Id).ToListAsync(ct);
            }
            taken.Add((row, events, others, hooks));
        }
        // One transaction for the batch. The claim token in the condition makes fan-out happen once even if this
        // instance's lease ran out and another took an event (which then has the other's token). Lost in a power cut,
        // the whole transaction is: the events are fanned out again, and no delivery is written twice.
        return await db.InTransactionWithoutDurableCommitAsync(async c =>
        {
            var done = taken.Where(t => t.Others is null).Select(t => t.Row.Id).ToList();
            var updated = await db.PackageEvents.Where(e => done.Contains(e.Id) && e.ClaimToken == token && e.FannedOutAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.FannedOutAt, now).SetProperty(e => e.ClaimedUntil, (DateTime?)null), c);
            var mine = updated == done.Count ? done.ToHashSet()
                : (await db.PackageEvents.Where(e => done.Contains(e.Id) && e.ClaimToken == token).Select(e => e.Id).ToListAsync(c)).ToHashSet();
            // Only the row the batch ended in, the last taken, can keep events: it keeps them and is let go for the next round.
            if (taken is [.., (var last, _, { } others, _)] && await Unclaimed(db.PackageEvents.Where(e => e.Id == last.Id))
                    .ExecuteUpdateAsync(s => s.SetProperty(e => e.Data, others).SetProperty(e => e.ClaimedUntil, (DateTime?)null), c) == 1)
                mine.Add(last.Id);
            // Claimed rows the batch did not reach are let go too, not left to the lease.
            var untouched = rows.Skip(taken.Count).Select(r => r.Id).ToList();
            if (untouched.Count > 0)
                await Unclaimed(db.PackageEvents.Where(e => untouched.Contains(e.Id)))
                    .ExecuteUpdateAsync(s => s.SetProperty(e => e.ClaimedUntil, (DateTime?)null), c);
            var written = 0;
            foreach (var (row, events, _, hooks) in taken)
            {
                if (!mine.Contains(row.Id) || hooks.Count == 0) continue;
                written += hooks.Count * events.Count;
                foreach (var ev in events)
                {
                    var body = PackageEventBody.Build(ev.Kind, ev.Uuid, row.CreatedAt, ev.Data, root);
                    foreach (var hookId in hooks)
                        db.WebHookDeliveries.Add(new WebHookDelivery
                        {
                            HookId = hookId, EventId = row.Id, Uuid = RandomGuids.Next(), EventUuid = ev.Uuid, RequestBody = body,
                            NextAttemptAt = now, CreatedAt = now, UpdatedAt = now,
                        });
                }
            }
            await db.SaveChangesAsync(c);
            _deliveriesPerEvent = Math.Max(1, (double)written / count);
            return count;
        }, ct);

        IQueryable<PackageEvent> Unclaimed(IQueryable<PackageEvent> q) => q.Where(e => e.ClaimToken == token && e.FannedOutAt == null);
    }

    private sealed record FannedEvent(PackageEventKind Kind, Guid Uuid, PackageEventData Data);

    /// <summary>
    /// The first <paramref name="max"/> events of <paramref name="row"/>, and the data of the row's other events (null
    /// when none is left).
    /// </summary>
    private static (List<FannedEvent> Events, string? Others) EventsOf(PackageEvent row, int max)
    {
        if (row.Kind != PackageEventKind.FilesPublished)
            return ([new FannedEvent(row.Kind, row.Uuid, JsonSerializer.Deserialize(row.Data, PackageEventJsonContext.Default.PackageEventData)!)], null);
        var files = JsonSerializer.Deserialize(row.Data, PackageEventJsonContext.Default.PublishedFiles)!;
        var events = files.Files.Take(max).Select(f => new FannedEvent(PackageEventKind.FilePublished, f.Uuid, files.EventOf(f, row.ProjectId))).ToList();
        return (events, files.Files.Count > max
            ? JsonSerializer.Serialize(files with { Files = files.Files[max..] }, PackageEventJsonContext.Default.PublishedFiles)
            : null);
    }

    /// <summary>
    /// Starts a send for every hook (up to <see cref="HooksPerRound"/>, oldest due delivery first) that has due deliveries
    /// and is not already being sent to by this instance: each runs in a task of its own that claims its hook's deliveries
    /// <see cref="PerClaim"/> at a time, oldest first, and sends and records them until none is due or one fails. The round
    /// does not wait for them, so a hook whose receiver stalls to the timeout holds up only itself. Returns how many hooks
    /// it started.
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
            var claim = await ClaimAsync(db, hookId, ct);
            if (claim is null) continue; // another instance took them
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _inFlight[hookId] = done.Task;
            started++;
            _ = SendThenLetGoAsync();

            async Task SendThenLetGoAsync()
            {
                await Task.Yield(); // the round goes on to the next hook; this one's sends go on beside it, on the same thread
                try { await SendHookAsync(hookId, claim.Value, ct); }
                finally
                {
                    _inFlight.TryRemove(hookId, out _);
                    done.SetResult();
                    signal.Raise(); // the hook may have more due (a failure ended its task), and the loop may be idle
                }
            }
        }
        return started;
    }

    /// <summary>
    /// Claims up to <see cref="PerClaim"/> of the hook's due deliveries, oldest first, for this instance; null when none
    /// was left to claim. Inside the caller's transaction when it has one. The claim's rows are found again by their ids
    /// (and the token): the token alone has no index, and a look by it alone reads every delivery kept.
    /// </summary>
    private async Task<Claim?> ClaimAsync(RegistryDbContext db, long hookId, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var ids = await db.WebHookDeliveries.Where(Waiting(now)).Where(d => d.HookId == hookId).OrderBy(d => d.Id).Select(d => d.Id)
            .Take(PerClaim).ToListAsync(ct);
        if (ids.Count == 0) return null;
        var token = Guid.NewGuid();
        // Long enough for the claim, each attempt at its full timeout and its longest wait behind uploads.
        var until = now + (O.Timeout + DeliveryPacer.MaxWait) * (PerClaim + 1) + TimeSpan.FromSeconds(10);
        var claimed = await db.WithoutDurableCommitAsync(c => db.WebHookDeliveries
            .Where(d => ids.Contains(d.Id) && d.State == DeliveryState.Pending && (d.ClaimedUntil == null || d.ClaimedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.ClaimedUntil, until).SetProperty(d => d.ClaimToken, token), c), ct);
        return claimed == 0 ? null : (token, ids);
    }

    /// <summary>
    /// Deliveries that wait for an attempt and are not claimed (the hook's own state is checked apart). An expression, so
    /// the round's query can use it inside its per-hook subquery too.
    /// </summary>
    private static System.Linq.Expressions.Expression<Func<WebHookDelivery, bool>> Waiting(DateTime now) =>
        d => d.State == DeliveryState.Pending && d.NextAttemptAt <= now && (d.ClaimedUntil == null || d.ClaimedUntil < now);

    /// <summary>The deliveries <paramref name="claim"/> still holds: found by id with the token (the token alone has no index).</summary>
    private static System.Linq.Expressions.Expression<Func<WebHookDelivery, bool>> HeldBy(Claim claim) =>
        d => claim.Ids.Contains(d.Id) && d.ClaimToken == claim.Token && d.ClaimedUntil != null;

    /// <summary>
    /// Sends one hook's claimed deliveries in order, with a scope (a DbContext) of its own, and goes on with the hook's next
    /// due ones while every send succeeds. The outcomes of a claim are recorded together, in one transaction that also
    /// claims the next deliveries: one commit per <see cref="PerClaim"/> attempts, not several per attempt (on SQLite each
    /// commit is a WAL fsync that uploads queue behind). A crash between a send and its record sends it again, with the
    /// same Idempotency-Key: at least once.
    /// </summary>
    private async Task SendHookAsync(long hookId, Claim first, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        Claim? current = first;
        try
        {
            var settings = scope.ServiceProvider.GetRequiredService<ApplicationSettingsService>();
            var secrets = scope.ServiceProvider.GetRequiredService<HookSecrets>();
            var root = endpoints.Root;
            while (current is { } claim)
            {
                // Read for each claim: an edit, a deletion, a disabling or the local-network setting applies to the next one.
                var now = clock.GetUtcNow().UtcDateTime;
                var hook = await db.WebHooks.AsNoTracking().FirstOrDefaultAsync(h => h.Id == hookId, ct);
                if (hook is null || !(hook.AlertStatus == HookAlertStatus.Executable
                    || (hook.AlertStatus == HookAlertStatus.TemporarilyDisabled && hook.DisabledUntil <= now))) return;
                var allowLocal = await settings.AllowLocalRequestsAsync(ct);
                var claimed = await db.WebHookDeliveries.AsNoTracking().Where(HeldBy(claim))
                    .OrderBy(d => d.Id).ToListAsync(ct);
                var attempts = new List<(WebHookDelivery Delivery, DeliveryOutcome Outcome)>(claimed.Count);
                var failed = false;
                try
                {
                    foreach (var delivery in claimed)
                    {
                        await pacer.WaitTurnAsync(ct);
                        var outcome = await sender.SendAsync(hook, delivery, secrets, allowLocal, root, ct);
                        attempts.Add((delivery, outcome));
                        if (!outcome.Success) { failed = true; break; } // the rest of this hook's wait for a later round, in order
                    }
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
                catch (Exception e)
                {
                    // What was sent before is recorded all the same (else it would be sent again); this one and the
                    // rest are let go and tried again.
                    log.LogWarning(e, "Webhook {HookId}: a delivery failed to send; it is retried", hookId);
                    failed = true;
                }
                // Recorded on shutdown too (what was sent is not sent again after a restart); the next claim only if all went well.
                // Bounded (a shutdown does not wait forever), beyond SQLite's 30 s busy timeout: a record given up is sent again.
                using var recording = new CancellationTokenSource(TimeSpan.FromSeconds(45));
                current = await RecordAsync(db, hookId, claim, attempts, claimNext: !failed && !ct.IsCancellationRequested && attempts.Count > 0,
                    recording.Token);
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
            if (current is { } left)
            {
                try
                {
                    using var release = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await db.WithoutDurableCommitAsync(c => db.WebHookDeliveries.Where(HeldBy(left))
                        .ExecuteUpdateAsync(s => s.SetProperty(d => d.ClaimedUntil, (DateTime?)null), c), release.Token);
                }
                catch (Exception e)
                {
                    log.LogInformation(e, "Webhook {HookId}: releasing claimed deliveries failed; their lease runs out instead", hookId);
                }
            }
        }
    }

    /// <summary>
    /// Records one claim's attempts, updates the hook's failure count, lets go of the claimed deliveries not attempted and,
    /// when <paramref name="claimNext"/>, claims the hook's next due ones: all in one transaction. Returns the new claim.
    /// </summary>
    private async Task<Claim?> RecordAsync(RegistryDbContext db, long hookId, Claim claim,
        List<(WebHookDelivery Delivery, DeliveryOutcome Outcome)> attempts, bool claimNext, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.InTransactionWithoutDurableCommitAsync(async c =>
        {
            // Writes first: on SQLite a transaction that read before its first write may not be let to write at all. The
            // hook's row before its deliveries', the order in which deleting the hook, its project or its group takes them
            // (the cascade): on PostgreSQL the other order deadlocks with a deletion.
            await db.WebHooks.Where(h => h.Id == hookId).ExecuteUpdateAsync(s => s.SetProperty(h => h.RecentFailures, h => h.RecentFailures), c);
            foreach (var (delivery, outcome) in attempts)
            {
                var (state, next) = NextState(delivery, outcome, now);
                var tries = delivery.Attempts + 1;
                await db.WebHookDeliveries.Where(d => d.Id == delivery.Id && d.ClaimToken == claim.Token).ExecuteUpdateAsync(s => s
                    .SetProperty(d => d.State, state).SetProperty(d => d.Attempts, tries).SetProperty(d => d.NextAttemptAt, next)
                    .SetProperty(d => d.ClaimedUntil, (DateTime?)null).SetProperty(d => d.ResponseStatus, outcome.Status)
                    .SetProperty(d => d.RequestHeaders, outcome.RequestHeaders).SetProperty(d => d.ResponseHeaders, outcome.ResponseHeaders)
                    .SetProperty(d => d.ResponseBody, outcome.ResponseBody).SetProperty(d => d.ExecutionDuration, outcome.DurationSeconds)
                    .SetProperty(d => d.InternalError, outcome.Error).SetProperty(d => d.UpdatedAt, now), c);
                if (!outcome.Success)
                    log.LogInformation("Webhook {HookId} delivery {DeliveryId} failed ({Reason}); {Next}", hookId, delivery.Id,
                        outcome.Error, state == DeliveryState.Pending ? $"retrying at {next:O}" : "not retried");
            }
            await db.WebHookDeliveries.Where(HeldBy(claim))
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.ClaimedUntil, (DateTime?)null), c);
            var counted = attempts.Where(a => !a.Outcome.SecretsUnreadable).Select(a => a.Outcome.Success).ToList();
            if (counted.Count > 0) await UpdateHookAsync(db, hookId, counted, now, c);
            if (attempts.Any(a => a.Outcome.SecretsUnreadable) && now >= _nextSecretsWarning)
            {
                // A misconfiguration of this instance, not a failing receiver: the hook is not disabled for it, and one
                // warning a few minutes says what to fix while the deliveries wait.
                _nextSecretsWarning = now + SecretsWarningInterval;
                log.LogWarning("Webhook deliveries are waiting: the hooks' secrets cannot be decrypted. {HookOptionsSection}:KeyRingSecret is missing "
                    + "or is not the one the Data Protection key ring in the database was written with; restart with the right secret "
                    + "and the waiting deliveries are sent", HookOptions.Section);
            }
            return claimNext ? await ClaimAsync(db, hookId, c) : null;
        }, ct);
    }

    /// <summary>What an attempt leaves the delivery at: delivered, failed for good, or pending with its next try.</summary>
    private (DeliveryState State, DateTime Next) NextState(WebHookDelivery delivery, DeliveryOutcome outcome, DateTime now)
    {
        if (outcome.Success) return (DeliveryState.Delivered, now);
        if (!outcome.Retry || delivery.IsTest || now - delivery.CreatedAt > O.RetryFor) return (DeliveryState.Failed, now);
        var attempts = delivery.Attempts + 1;
        var backoff = TimeSpan.FromTicks(Math.Min(O.MaxRetryDelay.Ticks, O.FirstRetryDelay.Ticks * (1L << Math.Min(attempts - 1, 20))));
        if (outcome.RetryAfter is { } ra && ra > backoff) backoff = ra < TimeSpan.FromDays(1) ? ra : TimeSpan.FromDays(1);
        return (DeliveryState.Pending, now + backoff);
    }

    /// <summary>
    /// GitLab's rule, applied to a claim's attempts in order: a run of failures disables the hook for a while (doubling
    /// each time, up to a day), a long run for good; a success ends the run.
    /// </summary>
    private async Task UpdateHookAsync(RegistryDbContext db, long hookId, List<bool> successes, DateTime now, CancellationToken ct)
    {
        var hook = await db.WebHooks.FirstOrDefaultAsync(h => h.Id == hookId, ct);
        if (hook is null) return;
        foreach (var success in successes)
        {
            if (success)
            {
                if (hook.RecentFailures == 0 && hook.AlertStatus == HookAlertStatus.Executable) continue;
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
        }
        await db.SaveChangesAsync(ct); // writes nothing when nothing changed
        db.ChangeTracker.Clear(); // the sending task's context lives on: the next claim reads the hook afresh
    }

    /// <summary>
    /// Removes finished deliveries older than <see cref="HookOptions.KeepFor"/> and events fanned out longer ago than that,
    /// now and then: an event is fanned out after it is created, and by its fan-out time the clean-up seeks the index the
    /// dispatcher's look uses (an event waiting to be fanned out has none, and stays).
    /// </summary>
    private async Task CleanupAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (now < _nextCleanup) return;
        _nextCleanup = now.AddMinutes(10);
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var before = now - O.KeepFor;
        await db.WithoutDurableCommitAsync(c => db.WebHookDeliveries.Where(d => d.CreatedAt < before && d.State != DeliveryState.Pending).ExecuteDeleteAsync(c), ct);
        await db.WithoutDurableCommitAsync(c => db.PackageEvents.Where(e => e.FannedOutAt < before).ExecuteDeleteAsync(c), ct);
    }
}
