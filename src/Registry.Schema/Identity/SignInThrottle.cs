namespace Registry.Schema.Identity;

/// <summary>
/// Failed web sign-ins of one account from one client address. The lock is per pair: an attacker who keeps failing
/// for an account locks only their own address out of it, and the owner signs in from another. In the database, so
/// every instance counts the same failures.
/// </summary>
public sealed class SignInThrottle
{
    public long Id { get; set; }
    public long UserId { get; set; }
    /// <summary>The client's IP address as the server sees it (the proxy's, unless forwarded headers are configured).</summary>
    public required string ClientAddress { get; set; }
    /// <summary>Consecutive failures since the last success or lock.</summary>
    public int FailedAttempts { get; set; }
    public DateTime? LockedUntil { get; set; }
    public DateTime UpdatedAt { get; set; }
}
