using GraphQL;
using GraphQL.Types;
using Registry.Schema.GraphQL.Paging;

namespace Registry.Schema.GraphQL.Types;

// GitLab's types for what its package UI selects but a generic registry never has: package tags (npm and NuGet),
// the pipelines that built a package (no CI runs here), dependency links and format metadata (the other formats).
// GitLab answers them for a generic package with empty connections or null, and so do these; the types exist so that
// GitLab's own documents validate and read the same answer they read from GitLab.

[Name("PackageTag")]
[System.ComponentModel.Description("A package tag (npm and NuGet packages; a generic package has none).")]
public sealed record PackageTagNode([property: Id] string Id, string Name, DateTime CreatedAt, DateTime UpdatedAt);

[Name("PackageTagEdge")] public sealed class PackageTagEdge : Edge<PackageTagNode>;
[Name("PackageTagConnection")] public sealed class PackageTagConnection : Connection<PackageTagNode, PackageTagEdge>;

[Name("Pipeline")]
[System.ComponentModel.Description("A CI pipeline that built a package (none here: the registry runs no pipelines).")]
public sealed record PipelineNode(
    [property: Id] string Id,
    string Iid,
    string? Sha,
    string? Ref,
    string? Path,
    string? CommitPath,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    UserNode? User,
    ProjectNode? Project);

[Name("PipelineEdge")] public sealed class PipelineEdge : Edge<PipelineNode>;
[Name("PipelineConnection")] public sealed class PipelineConnection : Connection<PipelineNode, PipelineEdge>;

[Name("PackageDependencyType")]
public enum PackageDependencyType { Dependencies, DevDependencies, BundleDependencies, PeerDependencies }

[Name("PackageDependency")]
public sealed record PackageDependencyNode([property: Id] string Id, string Name, string VersionPattern);

[Name("NugetDependencyLinkMetadata")]
public sealed record NugetDependencyLinkMetadataNode([property: Id] string Id, string TargetFramework);

public sealed class DependencyLinkMetadataGraphType : UnionGraphType
{
    public DependencyLinkMetadataGraphType()
    {
        Name = "DependencyLinkMetadata";
        Type<AutoRegisteringObjectGraphType<NugetDependencyLinkMetadataNode>>();
    }
}

[Name("PackageDependencyLink")]
[System.ComponentModel.Description("A dependency of a package (npm, NuGet and the like; a generic package has none).")]
public sealed record PackageDependencyLinkNode(
    [property: Id] string Id,
    PackageDependencyNode? Dependency,
    PackageDependencyType DependencyType,
    [property: OutputType(typeof(DependencyLinkMetadataGraphType))] object? Metadata);

[Name("PackageDependencyLinkEdge")] public sealed class PackageDependencyLinkEdge : Edge<PackageDependencyLinkNode>;
[Name("PackageDependencyLinkConnection")] public sealed class PackageDependencyLinkConnection : Connection<PackageDependencyLinkNode, PackageDependencyLinkEdge>;

[Name("MavenMetadata")]
public sealed record MavenMetadataNode([property: Id] string Id, string? AppGroup, string AppName, string? AppVersion, string Path,
    DateTime CreatedAt, DateTime UpdatedAt);

[Name("NugetMetadata")]
public sealed record NugetMetadataNode([property: Id] string Id, string? IconUrl, string? LicenseUrl, string? ProjectUrl);

/// <summary>GitLab's union of the formats' metadata; a generic package's metadata is null.</summary>
public sealed class PackageMetadataGraphType : UnionGraphType
{
    public PackageMetadataGraphType()
    {
        Name = "PackageMetadata";
        Type<AutoRegisteringObjectGraphType<MavenMetadataNode>>();
        Type<AutoRegisteringObjectGraphType<NugetMetadataNode>>();
    }
}
