namespace Registry.Schema.Lifecycle;

/// <summary>
/// A named lease held by one instance until <see cref="ExpiresAt"/>: background jobs that must not run on two instances
/// sharing a database at once take it first (see <see cref="LeaseService"/>).
/// </summary>
public sealed class DatabaseLease
{
    public required string Name { get; set; }
    public required string Holder { get; set; }
    public DateTime ExpiresAt { get; set; }
}
