using GraphQL;
using Registry.Schema.GraphQL.Mutations;
using Registry.Schema.Identity;

namespace Registry.Schema.GraphQL.Types;

/// <summary>A project or group access token as its managers see it (never its value, which is shown once on creation).</summary>
[Name("AccessToken")]
public sealed class AccessTokenNode(ResourceAccessToken token)
{
    [Id] public string Id => GlobalId.For(GlobalId.PersonalAccessToken, token.Token.Id);
    public string Name => token.Token.Name;
    public List<AccessTokenScope> Scopes => TokenScopeNames.Access(token.Token.Scopes);
    [System.ComponentModel.Description("Role of the token's bot user in its project or group.")]
    public AccessLevel AccessLevel => token.AccessLevel;
    public DateTime CreatedAt => PackageNode.Utc(token.Token.CreatedAt);
    public DateTime? ExpiresAt => token.Token.ExpiresAt is { } e ? PackageNode.Utc(e) : null;
    public bool Revoked => token.Token.RevokedAt is not null;
    [System.ComponentModel.Description("Neither revoked nor expired.")]
    public bool Active([FromServices] TimeProvider clock) => token.Token.IsActive(clock.GetUtcNow().UtcDateTime);
    [System.ComponentModel.Description("The token's bot user.")]
    public UserNode User => new(token.Bot);

    /// <summary><c>Project.accessTokens</c> and <c>Group.accessTokens</c>: null for those who may not manage them, as GitLab's authorized fields.</summary>
    internal static async Task<List<AccessTokenNode>?> ListAsync(ResourceAccessTokens tokens, Actor actor, TokenResource resource, CancellationToken ct) =>
        await tokens.CanManageAsync(actor, resource, ct)
            ? (await tokens.ListAsync(actor, resource, null, ct)).Select(t => new AccessTokenNode(t)).ToList()
            : null;
}
