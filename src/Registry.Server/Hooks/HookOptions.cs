namespace Registry.Server.Hooks;

/// <summary><c>Registry:Hooks</c>: how webhooks are delivered. The defaults are GitLab's where GitLab has one.</summary>
public sealed class HookOptions
{
    public const string Section = "Registry:Hooks";

    /// <summary>How long one delivery may take, connection to last byte read (GitLab: 10 s).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often each instance looks for events and due deliveries when nothing woke it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The first retry's delay; each further retry doubles it, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a delivery is retried before it is given up (at least a day, as the issue asks).</summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromHours(25);

    /// <summary>The first pause of a hook that failed <see cref="FailuresBeforeDisabling"/> times in a row; it doubles, up to a day.</summary>
    public TimeSpan FirstDisablePeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>GitLab: four failures in a row disable a hook for a while, forty disable it until it is edited or tested.</summary>
    public int FailuresBeforeDisabling { get; set; } = 4;

    public int FailuresBeforePermanentDisabling { get; set; } = 40;

    /// <summary>
    /// How many deliveries per second an instance sends while uploads are in flight on it (0: no limit). Uploads come
    /// first; the deliveries not sent meanwhile wait in the database and go at full speed once the uploads pause.
    /// </summary>
    public double DeliveriesPerSecondWhileUploading { get; set; } = 20;

    /// <summary>How much of a receiver's answer is read and kept.</summary>
    public int MaxResponseBytes { get; set; } = 8 * 1024;

    /// <summary>How long events and deliveries are kept (recent deliveries: at least a week).</summary>
    public TimeSpan KeepFor { get; set; } = TimeSpan.FromDays(8);

    /// <summary>
    /// A secret (any text of 16 characters or more) that encrypts the Data Protection key ring in the database; without
    /// it the keys are stored as Data Protection writes them (protected only by the database's own access control).
    /// </summary>
    public string? KeyRingSecret { get; set; }
}
