namespace Registry.Schema.Identity;

/// <summary>
/// A signed-in browser. The cookie holds a random secret; only its SHA-256 digest is stored, so any instance on the
/// database resolves it and sign-out (deleting the row) ends it everywhere.
/// </summary>
public sealed class WebSession
{
    public long Id { get; set; }
    public required byte[] Digest { get; set; }
    public long UserId { get; set; }
    public User User { get; set; } = null!;
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
}
