using GraphQL;
using GraphQL.Types;
using Registry.Schema.GraphQL.Paging;
using Registry.Schema.Lifecycle;
using Registry.Schema.Packages;

namespace Registry.Schema.GraphQL.Types;

[Name("PackagesProtectionRulePackageType")]
[System.ComponentModel.Description("Package type of a package protection rule resource. This registry keeps generic packages only.")]
public enum ProtectionRulePackageTypeEnum { Generic }

[Name("PackagesProtectionRuleAccessLevel")]
[System.ComponentModel.Description("Access level of a package protection rule resource")]
public enum ProtectionRuleAccessLevelEnum { Maintainer, Owner, Admin }

[Name("PackagesProtectionRuleAccessLevelForDelete")]
[System.ComponentModel.Description("Access level for the deletion of a package protection rule resource.")]
public enum ProtectionRuleAccessLevelForDeleteEnum { Owner, Admin }

/// <summary>GitLab's <c>PackagesProtectionRule</c>.</summary>
[Name("PackagesProtectionRule")]
[System.ComponentModel.Description("A packages protection rule designed to protect packages from being pushed or deleted by users with a certain access level.")]
public sealed class ProtectionRuleNode(PackageProtectionRule rule)
{
    [OutputType(typeof(NonNullGraphType<PackagesProtectionRuleIdGraphType>))]
    [System.ComponentModel.Description("Global ID of the package protection rule.")]
    public string Id => GlobalId.For(GlobalId.ProtectionRule, rule.Id);

    [System.ComponentModel.Description("Package name protected by the protection rule. For example, `my-package-*`. Wildcard character `*` allowed.")]
    public string PackageNamePattern => rule.PackageNamePattern;

    public ProtectionRulePackageTypeEnum PackageType => ProtectionRulePackageTypeEnum.Generic;

    [System.ComponentModel.Description("Minimum GitLab access required to push packages to the package registry. Valid values include `MAINTAINER`, `OWNER`, or `ADMIN`. If the value is `nil`, the default minimum access level is `DEVELOPER`.")]
    public ProtectionRuleAccessLevelEnum? MinimumAccessLevelForPush => ProtectionEnums.ToGraphQL(rule.MinimumAccessLevelForPush);

    [System.ComponentModel.Description("Minimum GitLab access required to delete packages from the package registry. Valid values include `OWNER`, or `ADMIN`. If the value is `nil`, the default minimum access level is `MAINTAINER`.")]
    public ProtectionRuleAccessLevelForDeleteEnum? MinimumAccessLevelForDelete => ProtectionEnums.ToGraphQLForDelete(rule.MinimumAccessLevelForDelete);
}

[Name("PackagesProtectionRuleEdge")] public sealed class ProtectionRuleEdge : Edge<ProtectionRuleNode>;
[Name("PackagesProtectionRuleConnection")] public sealed class ProtectionRuleConnection : Connection<ProtectionRuleNode, ProtectionRuleEdge>;

internal static class ProtectionEnums
{
    public static ProtectionRuleAccessLevelEnum? ToGraphQL(ProtectionAccessLevel? level) => level switch
    {
        ProtectionAccessLevel.Maintainer => ProtectionRuleAccessLevelEnum.Maintainer,
        ProtectionAccessLevel.Owner => ProtectionRuleAccessLevelEnum.Owner,
        ProtectionAccessLevel.Admin => ProtectionRuleAccessLevelEnum.Admin,
        _ => null,
    };

    public static ProtectionRuleAccessLevelForDeleteEnum? ToGraphQLForDelete(ProtectionAccessLevel? level) => level switch
    {
        ProtectionAccessLevel.Owner => ProtectionRuleAccessLevelForDeleteEnum.Owner,
        ProtectionAccessLevel.Admin => ProtectionRuleAccessLevelForDeleteEnum.Admin,
        _ => null,
    };

    public static ProtectionAccessLevel? FromGraphQL(ProtectionRuleAccessLevelEnum? level) => level switch
    {
        ProtectionRuleAccessLevelEnum.Maintainer => ProtectionAccessLevel.Maintainer,
        ProtectionRuleAccessLevelEnum.Owner => ProtectionAccessLevel.Owner,
        ProtectionRuleAccessLevelEnum.Admin => ProtectionAccessLevel.Admin,
        _ => null,
    };

    public static ProtectionAccessLevel? FromGraphQL(ProtectionRuleAccessLevelForDeleteEnum? level) => level switch
    {
        ProtectionRuleAccessLevelForDeleteEnum.Owner => ProtectionAccessLevel.Owner,
        ProtectionRuleAccessLevelForDeleteEnum.Admin => ProtectionAccessLevel.Admin,
        _ => null,
    };

    public static PackageType FromGraphQL(ProtectionRulePackageTypeEnum type) => PackageType.Generic;
}
