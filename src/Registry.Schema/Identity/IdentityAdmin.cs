using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Registry.Schema.Audit;
using Registry.Schema.Data;

namespace Registry.Schema.Identity;

public sealed record IssuedToken(long Id, string Token, string? Username, DateTime? ExpiresAt);

/// <summary>Users, groups, projects, memberships and tokens, with GitLab's rules on who may change what.</summary>
public sealed partial class IdentityAdmin(RegistryDbContext db, Permissions permissions, ProjectLocator locator, TimeProvider clock, AuditLog audit)
{
    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}\z")] // \z: $ would also match before a final newline
    private static partial Regex PathRegex();

    public const string OnlyAdministratorsCreateUsers = "Only administrators can create users";

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<User> CreateUserAsync(Actor actor, string username, string? name, bool admin, CancellationToken ct,
        string? password = null)
    {
        if (!AccessRules.IsAdministrator(actor, write: true)) throw RegistryError.Forbidden(OnlyAdministratorsCreateUsers, restDetail: true);
        // Checked before anything is stored: a refused password leaves no user behind.
        var passwordHash = password is null ? null : Passwords.Hash(password);
        return await CreateUserCoreAsync(username, name, admin, ct, passwordHash);
    }

    internal async Task<User> CreateUserCoreAsync(string username, string? name, bool admin, CancellationToken ct, string? passwordHash = null)
    {
        ValidatePath(username, "Username");
        await EnsurePathFreeAsync(username, ct);
        var ns = new Namespace
        {
            Kind = NamespaceKind.User, Path = username, FullPath = username, FullPathKey = ProjectLocator.PathKey(username),
            Name = name ?? username, Visibility = Visibility.Private, CreatedAt = Now,
        };
        db.Namespaces.Add(ns);
        await db.SaveChangesAsync(ct);
        var user = new User { Username = username, Name = name ?? username, IsAdmin = admin, CreatedAt = Now, NamespaceId = ns.Id, PasswordHash = passwordHash };
        db.Users.Add(user);
        await db.SaveChangesAsync(ct);
        return user;
    }

    public async Task<Namespace> CreateGroupAsync(Actor actor, string path, string? name, string? parentPath, Visibility visibility, CancellationToken ct)
    {
        var user = RequirePerson(actor, "create groups");
        ValidatePath(path, "Path");
        string fullPath = path;
        Namespace? parent = null;
        if (!string.IsNullOrEmpty(parentPath))
        {
            parent = await locator.FindNamespaceAsync(parentPath, ct);
            if (parent is null || parent.Kind != NamespaceKind.Group || !await permissions.CanSeeNamespaceAsync(actor, parent, ct))
                throw RegistryError.NotFound("Group", "Parent group not found");
            if (await permissions.NamespaceRoleAsync(user, parent, ct) is not >= AccessLevel.Maintainer)
                throw RegistryError.Forbidden("You do not have permission to create a subgroup in this group", restDetail: true);
            fullPath = parent.FullPath + "/" + path;
        }
        await EnsurePathFreeAsync(fullPath, ct);
        var group = new Namespace
        {
            Kind = NamespaceKind.Group, Path = path, FullPath = fullPath, FullPathKey = ProjectLocator.PathKey(fullPath),
            Name = name ?? path, ParentId = parent?.Id, Visibility = visibility, CreatedAt = Now,
        };
        db.Namespaces.Add(group);
        await db.SaveChangesAsync(ct);
        if (parent is null)
        {
            db.Memberships.Add(new Membership { UserId = user.Id, NamespaceId = group.Id, AccessLevel = AccessLevel.Owner, CreatedAt = Now });
            await db.SaveChangesAsync(ct);
        }
        return group;
    }

    public async Task<Project> CreateProjectAsync(Actor actor, string namespacePath, string path, string? name, Visibility visibility, CancellationToken ct)
    {
        var user = RequirePerson(actor, "create projects");
        ValidatePath(path, "Path");
        var ns = await locator.FindNamespaceAsync(namespacePath, ct);
        if (ns is null || !await permissions.CanSeeNamespaceAsync(actor, ns, ct)) throw RegistryError.NotFound("Namespace", "Namespace not found");
        if (await permissions.NamespaceRoleAsync(user, ns, ct) is not >= AccessLevel.Maintainer)
            throw RegistryError.Forbidden("You do not have permission to create a project in this namespace", restDetail: true);
        var fullPath = ns.FullPath + "/" + path;
        await EnsurePathFreeAsync(fullPath, ct);
        var project = new Project
        {
            NamespaceId = ns.Id, Path = path, FullPath = fullPath, FullPathKey = ProjectLocator.PathKey(fullPath),
            Name = name ?? path, Visibility = visibility, CreatedAt = Now,
        };
        db.Projects.Add(project);
        await db.SaveChangesAsync(ct);
        return project;
    }

    public async Task AddGroupMemberAsync(Actor actor, string groupPath, string username, AccessLevel level, CancellationToken ct)
    {
        var user = RequireWriter(actor);
        var group = await locator.FindNamespaceAsync(groupPath, ct);
        if (group is null || group.Kind != NamespaceKind.Group || !await permissions.CanSeeNamespaceAsync(actor, group, ct))
            throw RegistryError.NotFound("Group", "Group not found");
        if (await permissions.NamespaceRoleAsync(user, group, ct) is not AccessLevel.Owner)
            throw RegistryError.Forbidden("Only the group's owners can add members", restDetail: true);
        var member = await FindUserAsync(username, ct);
        await UpsertMembershipAsync(member.Id, group.Id, null, level, ct);
    }

    public async Task AddProjectMemberAsync(Actor actor, string projectPath, string username, AccessLevel level, CancellationToken ct)
    {
        var user = RequireWriter(actor);
        var project = await locator.FindProjectAsync(projectPath, ct);
        if (project is null || !await permissions.CanSeeProjectAsync(actor, project, ct)) throw RegistryError.NotFound("Project", "Project not found");
        var role = await permissions.ProjectRoleAsync(user, project, ct);
        if (role is not >= AccessLevel.Maintainer || (level == AccessLevel.Owner && role != AccessLevel.Owner))
            throw RegistryError.Forbidden("You do not have permission to add this member", restDetail: true);
        var member = await FindUserAsync(username, ct);
        await UpsertMembershipAsync(member.Id, null, project.Id, level, ct);
    }

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

    /// <summary>Creates the root administrator on an empty database; returns its token when one was generated.</summary>
    public async Task<string?> BootstrapAsync(string? configuredRootToken, CancellationToken ct)
    {
        if (configuredRootToken == "") configuredRootToken = null; // Registry__RootToken= set but empty: not configured
        if (configuredRootToken is { Length: < 20 }) throw new InvalidOperationException("Registry:RootToken must be at least 20 characters");
        if (await db.Users.AnyAsync(ct)) return null;
        var secret = configuredRootToken ?? TokenSecrets.New(TokenSecrets.PersonalPrefix);
        // One transaction: an instance starting beside this one either sees all of root or none of it.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            var root = await CreateUserCoreAsync("root", "Administrator", admin: true, ct);
            db.PersonalAccessTokens.Add(new PersonalAccessToken { UserId = root.Id, Name = "root", Scopes = TokenScopes.Api, Digest = TokenSecrets.Digest(secret), CreatedAt = Now });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (Exception e) when (e is DbUpdateException or RegistryError)
        {
            // Another instance created root first: its commit shows either as a unique-index violation here or, when
            // it landed before our path check, as "root has already been taken".
            await tx.RollbackAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
            if (await db.Users.AnyAsync(u => u.Username == "root", CancellationToken.None)) return null;
            throw;
        }
        return configuredRootToken is null ? secret : null;
    }

    /// <summary>A token as the audit log names it: kind, id and name, never its value.</summary>
    private static AuditTarget TokenTarget(string type, TokenBase token) => new(type, token.Id, token.Name);

    private static Dictionary<string, object?> TokenDetails(TokenBase token) => new()
    {
        ["token_name"] = token.Name,
        ["scopes"] = token.Scopes.ToString(),
        ["expires_at"] = token.ExpiresAt,
    };

    private async Task UpsertMembershipAsync(long userId, long? namespaceId, long? projectId, AccessLevel level, CancellationToken ct)
    {
        // A token's bot is a member of its own project or group only; its role there is the token's.
        if (await db.Users.AnyAsync(u => u.Id == userId && u.Type != UserType.Human, ct))
            throw RegistryError.BadRequest("Bot users cannot be added as members");
        var existing = await db.Memberships.FirstOrDefaultAsync(m => m.UserId == userId && m.NamespaceId == namespaceId && m.ProjectId == projectId, ct);
        if (existing is null)
            db.Memberships.Add(new Membership { UserId = userId, NamespaceId = namespaceId, ProjectId = projectId, AccessLevel = level, CreatedAt = Now });
        else
            existing.AccessLevel = level;
        await db.SaveChangesAsync(ct);
    }

    private async Task<User> FindUserAsync(string username, CancellationToken ct) =>
        await db.Users.FirstOrDefaultAsync(u => u.Username == username, ct) ?? throw RegistryError.NotFound("User", $"User {username} not found");

    private static User RequireWriter(Actor actor) => actor.RequireApiWriter();

    /// <summary>A person's api token: the bots of project and group access tokens act only inside their project or group.</summary>
    private static User RequirePerson(Actor actor, string what)
    {
        var user = actor.RequireApiWriter();
        return user.IsBot ? throw RegistryError.Forbidden($"Bot users cannot {what}", restDetail: true) : user;
    }

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

    private static void ValidatePath(string path, string what)
    {
        if (string.IsNullOrEmpty(path) || !PathRegex().IsMatch(path) || path.EndsWith('.') || path.Contains(".."))
            throw RegistryError.BadRequest($"{what} can contain only letters, digits, '_', '-' and '.', and cannot start with '-' or end with '.'");
    }

    private async Task EnsurePathFreeAsync(string fullPath, CancellationToken ct)
    {
        var key = ProjectLocator.PathKey(fullPath);
        if (await db.Namespaces.AnyAsync(n => n.FullPathKey == key, ct) || await db.Projects.AnyAsync(p => p.FullPathKey == key, ct))
            throw RegistryError.Conflict($"{fullPath} has already been taken");
    }
}
