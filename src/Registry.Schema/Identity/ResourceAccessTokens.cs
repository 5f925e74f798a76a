using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Registry.Schema.Access;
using Registry.Schema.Data;

namespace Registry.Schema.Identity;

/// <summary>A project or group access token as the API shows it: the token, its bot user and the bot's role.</summary>
public sealed record ResourceAccessToken(PersonalAccessToken Token, User Bot, AccessLevel AccessLevel, TokenResource Resource);

/// <summary>What a project or group access token belongs to.</summary>
public sealed record TokenResource(Project? Project, Namespace? Group)
{
    public static TokenResource Of(Project project) => new(project, null);
    public static TokenResource Of(Namespace group) => new(null, group);

    public bool IsProject => Project is not null;
    public long Id => Project?.Id ?? Group!.Id;

    /// <summary>GitLab's name of the kind in messages: "project" or "group".</summary>
    public string Kind => IsProject ? "project" : "group";
}

/// <summary>
/// GitLab's project and group access tokens: each token belongs to a bot user that is a member of that one project (or
/// group) with the chosen role; its scopes and expiry are the token's. Maintainers manage a project's tokens, Owners a
/// group's; a token cannot be given a higher role than its creator has. The bot reads and writes through the ordinary
/// permission rules (see <see cref="Permissions"/>), so a revoked or expired token is simply an invalid one (401).
/// </summary>
public sealed class ResourceAccessTokens(RegistryDbContext db, Permissions permissions, ProjectLocator locator, TimeProvider clock)
{
    /// <summary>The scopes GitLab lets a project or group access token have that mean something for a package registry.</summary>
    public const TokenScopes AllowedScopes = TokenScopes.Api | TokenScopes.ReadApi | TokenScopes.ReadRegistry | TokenScopes.WriteRegistry;

    /// <summary>GitLab's lifetime for a token created without an expiry while expiry is enforced (its default).</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(365);

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>Whether the actor may see and manage the resource's tokens: a person (not a bot) who is its Maintainer (Owner of a group).</summary>
    public async Task<bool> CanManageAsync(Actor actor, TokenResource resource, CancellationToken ct)
    {
        if (actor.Kind != ActorKind.User || actor.User!.IsBot) return false;
        var role = await RoleAsync(actor.User, resource, ct);
        return role >= (resource.IsProject ? AccessLevel.Maintainer : AccessLevel.Owner);
    }

    /// <summary>The resource's tokens, newest first; <paramref name="active"/> filters on GitLab's <c>state</c>.</summary>
    public async Task<List<ResourceAccessToken>> ListAsync(Actor actor, TokenResource resource, bool? active, CancellationToken ct)
    {
        // GitLab answers a caller who may not read the tokens with 401 (its API's "unauthorized!").
        if (!await CanManageAsync(actor, resource, ct)) throw RegistryError.Unauthorized("You may not read this " + resource.Kind + "'s access tokens");
        var now = Now;
        var tokens = await LoadAsync(resource, null, ct);
        return tokens.Where(t => active is null || t.Token.IsActive(now) == active).ToList();
    }

    public async Task<ResourceAccessToken> GetAsync(Actor actor, TokenResource resource, long tokenId, CancellationToken ct)
    {
        if (!await CanManageAsync(actor, resource, ct)) throw RegistryError.Unauthorized("You may not read this " + resource.Kind + "'s access tokens");
        return await FindAsync(resource, tokenId, ct);
    }

    public async Task<(ResourceAccessToken Token, string Secret)> CreateAsync(Actor actor, TokenResource resource, string name,
        TokenScopes scopes, AccessLevel level, DateTime? expiresAt, CancellationToken ct)
    {
        var caller = actor.RequireApiWriter();
        if (!await CanManageAsync(actor, resource, ct))
            throw RegistryError.BadRequest($"User does not have permission to create {resource.Kind} access token");
        if (string.IsNullOrWhiteSpace(name)) throw RegistryError.BadRequest("Name can't be blank");
        if (scopes == TokenScopes.None || (scopes & ~AllowedScopes) != 0) throw RegistryError.BadRequest("Scopes can't be blank");
        var callerRole = await RoleAsync(caller, resource, ct);
        if (resource.IsProject && level == AccessLevel.Owner && callerRole != AccessLevel.Owner)
            throw RegistryError.BadRequest("Could not provision owner access to project access token");
        if (level > callerRole)
            throw RegistryError.BadRequest("Access level of the token can't be greater the access level of the user who created the token");
        var expires = (expiresAt ?? Now.Date + DefaultLifetime).Date;
        if (expires <= Now) throw RegistryError.BadRequest("Expiration date must be in the future");

        var secret = TokenSecrets.New(TokenSecrets.PersonalPrefix);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // GitLab's bot: a user of its own named after the resource, a member of it and of nothing else.
        var username = $"{resource.Kind}_{resource.Id}_bot_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}";
        var ns = new Namespace
        {
            Kind = NamespaceKind.User, Path = username, FullPath = username, FullPathKey = ProjectLocator.PathKey(username),
            Name = name, Visibility = Visibility.Private, CreatedAt = Now,
        };
        db.Namespaces.Add(ns);
        await db.SaveChangesAsync(ct);
        var bot = new User
        {
            Username = username, Name = name, CreatedAt = Now, NamespaceId = ns.Id, Type = UserType.ProjectBot,
            BotProjectId = resource.Project?.Id, BotGroupId = resource.Group?.Id,
        };
        db.Users.Add(bot);
        await db.SaveChangesAsync(ct);
        db.Memberships.Add(new Membership
        {
            UserId = bot.Id, ProjectId = resource.Project?.Id, NamespaceId = resource.Group?.Id, AccessLevel = level, CreatedAt = Now,
        });
        var token = new PersonalAccessToken
        {
            UserId = bot.Id, Name = name, Scopes = scopes, Digest = TokenSecrets.Digest(secret), CreatedAt = Now,
            ExpiresAt = DateTime.SpecifyKind(expires, DateTimeKind.Utc),
        };
        db.PersonalAccessTokens.Add(token);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        token.User = bot;
        return (new ResourceAccessToken(token, bot, level, resource), secret);
    }

