using Microsoft.EntityFrameworkCore;
using Registry.Schema.Audit;

namespace Registry.Schema.Identity;

/// <summary>Personal access tokens, deploy tokens and CI job tokens: created, revoked and audited.</summary>
public sealed partial class IdentityAdmin
{
    public async Task<IssuedToken> CreatePersonalAccessTokenAsync(Actor actor, string username, string name, TokenScopes scopes, DateTime? expiresAt, CancellationToken ct)
    {
        var caller = RequirePerson(actor, "create personal access tokens");
        var owner = await FindUserAsync(username, ct);
        if (owner.Id != caller.Id && !caller.IsAdmin) throw RegistryError.Forbidden("You can only create tokens for yourself", restDetail: true);
        if (owner.IsBot) throw RegistryError.BadRequest("Bot users cannot have personal access tokens; create a project or group access token");
        if ((scopes & (TokenScopes.Api | TokenScopes.ReadApi)) == 0) throw RegistryError.BadRequest("Scopes can't be blank");
        expiresAt = Utc(expiresAt);
        CheckExpiry(expiresAt);
        var secret = TokenSecrets.New(TokenSecrets.PersonalPrefix);
        var token = new PersonalAccessToken { UserId = owner.Id, Name = name, Scopes = scopes, Digest = TokenSecrets.Digest(secret), CreatedAt = Now, ExpiresAt = expiresAt };
        db.PersonalAccessTokens.Add(token);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(actor, AuditEntity.For(owner), AuditEventNames.PersonalAccessTokenCreated, TokenTarget("PersonalAccessToken", token), ct,
            TokenDetails(token));
        return new IssuedToken(token.Id, secret, owner.Username, expiresAt);
    }

    public async Task<IssuedToken> CreateDeployTokenAsync(Actor actor, string? projectPath, string? groupPath, string name, string? username,
        TokenScopes scopes, DateTime? expiresAt, CancellationToken ct)
    {
        var caller = RequireWriter(actor);
        if (string.IsNullOrEmpty(projectPath) == string.IsNullOrEmpty(groupPath)) throw RegistryError.BadRequest("Give exactly one of projectPath and groupPath");
        if ((scopes & (TokenScopes.ReadPackageRegistry | TokenScopes.WritePackageRegistry)) == 0) throw RegistryError.BadRequest("Scopes can't be blank");
        expiresAt = Utc(expiresAt);
        CheckExpiry(expiresAt);
        long? projectId = null, namespaceId = null;
        AuditEntity entity;
        if (!string.IsNullOrEmpty(projectPath))
        {
            var project = await locator.FindProjectAsync(projectPath, ct);
            if (project is null || !await permissions.CanSeeProjectAsync(actor, project, ct)) throw RegistryError.NotFound("Project", "Project not found");
            if (await permissions.ProjectRoleAsync(caller, project, ct) is not >= AccessLevel.Maintainer)
                throw RegistryError.Forbidden("You do not have permission to create deploy tokens in this project", restDetail: true);
            projectId = project.Id;
            entity = AuditEntity.For(project);
        }
        else
        {
            var group = await locator.FindNamespaceAsync(groupPath!, ct);
            if (group is null || group.Kind != NamespaceKind.Group || !await permissions.CanSeeNamespaceAsync(actor, group, ct))
                throw RegistryError.NotFound("Group", "Group not found");
            if (await permissions.NamespaceRoleAsync(caller, group, ct) is not >= AccessLevel.Maintainer)
                throw RegistryError.Forbidden("You do not have permission to create deploy tokens in this group", restDetail: true);
            namespaceId = group.Id;
            entity = AuditEntity.For(group);
        }
        var secret = TokenSecrets.New(TokenSecrets.DeployPrefix);
        var token = new DeployToken
        {
            Name = name, Scopes = scopes, Digest = TokenSecrets.Digest(secret), CreatedAt = Now, ExpiresAt = expiresAt,
            ProjectId = projectId, NamespaceId = namespaceId, Username = "pending",
        };
        db.DeployTokens.Add(token);
        await db.SaveChangesAsync(ct);
        // GitLab's default deploy-token username is derived from the id.
        token.Username = string.IsNullOrWhiteSpace(username) ? $"gitlab+deploy-token-{token.Id}" : username;
        audit.Add(actor, entity, AuditEventNames.DeployTokenCreated, TokenTarget("DeployToken", token),
            new Dictionary<string, object?>(TokenDetails(token)) { ["username"] = token.Username });
        await db.SaveChangesAsync(ct);
        return new IssuedToken(token.Id, secret, token.Username, expiresAt);
    }

    public static readonly TimeSpan JobTokenLifetime = TimeSpan.FromHours(1);

