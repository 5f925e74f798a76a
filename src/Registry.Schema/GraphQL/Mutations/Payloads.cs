using GraphQL;
using GraphQL.Types;
using Registry.Schema.Access;
using Registry.Schema.GraphQL.Types;
using Registry.Schema.Identity;

namespace Registry.Schema.GraphQL.Mutations;

/// <summary>GitLab's mutation payload shape: errors as data plus the client's mutation id.</summary>
public abstract class MutationPayload
{
    public List<string> Errors { get; set; } = [];
    public string? ClientMutationId { get; set; }
}

public abstract class MutationInput
{
    public string? ClientMutationId { get; set; }
}

/// <summary>
/// Token scopes, GitLab's names. READ_REGISTRY and WRITE_REGISTRY (GitLab's container registry) are accepted on project
/// and group access tokens and open nothing here.
/// </summary>
public enum AccessTokenScope { Api, ReadApi, ReadRegistry, WriteRegistry }

public enum DeployTokenScope { ReadPackageRegistry, WritePackageRegistry }

public sealed class CreateGroupInput : MutationInput
{
    public required string Path { get; set; }
    public string? Name { get; set; }
    [Id] public string? ParentPath { get; set; }
    public Visibility? Visibility { get; set; }
}

public sealed class CreateGroupPayload : MutationPayload { public GroupNode? Group { get; set; } }

public sealed class CreateProjectInput : MutationInput
{
    [Id] public required string NamespacePath { get; set; }
    public required string Path { get; set; }
    public string? Name { get; set; }
    public Visibility? Visibility { get; set; }
}

public sealed class CreateProjectPayload : MutationPayload { public ProjectNode? Project { get; set; } }

public sealed class CreateUserInput : MutationInput
{
    public required string Username { get; set; }
    public string? Name { get; set; }
    public bool? Admin { get; set; }
    [System.ComponentModel.Description("The user's password for the web UI (8 to 128 characters); without one the user signs in only with tokens until a password is set.")]
    public string? Password { get; set; }
}

public sealed class CreateUserPayload : MutationPayload { public UserNode? User { get; set; } }

public sealed class AddGroupMemberInput : MutationInput
{
    [Id] public required string GroupPath { get; set; }
    public required string Username { get; set; }
    public required AccessLevel AccessLevel { get; set; }
}

public sealed class AddProjectMemberInput : MutationInput
{
    [Id] public required string ProjectPath { get; set; }
    public required string Username { get; set; }
    public required AccessLevel AccessLevel { get; set; }
}

public sealed class AddMemberPayload : MutationPayload { public AccessLevel? AccessLevel { get; set; } }

public sealed class CreatePersonalAccessTokenInput : MutationInput
{
    public required string Username { get; set; }
    public required string Name { get; set; }
    public required List<AccessTokenScope> Scopes { get; set; }
    public DateTime? ExpiresAt { get; set; }
}

public sealed class CreateDeployTokenInput : MutationInput
{
    [Id] public string? ProjectPath { get; set; }
    [Id] public string? GroupPath { get; set; }
    public required string Name { get; set; }
    public string? Username { get; set; }
    public required List<DeployTokenScope> Scopes { get; set; }
    public DateTime? ExpiresAt { get; set; }
}

public sealed class CreateCiJobTokenInput : MutationInput
{
    [Id] public required string ProjectPath { get; set; }
}

/// <summary>A new token: its value is shown here once and never again.</summary>
public sealed class CreateTokenPayload : MutationPayload
{
    [Id] public string? Id { get; set; }
    public string? Token { get; set; }
    public string? Username { get; set; }
    public DateTime? ExpiresAt { get; set; }
}

/// <summary>What creating a project or group access token takes besides where (GitLab's arguments).</summary>
public abstract class CreateAccessTokenInput : MutationInput
{
    public required string Name { get; set; }
    public required List<AccessTokenScope> Scopes { get; set; }
    [System.ComponentModel.Description("Role of the token's bot user in the project or group (and below a group); MAINTAINER by default (GitLab's).")]
    public AccessLevel? AccessLevel { get; set; }
    [System.ComponentModel.Description("Expiry (a date: the token stops working at its start, UTC); a year from today by default.")]
    public DateTime? ExpiresAt { get; set; }
}

public sealed class CreateProjectAccessTokenInput : CreateAccessTokenInput
{
    [Id] public required string ProjectPath { get; set; }
}

public sealed class CreateGroupAccessTokenInput : CreateAccessTokenInput
{
    [Id] public required string GroupPath { get; set; }
}

public sealed class RevokeTokenInput : MutationInput
{
    [Id] public required string Id { get; set; }
}

public sealed class RevokeTokenPayload : MutationPayload { }

