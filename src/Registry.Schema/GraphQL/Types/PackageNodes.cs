using GraphQL;
using GraphQL.DataLoader;
using GraphQL.Types;
using Registry.Schema.Access;
using Registry.Schema.GraphQL.Loading;
using Registry.Schema.GraphQL.Paging;
using Registry.Schema.Identity;
using Registry.Schema.Packages;

namespace Registry.Schema.GraphQL.Types;

[Name("Package")]
public partial class PackageNode(Package package)
{
    [Ignore] public Package Entity => package;

    [OutputType(typeof(NonNullGraphType<PackagesPackageIdGraphType>))]
    public string Id => GlobalId.For(GlobalId.Package, package.Id);
    public string Name => package.Name;
    public string Version => package.Version;
    public PackageTypeEnum PackageType => PackageTypeEnum.Generic;
    public PackageStatus Status => package.Status;
    public DateTime CreatedAt => Utc(package.CreatedAt);
    public DateTime UpdatedAt => Utc(package.UpdatedAt);

    [System.ComponentModel.Description("Status message: why the package is in the error state; null in any other state.")]
    public string? StatusMessage => package.Status == PackageStatus.Error ? package.StatusMessage : null;

    public IDataLoaderResult<ProjectNode> Project([FromServices] RequestLoaders loaders) =>
        loaders.Projects.Load(package.ProjectId).Select(p => new ProjectNode(p!));

    /// <remarks>
    /// Only the newest files a page can reach are read: a version can hold thousands, and a list of packages asks for
    /// each package's files. A page counted from the end reads them all.
    /// </remarks>
    public IDataLoaderResult<PackageFileConnection> PackageFiles([FromServices] RequestLoaders loaders,
        int? first = null, string? after = null, int? last = null, string? before = null)
    {
        if (Pager.LeadingNeeded(first, after, last, before) is not { } needed)
            return loaders.PackageFiles.Load(package).Select(files =>
                Pager.PageInMemory<PackageFileNode, PackageFileEdge, PackageFileConnection>(
                    (files ?? []).Select(f => new PackageFileNode(f)).ToList(), first, after, last, before));
        return loaders.NewestPackageFiles.Load((package, needed)).Select(files =>
            Pager.PageOfLeading<PackageFileNode, PackageFileEdge, PackageFileConnection>(
                files.Newest.Select(f => new PackageFileNode(f)).ToList(), files.Total, first, after, last, before));
    }

    [Name("_links")]
    [System.ComponentModel.Description("Map of links to perform actions on the package.")]
    public IDataLoaderResult<PackageLinksNode> Links([FromServices] RequestLoaders loaders) =>
        loaders.Projects.Load(package.ProjectId).Select(p => new PackageLinksNode(WebPaths.Package(p!.FullPath, package.Id)));

    [System.ComponentModel.Description("Permissions for the current user on the package.")]
    public IDataLoaderResult<PackagePermissionsNode> UserPermissions([FromServices] RequestLoaders loaders, [FromUserContext] RegistryUserContext ctx) =>
        loaders.AccessFor(ctx.Actor).Load(package.ProjectId).Select(access => new PackagePermissionsNode(access?.CanDelete == true, package, access?.CanPublish == true));

    [System.ComponentModel.Description("Whether the user can destroy the package.")]
    [Obsolete("Superseded by userPermissions.destroyPackage (GitLab 16.6).")]
    public IDataLoaderResult<bool> CanDestroy([FromServices] RequestLoaders loaders, [FromUserContext] RegistryUserContext ctx) =>
        loaders.AccessFor(ctx.Actor).Load(package.ProjectId).Select(access => access?.CanDelete == true);

    [System.ComponentModel.Description("Package tags. Generic packages have none.")]
    public PackageTagConnection Tags(int? first = null, string? after = null, int? last = null, string? before = null) =>
        Pager.PageInMemory<PackageTagNode, PackageTagEdge, PackageTagConnection>([], first, after, last, before);

    [System.ComponentModel.Description("Pipelines that built the package. This registry runs no pipelines, so there are none.")]
    public PipelineConnection Pipelines(int? first = null, string? after = null, int? last = null, string? before = null) =>
        Pager.PageInMemory<PipelineNode, PipelineEdge, PipelineConnection>([], first, after, last, before);

    [System.ComponentModel.Description("Package metadata. Generic packages have none (null), as in GitLab.")]
    [OutputType(typeof(PackageMetadataGraphType))]
    public object? Metadata => null;

    internal static DateTime Utc(DateTime t) => DateTime.SpecifyKind(t, DateTimeKind.Utc);
}

[Name("PackageDetailsType")]
public sealed class PackageDetailsNode(Package package) : PackageNode(package)
{
    public DateTime? LastDownloadedAt => Entity.LastDownloadedAt is { } t ? Utc(t) : null;

