using GraphQL;
using Registry.Schema.Lifecycle;

namespace Registry.Schema.GraphQL.Types;

/// <summary>GitLab's <c>PackagesCleanupKeepDuplicatedPackageFilesEnum</c>.</summary>
[Name("PackagesCleanupKeepDuplicatedPackageFilesEnum")]
public enum KeepDuplicatedPackageFilesEnum
{
    [System.ComponentModel.Description("Value to keep all package files")] AllPackageFiles,
    [System.ComponentModel.Description("Value to keep 1 package files")] OnePackageFile,
    [System.ComponentModel.Description("Value to keep 10 package files")] TenPackageFiles,
    [System.ComponentModel.Description("Value to keep 20 package files")] TwentyPackageFiles,
    [System.ComponentModel.Description("Value to keep 30 package files")] ThirtyPackageFiles,
    [System.ComponentModel.Description("Value to keep 40 package files")] FortyPackageFiles,
    [System.ComponentModel.Description("Value to keep 50 package files")] FiftyPackageFiles,
}

/// <summary>GitLab's <c>PackagesCleanupPolicy</c>.</summary>
[Name("PackagesCleanupPolicy")]
[System.ComponentModel.Description("A packages cleanup policy designed to keep only packages and packages assets that matter most")]
public sealed class CleanupPolicyNode(PackagesCleanupPolicy policy)
{
    [System.ComponentModel.Description("Number of duplicated package files to retain.")]
    public KeepDuplicatedPackageFilesEnum KeepNDuplicatedPackageFiles => KeepDuplicatedPackageFilesMapping.ToGraphQL(policy.KeepNDuplicatedPackageFiles);

    [System.ComponentModel.Description("Next time that the packages cleanup policy will be executed.")]
    public DateTime? NextRunAt => policy.NextRunAt is { } t ? DateTime.SpecifyKind(t, DateTimeKind.Utc) : null;
}

internal static class KeepDuplicatedPackageFilesMapping
{
    public static KeepDuplicatedPackageFilesEnum ToGraphQL(KeepDuplicatedPackageFiles keep) => keep switch
    {
        KeepDuplicatedPackageFiles.One => KeepDuplicatedPackageFilesEnum.OnePackageFile,
        KeepDuplicatedPackageFiles.Ten => KeepDuplicatedPackageFilesEnum.TenPackageFiles,
        KeepDuplicatedPackageFiles.Twenty => KeepDuplicatedPackageFilesEnum.TwentyPackageFiles,
        KeepDuplicatedPackageFiles.Thirty => KeepDuplicatedPackageFilesEnum.ThirtyPackageFiles,
        KeepDuplicatedPackageFiles.Forty => KeepDuplicatedPackageFilesEnum.FortyPackageFiles,
        KeepDuplicatedPackageFiles.Fifty => KeepDuplicatedPackageFilesEnum.FiftyPackageFiles,
        _ => KeepDuplicatedPackageFilesEnum.AllPackageFiles,
    };

    public static KeepDuplicatedPackageFiles FromGraphQL(KeepDuplicatedPackageFilesEnum keep) => keep switch
    {
        KeepDuplicatedPackageFilesEnum.OnePackageFile => KeepDuplicatedPackageFiles.One,
        KeepDuplicatedPackageFilesEnum.TenPackageFiles => KeepDuplicatedPackageFiles.Ten,
        KeepDuplicatedPackageFilesEnum.TwentyPackageFiles => KeepDuplicatedPackageFiles.Twenty,
        KeepDuplicatedPackageFilesEnum.ThirtyPackageFiles => KeepDuplicatedPackageFiles.Thirty,
        KeepDuplicatedPackageFilesEnum.FortyPackageFiles => KeepDuplicatedPackageFiles.Forty,
        KeepDuplicatedPackageFilesEnum.FiftyPackageFiles => KeepDuplicatedPackageFiles.Fifty,
        _ => KeepDuplicatedPackageFiles.All,
    };
}
