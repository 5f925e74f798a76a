namespace Registry.Schema.Hooks;

/// <summary>
/// A published file's event, built in the publish batch but not yet inserted: <see cref="PackageEventRecorder.InsertAsync"/>
/// puts those of one project, actor and package that follow each other into one <see cref="PublishedFiles"/> row.
/// </summary>
public sealed record PublishedFileEvent(
    long ProjectId, long NamespaceId, string ProjectPath, PackageEventData.UserData? User, PackageEventData.PackageData Package,
    PublishedFiles.FileData File, DateTime CreatedAt)
{
    /// <summary>Whether this event goes in the same row as <paramref name="other"/> (the records compare by value).</summary>
    public bool SharesRowWith(PublishedFileEvent other) =>
        ProjectId == other.ProjectId && ProjectPath == other.ProjectPath && User == other.User && Package == other.Package;
}
