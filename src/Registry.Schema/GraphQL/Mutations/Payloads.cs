using GraphQL;
using GraphQL.Types;
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

public enum AccessTokenScope { Api, ReadApi }

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

public sealed class RevokeTokenInput : MutationInput
{
    [Id] public required string Id { get; set; }
}

public sealed class RevokeTokenPayload : MutationPayload { }

public sealed class UpdateNamespacePackageSettingsInput : MutationInput
{
    [Id] public required string NamespacePath { get; set; }
    public bool? GenericDuplicatesAllowed { get; set; }
    [InputType(typeof(UntrustedRegexpGraphType))]
    public string? GenericDuplicateExceptionRegex
    {
        get => _regex;
        set { _regex = value; GenericDuplicateExceptionRegexGiven = true; }
    }

    /// <summary>Whether the request named the regex at all: an explicit null clears it, an absent field leaves it alone.</summary>
    [Ignore] public bool GenericDuplicateExceptionRegexGiven { get; private set; }

    private string? _regex;
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

public sealed class DestroyPackageFilesInput : MutationInput
{
    [Id] public required string ProjectPath { get; set; }
    [InputType(typeof(NonNullGraphType<ListGraphType<NonNullGraphType<PackagesPackageFileIdGraphType>>>))]
    public required List<string> Ids { get; set; }
}

public sealed class DestroyPayload : MutationPayload { }
