using GraphQL;
using Registry.Schema.Packages;

namespace Registry.Schema.GraphQL.Types;

/// <summary>The server's own name patterns, for clients that check names before they upload (beyond GitLab).</summary>
[Name("GenericPackageNameRules")]
[System.ComponentModel.Description("The rules the server applies to generic package coordinates, as regular expressions that mean the " +
    "same in .NET and ECMAScript; a value is valid when the whole value matches.")]
public sealed class GenericPackageNameRulesNode
{
    public static readonly GenericPackageNameRulesNode Instance = new();

    [System.ComponentModel.Description("Pattern of a package name.")]
    public string PackageName => PackageNameRules.NamePattern;
    [System.ComponentModel.Description("Pattern of a package version.")]
    public string PackageVersion => PackageNameRules.VersionPattern;
    [System.ComponentModel.Description("Pattern of a file name (and of each folder of a file path).")]
    public string FileName => PackageNameRules.FileNamePattern;
}
