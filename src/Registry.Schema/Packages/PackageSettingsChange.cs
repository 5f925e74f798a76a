namespace Registry.Schema.Packages;

/// <summary>
/// What one <c>updateNamespacePackageSettings</c> asks to change, with GitLab's argument names. A null boolean leaves
/// that setting alone; an <see cref="Change{T}"/> given as null clears a regex (or makes a forwarding setting inherit).
/// </summary>
public sealed record PackageSettingsChange
{
    public bool? GenericDuplicatesAllowed { get; init; }
    public Change<string?> GenericDuplicateExceptionRegex { get; init; }
    public bool? MavenDuplicatesAllowed { get; init; }
    public Change<string?> MavenDuplicateExceptionRegex { get; init; }
    public bool? NugetDuplicatesAllowed { get; init; }
    public Change<string?> NugetDuplicateExceptionRegex { get; init; }
    public bool? NugetSymbolServerEnabled { get; init; }
    public bool? TerraformModuleDuplicatesAllowed { get; init; }
    public Change<string?> TerraformModuleDuplicateExceptionRegex { get; init; }
    public Change<bool?> MavenPackageRequestsForwarding { get; init; }
    public Change<bool?> NpmPackageRequestsForwarding { get; init; }
    public Change<bool?> PypiPackageRequestsForwarding { get; init; }
    public bool? LockMavenPackageRequestsForwarding { get; init; }
    public bool? LockNpmPackageRequestsForwarding { get; init; }
    public bool? LockPypiPackageRequestsForwarding { get; init; }
}