    public async Task<IssuedToken> CreateCiJobTokenAsync(Actor actor, string projectPath, CancellationToken ct)
    {
        var caller = RequireWriter(actor);
        var project = await locator.FindProjectAsync(projectPath, ct);
        if (project is null || !await permissions.CanSeeProjectAsync(actor, project, ct)) throw RegistryError.NotFound("Project", "Project not found");
        if (await permissions.ProjectRoleAsync(caller, project, ct) is not >= AccessLevel.Developer)
            throw RegistryError.Forbidden("You do not have permission to run jobs in this project", restDetail: true);
        var secret = TokenSecrets.New(TokenSecrets.JobPrefix);
        var expires = Now + JobTokenLifetime;
        var token = new CiJobToken { ProjectId = project.Id, UserId = caller.Id, Scopes = TokenScopes.Api, Digest = TokenSecrets.Digest(secret), CreatedAt = Now, ExpiresAt = expires };
        db.CiJobTokens.Add(token);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(actor, AuditEntity.For(project), AuditEventNames.CiJobTokenCreated, TokenTarget("Ci::JobToken", token), ct, TokenDetails(token));
        return new IssuedToken(token.Id, secret, "gitlab-ci-token", expires);
    }

    public async Task RevokePersonalAccessTokenAsync(Actor actor, long id, CancellationToken ct)
    {
        var caller = RequireWriter(actor);
        var token = await db.PersonalAccessTokens.FirstOrDefaultAsync(t => t.Id == id, ct);
        if (token is null || (token.UserId != caller.Id && !caller.IsAdmin)) throw RegistryError.NotFound("Token", "Token not found");
        token.RevokedAt ??= Now;
        var owner = await db.Users.AsNoTracking().FirstAsync(u => u.Id == token.UserId, ct);
        audit.Add(actor, AuditEntity.For(owner), AuditEventNames.PersonalAccessTokenRevoked, TokenTarget("PersonalAccessToken", token), TokenDetails(token));
        await db.SaveChangesAsync(ct);
    }

    public async Task RevokeDeployTokenAsync(Actor actor, long id, CancellationToken ct)
    {
        var caller = RequireWriter(actor);
        var token = await db.DeployTokens.FirstOrDefaultAsync(t => t.Id == id, ct);
        if (token is null) throw RegistryError.NotFound("Token", "Token not found");
        AccessLevel? role = null;
        AuditEntity? entity = null;
        if (token.ProjectId is long pid && await db.Projects.AsNoTracking().FirstOrDefaultAsync(p => p.Id == pid, ct) is { } project)
        {
            role = await permissions.ProjectRoleAsync(caller, project, ct);
            entity = AuditEntity.For(project);
        }
        else if (token.NamespaceId is long nid && await db.Namespaces.AsNoTracking().FirstOrDefaultAsync(n => n.Id == nid, ct) is { } ns)
        {
            role = await permissions.NamespaceRoleAsync(caller, ns, ct);
            entity = AuditEntity.For(ns);
        }
        if (role is not >= AccessLevel.Maintainer || entity is not { } audited) throw RegistryError.NotFound("Token", "Token not found");
        token.RevokedAt ??= Now;
        audit.Add(actor, audited, AuditEventNames.DeployTokenRevoked, TokenTarget("DeployToken", token),
            new Dictionary<string, object?>(TokenDetails(token)) { ["username"] = token.Username });
        await db.SaveChangesAsync(ct);
    }

    public async Task RevokeCiJobTokenAsync(Actor actor, long id, CancellationToken ct)
    {
        var caller = RequireWriter(actor);
        var token = await db.CiJobTokens.FirstOrDefaultAsync(t => t.Id == id, ct);
        if (token is null || (token.UserId != caller.Id && !caller.IsAdmin)) throw RegistryError.NotFound("Token", "Token not found");
        token.RevokedAt ??= Now;
        var project = await db.Projects.AsNoTracking().FirstAsync(p => p.Id == token.ProjectId, ct);
        audit.Add(actor, AuditEntity.For(project), AuditEventNames.CiJobTokenRevoked, TokenTarget("Ci::JobToken", token), TokenDetails(token));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>A token as the audit log names it: kind, id and name, never its value.</summary>
    private static AuditTarget TokenTarget(string type, TokenBase token) => new(type, token.Id, token.Name);

    private static Dictionary<string, object?> TokenDetails(TokenBase token) => new()
    {
        ["token_name"] = token.Name,
        ["scopes"] = token.Scopes.ToString(),
        ["expires_at"] = token.ExpiresAt,
    };

    private void CheckExpiry(DateTime? expiresAt)
    {
        if (expiresAt is { } e && e <= Now) throw RegistryError.BadRequest("Expiration date must be in the future");
    }

    /// <summary>Stored times are UTC on every provider; GraphQL may hand over local or unspecified times.</summary>
    private static DateTime? Utc(DateTime? t) => t switch
    {
        null => null,
        { Kind: DateTimeKind.Utc } u => u,
        { Kind: DateTimeKind.Local } l => l.ToUniversalTime(),
        { } x => DateTime.SpecifyKind(x, DateTimeKind.Utc),
    };
}
