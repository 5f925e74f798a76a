using GraphQL.Types;

namespace Registry.Schema.GraphQL.Types;

/// <summary>GitLab's typed global ids: strings like <c>gid://gitlab/Packages::Package/1</c>.</summary>
public sealed class PackagesPackageIdGraphType : IdGraphType
{
    public PackagesPackageIdGraphType() => Name = "PackagesPackageID";
}

public sealed class PackagesPackageFileIdGraphType : IdGraphType
{
    public PackagesPackageFileIdGraphType() => Name = "PackagesPackageFileID";
}

/// <summary>A regular expression supplied by a user, evaluated on a linear-time engine.</summary>
public sealed class UntrustedRegexpGraphType : StringGraphType
{
    public UntrustedRegexpGraphType() => Name = "UntrustedRegexp";
}

public sealed class PackagesProtectionRuleIdGraphType : IdGraphType
{
    public PackagesProtectionRuleIdGraphType() => Name = "PackagesProtectionRuleID";
}

public sealed class PackagesRetentionRuleIdGraphType : IdGraphType
{
    public PackagesRetentionRuleIdGraphType() => Name = "PackagesRetentionRuleID";
}
