namespace Registry.Schema.Hooks;

public enum PackageEventKind
{
    FilePublished = 0, PackageDeleted = 1, FileDeleted = 2,
    /// <summary>
    /// Not an event kind of its own: a row of <see cref="FilePublished"/> events, one per file, that a publish batch
    /// recorded together (<see cref="PublishedFiles"/>). Receivers only ever see the file events.
    /// </summary>
    FilesPublished = 3,
}

/// <summary>
/// An outbox row: a package event, written in the same transaction as the change that caused it. The dispatcher fans it
/// out into one <see cref="WebHookDelivery"/> per hook that wants it and sets <see cref="FannedOutAt"/>.
/// </summary>
public sealed class PackageEvent
{
    public long Id { get; set; }
    /// <summary>Sent as <c>X-Gitlab-Event-UUID</c> (a <see cref="PackageEventKind.FilesPublished"/> row's events carry their own).</summary>
    public Guid Uuid { get; set; }
    public PackageEventKind Kind { get; set; }
    public long ProjectId { get; set; }
    public long NamespaceId { get; set; }
    /// <summary>
    /// What the event says, recorded when it happened (<see cref="PackageEventData"/> as JSON, or <see cref="PublishedFiles"/>
    /// for a <see cref="PackageEventKind.FilesPublished"/> row): the package may be gone when it is sent.
    /// </summary>
    public required string Data { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? FannedOutAt { get; set; }
    /// <summary>The lease of the instance fanning it out (a conditional UPDATE takes it).</summary>
    public DateTime? ClaimedUntil { get; set; }
    public Guid? ClaimToken { get; set; }
}
