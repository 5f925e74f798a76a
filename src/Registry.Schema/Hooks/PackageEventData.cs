namespace Registry.Schema.Hooks;

/// <summary>What a package event records about the change, serialized into <see cref="PackageEvent.Data"/>.</summary>
public sealed record PackageEventData(
    PackageEventData.UserData? User,
    long ProjectId, string ProjectPath,
    PackageEventData.PackageData Package,
    Packages.PackageFileRecord? File)
{
    public sealed record UserData(long? Id, string Username, string Name);

    public sealed record PackageData(long Id, string Name, string Version, Packages.PackageType PackageType, Packages.PackageStatus Status,
        DateTime CreatedAt, DateTime? LastDownloadedAt);
}