    public async Task RevokeAsync(Actor actor, TokenResource resource, long tokenId, CancellationToken ct)
    {
        var caller = actor.RequireApiWriter();
        var found = await FindAsync(resource, tokenId, ct);
        if (!await CanManageAsync(actor, resource, ct)) throw RegistryError.BadRequest($"{caller.Name} cannot delete {found.Bot.Name}");
        await db.PersonalAccessTokens.Where(t => t.Id == tokenId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, Now), ct);
    }

    /// <summary>A project or group by full path (GraphQL's arguments), or not found when the actor cannot see it.</summary>
    public async Task<TokenResource> FindResourceAsync(Actor actor, string? projectPath, string? groupPath, CancellationToken ct)
    {
        if (projectPath is not null)
        {
            var project = await locator.FindProjectAsync(projectPath, ct);
            return project is not null && await permissions.CanSeeProjectAsync(actor, project, ct)
                ? TokenResource.Of(project) : throw RegistryError.NotFound("Project", "Project not found");
        }
        var group = await locator.FindGroupAsync(groupPath ?? "", ct);
        return group is not null && await permissions.CanSeeNamespaceAsync(actor, group, ct)
            ? TokenResource.Of(group) : throw RegistryError.NotFound("Group", "Group not found");
    }

    /// <summary>Finds the resource a token id belongs to (GraphQL revokes by token id alone); null when it is none of the kind's.</summary>
    public async Task<TokenResource?> ResourceOfTokenAsync(long tokenId, bool project, CancellationToken ct)
    {
        var bot = await db.PersonalAccessTokens.AsNoTracking().Where(t => t.Id == tokenId).Select(t => t.User).FirstOrDefaultAsync(ct);
        if (bot is null) return null;
        if (project && bot.BotProjectId is long projectId)
            return await db.Projects.AsNoTracking().Include(p => p.Namespace).FirstOrDefaultAsync(p => p.Id == projectId, ct) is { } p ? TokenResource.Of(p) : null;
        if (!project && bot.BotGroupId is long groupId)
            return await db.Namespaces.AsNoTracking().FirstOrDefaultAsync(n => n.Id == groupId, ct) is { } g ? TokenResource.Of(g) : null;
        return null;
    }

    private async Task<ResourceAccessToken> FindAsync(TokenResource resource, long tokenId, CancellationToken ct) =>
        (await LoadAsync(resource, tokenId, ct)).SingleOrDefault()
        // GitLab's words, source type and all: "404 project Access Token Not Found".
        ?? throw RegistryError.NotFound($"{resource.Kind} Access Token");

    /// <summary>The resource's tokens (or the one with <paramref name="tokenId"/>), newest first, with their bots and roles.</summary>
    private async Task<List<ResourceAccessToken>> LoadAsync(TokenResource resource, long? tokenId, CancellationToken ct)
    {
        var projectId = resource.Project?.Id;
        var groupId = resource.Group?.Id;
        var rows = await (
            from t in db.PersonalAccessTokens.AsNoTracking()
            join u in db.Users.AsNoTracking() on t.UserId equals u.Id
            join m in db.Memberships.AsNoTracking() on u.Id equals m.UserId
            where u.Type == UserType.ProjectBot && (projectId != null ? u.BotProjectId == projectId : u.BotGroupId == groupId)
                && (tokenId == null || t.Id == tokenId)
            orderby t.Id descending
            select new { Token = t, Bot = u, m.AccessLevel }).ToListAsync(ct);
        return rows.Select(r => new ResourceAccessToken(r.Token, r.Bot, r.AccessLevel, resource)).ToList();
    }

    private async Task<AccessLevel?> RoleAsync(User user, TokenResource resource, CancellationToken ct) => resource.Project is { } project
        ? await permissions.ProjectRoleAsync(user, project, ct)
        : await permissions.NamespaceRoleAsync(user, resource.Group!, ct);
}
