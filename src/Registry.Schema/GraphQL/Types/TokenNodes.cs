using GraphQL;
using Registry.Schema.GraphQL.Mutations;
using Registry.Schema.Identity;

namespace Registry.Schema.GraphQL.Types;

/// <summary>A personal access token as GitLab's API lists it: never its value, which is shown once at creation.</summary>
[Name("PersonalAccessToken")]
public sealed class PersonalAccessTokenNode(PersonalAccessToken token, DateTime now)
{
    [Id] public string Id => GlobalId.For(GlobalId.PersonalAccessToken, token.Id);
    public string Name => token.Name;
    public List<AccessTokenScope> Scopes => TokenScopeNames.Access(token.Scopes);
    public DateTime CreatedAt => PackageNode.Utc(token.CreatedAt);
    public DateTime? ExpiresAt => token.ExpiresAt is { } e ? PackageNode.Utc(e) : null;
    public bool Revoked => token.RevokedAt is not null;
    [System.ComponentModel.Description("Neither revoked nor expired.")]
    public bool Active => token.IsActive(now);
}

[Name("DeployToken")]
public sealed class DeployTokenNode(DeployToken token, DateTime now)
{
    [Id] public string Id => GlobalId.For(GlobalId.DeployToken, token.Id);
    public string Name => token.Name;
    public string Username => token.Username;
    public List<DeployTokenScope> Scopes => TokenScopeNames.Deploy(token.Scopes);
    public DateTime CreatedAt => PackageNode.Utc(token.CreatedAt);
    public DateTime? ExpiresAt => token.ExpiresAt is { } e ? PackageNode.Utc(e) : null;
    public bool Revoked => token.RevokedAt is not null;
    [System.ComponentModel.Description("Neither revoked nor expired.")]
    public bool Active => token.IsActive(now);
}

internal static class TokenScopeNames
{
    public static List<AccessTokenScope> Access(TokenScopes s) =>
        [.. s.HasFlag(TokenScopes.Api) ? [AccessTokenScope.Api] : Array.Empty<AccessTokenScope>(),
         .. s.HasFlag(TokenScopes.ReadApi) ? [AccessTokenScope.ReadApi] : Array.Empty<AccessTokenScope>(),
         .. s.HasFlag(TokenScopes.ReadRegistry) ? [AccessTokenScope.ReadRegistry] : Array.Empty<AccessTokenScope>(),
         .. s.HasFlag(TokenScopes.WriteRegistry) ? [AccessTokenScope.WriteRegistry] : Array.Empty<AccessTokenScope>()];

    public static List<DeployTokenScope> Deploy(TokenScopes s) =>
        [.. s.HasFlag(TokenScopes.ReadPackageRegistry) ? [DeployTokenScope.ReadPackageRegistry] : Array.Empty<DeployTokenScope>(),
         .. s.HasFlag(TokenScopes.WritePackageRegistry) ? [DeployTokenScope.WritePackageRegistry] : Array.Empty<DeployTokenScope>()];
}
