using Registry.Schema.Identity;
using Registry.Server.EntityJson;
using Registry.Server.Generic;

namespace Registry.Server.AccessTokens;

/// <summary>GitLab's <c>ResourceAccessToken</c> entity (and <c>ResourceAccessTokenWithToken</c> once, on creation).</summary>
public static class AccessTokenJson
{
    public static GitLabEntity From(ResourceAccessToken t, DateTime now, string? secret = null)
    {
        var json = new GitLabEntity
        {
            ["id"] = t.Token.Id,
            ["name"] = t.Token.Name,
            ["revoked"] = t.Token.RevokedAt is not null,
            ["created_at"] = PackageFileJson.Timestamp(t.Token.CreatedAt),
            ["description"] = null,
            ["scopes"] = ScopeNames(t.Token.Scopes),
            ["user_id"] = t.Bot.Id,
            // Token use is not recorded here (it would cost a write on every authenticated request).
            ["last_used_at"] = null,
            ["active"] = t.Token.IsActive(now),
            ["expires_at"] = t.Token.ExpiresAt?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["last_used_ips"] = Array.Empty<string>(),
            ["access_level"] = (int)t.AccessLevel,
            ["resource_type"] = t.Resource.Kind,
            ["resource_id"] = t.Resource.Id,
        };
        if (secret is not null) json["token"] = secret;
        return json;
    }

    /// <summary>GitLab's scope names, in GitLab's order.</summary>
    public static readonly IReadOnlyDictionary<string, TokenScopes> Scopes = new Dictionary<string, TokenScopes>
    {
        ["api"] = TokenScopes.Api,
        ["read_api"] = TokenScopes.ReadApi,
        ["read_registry"] = TokenScopes.ReadRegistry,
        ["write_registry"] = TokenScopes.WriteRegistry,
    };

    public static string[] ScopeNames(TokenScopes scopes) => Scopes.Where(s => scopes.HasFlag(s.Value)).Select(s => s.Key).ToArray();
}
