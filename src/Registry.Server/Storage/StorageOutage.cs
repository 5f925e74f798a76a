using Registry.Schema.Storage;

namespace Registry.Server.Storage;

/// <summary>
/// What the operator hears of a blob store that is down (<see cref="StorageUnavailable"/>): one warning a minute
/// while requests fail, however many there are, and one line when it answers again. Nothing is blocked: each request
/// tries the store, so the registry recovers by itself as soon as the store does.
/// </summary>
public sealed class StorageOutage(ILogger<StorageOutage> log, TimeProvider clock)
{
    public static readonly TimeSpan WarningInterval = TimeSpan.FromMinutes(1);

    /// <summary>What clients are told to wait before trying again (<c>Retry-After</c>, seconds).</summary>
    public const int RetryAfterSeconds = 30;

    private long _lastWarning = long.MinValue;
    private int _down;

    public bool IsDown => Volatile.Read(ref _down) == 1;

    public void Failed(Exception e, string where)
    {
        Volatile.Write(ref _down, 1);
        var now = clock.GetUtcNow().UtcTicks;
        var last = Interlocked.Read(ref _lastWarning);
        if (last != long.MinValue && now - last < WarningInterval.Ticks) return;
        if (Interlocked.CompareExchange(ref _lastWarning, now, last) != last) return;
        log.LogWarning("Storage unavailable ({Where}): uploads and downloads answer 503 until it returns; this warning repeats at most once a minute. {Reason}",
            where, e.GetBaseException().Message);
    }

    public void Succeeded()
    {
        if (Interlocked.Exchange(ref _down, 0) == 0) return;
        Interlocked.Exchange(ref _lastWarning, long.MinValue);
        log.LogInformation("Storage is available again");
    }
}
