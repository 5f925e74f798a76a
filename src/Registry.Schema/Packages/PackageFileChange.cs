namespace Registry.Schema.Packages;

/// <summary>How a file name fares from one version of a package to another (<see cref="PackageComparer"/>).</summary>
public enum PackageFileChange { Added, Removed, Changed, Unchanged }