    [System.ComponentModel.Description("Other versions of the package: the same name in the same project, those GitLab displays " +
        "(default, error and deprecated ones), by version.")]
    public Task<PackageConnection> Versions([FromServices] PackageQueries queries,
        int? first = null, string? after = null, int? last = null, string? before = null, CancellationToken ct = default) =>
        PackagePager.PageAsync(queries.OtherVersionsList(Entity), PackageOrder.Version, false, first, after, last, before, ct);

    [System.ComponentModel.Description("Indicates if there is public access to the package (its project is public).")]
    public IDataLoaderResult<bool> PublicPackage([FromServices] RequestLoaders loaders) =>
        loaders.Projects.Load(Entity.ProjectId).Select(p => p?.Visibility == Visibility.Public);

    [System.ComponentModel.Description("Dependency links. Generic packages have none.")]
    public PackageDependencyLinkConnection DependencyLinks(int? first = null, string? after = null, int? last = null, string? before = null) =>
        Pager.PageInMemory<PackageDependencyLinkNode, PackageDependencyLinkEdge, PackageDependencyLinkConnection>([], first, after, last, before);

    // GitLab's endpoints of the other formats: this registry serves none of them, so each is null.
    [System.ComponentModel.Description("Url of the Composer setup endpoint; null here (generic packages only).")]
    public string? ComposerConfigRepositoryUrl => null;
    [System.ComponentModel.Description("Url of the Composer endpoint; null here (generic packages only).")]
    public string? ComposerUrl => null;
    [System.ComponentModel.Description("Url of the Conan project endpoint; null here (generic packages only).")]
    public string? ConanUrl => null;
    [System.ComponentModel.Description("Url of the Maven project endpoint; null here (generic packages only).")]
    public string? MavenUrl => null;
    [System.ComponentModel.Description("Url of the NPM project endpoint; null here (generic packages only).")]
    public string? NpmUrl => null;
    [System.ComponentModel.Description("Url of the Nuget project endpoint; null here (generic packages only).")]
    public string? NugetUrl => null;
    [System.ComponentModel.Description("Url of the PyPi project setup endpoint; null here (generic packages only).")]
    public string? PypiSetupUrl => null;
    [System.ComponentModel.Description("Url of the PyPi project endpoint; null here (generic packages only).")]
    public string? PypiUrl => null;
}

[Name("PackageLinks")]
public sealed class PackageLinksNode(string webPath)
{
    [System.ComponentModel.Description("Path to the package details page.")]
    public string? WebPath => webPath;
}

[Name("PackagePermissions")]
public sealed class PackagePermissionsNode(bool destroyPackage, Package package, bool canPublish)
{
    [System.ComponentModel.Description("If true, the user can perform `destroy_package` on this resource.")]
    public bool DestroyPackage => destroyPackage;

    [System.ComponentModel.Description("If true, the user may publish files into this package: the project lets them publish and no " +
        "protection rule of the package's name holds them back (this registry's addition; the publish itself decides the same way).")]
    public async Task<bool> PushPackage([FromUserContext] RegistryUserContext ctx, [FromServices] RequestLoaders loaders,
        [FromServices] Lifecycle.PackageProtection protection, CancellationToken ct)
    {
        if (!canPublish) return false;
        var project = await loaders.Projects.Load(package.ProjectId).GetResultAsync(ct);
        return project is not null && !await protection.IsPushProtectedAsync(ctx.Actor, project, package.Name, ct);
    }
}

/// <summary>GraphQL's view of <see cref="PackageFileRecord"/>, the same record REST's <c>select=package_file</c> returns.</summary>
[Name("PackageFile")]
public sealed class PackageFileNode(PackageFileRecord file)
{
    [OutputType(typeof(NonNullGraphType<PackagesPackageFileIdGraphType>))]
    public string Id => GlobalId.For(GlobalId.PackageFile, file.Id);
    public string FileName => file.FileName;
    [System.ComponentModel.Description("Size of the package file in bytes, as a string (GitLab's BigInt).")]
    public string Size => file.Size.ToString(System.Globalization.CultureInfo.InvariantCulture);
    public string FileSha256 => file.FileSha256;
    public string? FileMd5 => file.FileMd5;
    public string? FileSha1 => file.FileSha1;
    public DateTime CreatedAt => PackageNode.Utc(file.CreatedAt);
    public DateTime UpdatedAt => PackageNode.Utc(file.UpdatedAt);
    public string DownloadPath => file.DownloadPath;
}

[Name("PackageEdge")] public sealed class PackageEdge : Edge<PackageNode>;
[Name("PackageConnection")] public sealed class PackageConnection : Connection<PackageNode, PackageEdge>;
[Name("PackageFileEdge")] public sealed class PackageFileEdge : Edge<PackageFileNode>;
[Name("PackageFileConnection")] public sealed class PackageFileConnection : Connection<PackageFileNode, PackageFileEdge>;

