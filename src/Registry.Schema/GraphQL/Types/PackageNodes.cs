using GraphQL;
using GraphQL.DataLoader;
using GraphQL.Types;
using Registry.Schema.GraphQL.Loading;
using Registry.Schema.GraphQL.Paging;
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

    public IDataLoaderResult<ProjectNode> Project([FromServices] RequestLoaders loaders) =>
        loaders.Projects.Load(package.ProjectId).Select(p => new ProjectNode(p!));

    public IDataLoaderResult<PackageFileConnection> PackageFiles([FromServices] RequestLoaders loaders,
        int? first = null, string? after = null, int? last = null, string? before = null) =>
        loaders.PackageFiles.Load(package.Id).Select(files =>
            Pager.PageInMemory<PackageFileNode, PackageFileEdge, PackageFileConnection>(
                (files ?? []).Select(f => new PackageFileNode(f)).ToList(), first, after, last, before));

    internal static DateTime Utc(DateTime t) => DateTime.SpecifyKind(t, DateTimeKind.Utc);
}

[Name("PackageDetailsType")]
public sealed class PackageDetailsNode(Package package) : PackageNode(package)
{
    public DateTime? LastDownloadedAt => Entity.LastDownloadedAt is { } t ? Utc(t) : null;
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
public sealed class PackageSettingsNode(NamespacePackageSettings settings)
{
    public bool GenericDuplicatesAllowed => settings.GenericDuplicatesAllowed;
    [OutputType(typeof(UntrustedRegexpGraphType))]
    public string? GenericDuplicateExceptionRegex => settings.GenericDuplicateExceptionRegex;
}