/// <summary>
/// GitLab's settings arguments for every format: a settings script written for GitLab sets several formats in one call.
/// Only the generic ones are enforced here. A regex or forwarding argument given as null clears it; one left out is kept.
/// </summary>
public sealed class UpdateNamespacePackageSettingsInput : PartialInput
{
    [Id] public required string NamespacePath { get; set; }
    public bool? GenericDuplicatesAllowed { get; set; }
    [InputType(typeof(UntrustedRegexpGraphType))]
    public string? GenericDuplicateExceptionRegex { get => Get<string?>(); set => Set(value); }
    public bool? MavenDuplicatesAllowed { get; set; }
    [InputType(typeof(UntrustedRegexpGraphType))]
    public string? MavenDuplicateExceptionRegex { get => Get<string?>(); set => Set(value); }
    public bool? NugetDuplicatesAllowed { get; set; }
    [InputType(typeof(UntrustedRegexpGraphType))]
    public string? NugetDuplicateExceptionRegex { get => Get<string?>(); set => Set(value); }
    public bool? NugetSymbolServerEnabled { get; set; }
    public bool? TerraformModuleDuplicatesAllowed { get; set; }
    [InputType(typeof(UntrustedRegexpGraphType))]
    public string? TerraformModuleDuplicateExceptionRegex { get => Get<string?>(); set => Set(value); }
    public bool? MavenPackageRequestsForwarding { get => Get<bool?>(); set => Set(value); }
    public bool? NpmPackageRequestsForwarding { get => Get<bool?>(); set => Set(value); }
    public bool? PypiPackageRequestsForwarding { get => Get<bool?>(); set => Set(value); }
    public bool? LockMavenPackageRequestsForwarding { get; set; }
    public bool? LockNpmPackageRequestsForwarding { get; set; }
    public bool? LockPypiPackageRequestsForwarding { get; set; }

    public Packages.PackageSettingsChange ToChange() => new()
    {
        GenericDuplicatesAllowed = GenericDuplicatesAllowed,
        GenericDuplicateExceptionRegex = ChangeOf<string?>(nameof(GenericDuplicateExceptionRegex)),
        MavenDuplicatesAllowed = MavenDuplicatesAllowed,
        MavenDuplicateExceptionRegex = ChangeOf<string?>(nameof(MavenDuplicateExceptionRegex)),
        NugetDuplicatesAllowed = NugetDuplicatesAllowed,
        NugetDuplicateExceptionRegex = ChangeOf<string?>(nameof(NugetDuplicateExceptionRegex)),
        NugetSymbolServerEnabled = NugetSymbolServerEnabled,
        TerraformModuleDuplicatesAllowed = TerraformModuleDuplicatesAllowed,
        TerraformModuleDuplicateExceptionRegex = ChangeOf<string?>(nameof(TerraformModuleDuplicateExceptionRegex)),
        MavenPackageRequestsForwarding = ChangeOf<bool?>(nameof(MavenPackageRequestsForwarding)),
        NpmPackageRequestsForwarding = ChangeOf<bool?>(nameof(NpmPackageRequestsForwarding)),
        PypiPackageRequestsForwarding = ChangeOf<bool?>(nameof(PypiPackageRequestsForwarding)),
        LockMavenPackageRequestsForwarding = LockMavenPackageRequestsForwarding,
        LockNpmPackageRequestsForwarding = LockNpmPackageRequestsForwarding,
        LockPypiPackageRequestsForwarding = LockPypiPackageRequestsForwarding,
    };
}

public sealed class UpdateNamespacePackageSettingsPayload : MutationPayload { public PackageSettingsNode? PackageSettings { get; set; } }

public sealed class DestroyPackageInput : MutationInput
{
    [InputType(typeof(NonNullGraphType<PackagesPackageIdGraphType>))]
    public required string Id { get; set; }
}

public sealed class DestroyPackagesInput : MutationInput
{
    [InputType(typeof(NonNullGraphType<ListGraphType<NonNullGraphType<PackagesPackageIdGraphType>>>))]
    public required List<string> Ids { get; set; }
}

public sealed class DestroyPackageFileInput : MutationInput
{
    [InputType(typeof(NonNullGraphType<PackagesPackageFileIdGraphType>))]
    public required string Id { get; set; }
}

public sealed class DestroyPackageFilesInput : MutationInput, IProjectPathInput
{
    [Id] public required string ProjectPath { get; set; }
    [InputType(typeof(NonNullGraphType<ListGraphType<NonNullGraphType<PackagesPackageFileIdGraphType>>>))]
    public required List<string> Ids { get; set; }
}

public sealed class DestroyPayload : MutationPayload { }