[Name("PackageSettings")]
[System.ComponentModel.Description("Namespace-level package settings, with GitLab's names and defaults. Only the generic ones are " +
    "enforced here (the registry holds generic packages); the other formats' settings are stored and returned.")]
public sealed class PackageSettingsNode(PackageSettingsView view)
{
    private NamespacePackageSettings Own => view.Own;

    [System.ComponentModel.Description("Indicates whether duplicate generic packages are allowed for the namespace.")]
    public bool GenericDuplicatesAllowed => Own.GenericDuplicatesAllowed;
    [OutputType(typeof(UntrustedRegexpGraphType))]
    [System.ComponentModel.Description("When genericDuplicatesAllowed is false, you can publish duplicate packages with names or versions that match this regex; when it is true, this regex refuses them.")]
    public string? GenericDuplicateExceptionRegex => Own.GenericDuplicateExceptionRegex;

    [System.ComponentModel.Description("Indicates whether duplicate Maven packages are allowed for the namespace (stored, not enforced here).")]
    public bool MavenDuplicatesAllowed => Own.MavenDuplicatesAllowed;
    [OutputType(typeof(UntrustedRegexpGraphType))]
    [System.ComponentModel.Description("Exception regex for Maven duplicates (stored, not enforced here).")]
    public string? MavenDuplicateExceptionRegex => Own.MavenDuplicateExceptionRegex;

    [System.ComponentModel.Description("Indicates whether duplicate NuGet packages are allowed for the namespace (stored, not enforced here).")]
    public bool NugetDuplicatesAllowed => Own.NugetDuplicatesAllowed;
    [OutputType(typeof(UntrustedRegexpGraphType))]
    [System.ComponentModel.Description("Exception regex for NuGet duplicates (stored, not enforced here).")]
    public string? NugetDuplicateExceptionRegex => Own.NugetDuplicateExceptionRegex;
    [System.ComponentModel.Description("Indicates whether the NuGet symbol server is enabled for the namespace (stored, not enforced here).")]
    public bool NugetSymbolServerEnabled => Own.NugetSymbolServerEnabled;

    [System.ComponentModel.Description("Indicates whether duplicate Terraform packages are allowed for the namespace (stored, not enforced here).")]
    public bool TerraformModuleDuplicatesAllowed => Own.TerraformModuleDuplicatesAllowed;
    [OutputType(typeof(UntrustedRegexpGraphType))]
    [System.ComponentModel.Description("Exception regex for Terraform module duplicates (stored, not enforced here).")]
    public string? TerraformModuleDuplicateExceptionRegex => Own.TerraformModuleDuplicateExceptionRegex;

    [System.ComponentModel.Description("Indicates whether Maven package forwarding is allowed for the namespace: its own setting, else the one of the groups above (stored, nothing is forwarded here).")]
    public bool? MavenPackageRequestsForwarding => view.MavenPackageRequestsForwarding;
    [System.ComponentModel.Description("Indicates whether npm package forwarding is allowed for the namespace (stored, nothing is forwarded here).")]
    public bool? NpmPackageRequestsForwarding => view.NpmPackageRequestsForwarding;
    [System.ComponentModel.Description("Indicates whether PyPI package forwarding is allowed for the namespace (stored, nothing is forwarded here).")]
    public bool? PypiPackageRequestsForwarding => view.PypiPackageRequestsForwarding;

    [System.ComponentModel.Description("Indicates whether Maven package forwarding is locked for all descendent namespaces.")]
    public bool LockMavenPackageRequestsForwarding => Own.LockMavenPackageRequestsForwarding;
    [System.ComponentModel.Description("Indicates whether npm package forwarding is locked for all descendent namespaces.")]
    public bool LockNpmPackageRequestsForwarding => Own.LockNpmPackageRequestsForwarding;
    [System.ComponentModel.Description("Indicates whether PyPI package forwarding is locked for all descendent namespaces.")]
    public bool LockPypiPackageRequestsForwarding => Own.LockPypiPackageRequestsForwarding;

    [System.ComponentModel.Description("Indicates whether Maven package forwarding settings are locked by a parent namespace.")]
    public bool MavenPackageRequestsForwardingLocked => view.MavenPackageRequestsForwardingLocked;
    [System.ComponentModel.Description("Indicates whether npm package forwarding settings are locked by a parent namespace.")]
    public bool NpmPackageRequestsForwardingLocked => view.NpmPackageRequestsForwardingLocked;
    [System.ComponentModel.Description("Indicates whether PyPI package forwarding settings are locked by a parent namespace.")]
    public bool PypiPackageRequestsForwardingLocked => view.PypiPackageRequestsForwardingLocked;
}
