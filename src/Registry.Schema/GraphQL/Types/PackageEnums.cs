using GraphQL;

namespace Registry.Schema.GraphQL.Types;

[Name("PackageTypeEnum")]
public enum PackageTypeEnum { Generic }

[Name("PackageSort")]
public enum PackageSort { CreatedAsc, CreatedDesc, NameAsc, NameDesc, VersionAsc, VersionDesc, TypeAsc, TypeDesc }

[Name("PackageGroupSort")]
public enum PackageGroupSort
{
    CreatedAsc, CreatedDesc, NameAsc, NameDesc, VersionAsc, VersionDesc, TypeAsc, TypeDesc, ProjectPathAsc, ProjectPathDesc,
}
