namespace Registry.Schema.Identity;

public enum Visibility { Private = 0, Internal = 10, Public = 20 }

/// <summary>GitLab's access levels, with GitLab's numbers so that ordering is a comparison.</summary>
public enum AccessLevel { Guest = 10, Reporter = 20, Developer = 30, Maintainer = 40, Owner = 50 }

public enum NamespaceKind { Group = 0, User = 1 }

/// <summary>GitLab's user types (the numbers are GitLab's): people, and the bots behind project and group access tokens.</summary>
public enum UserType { Human = 0, ProjectBot = 6 }

public sealed class User
{
    public long Id { get; set; }
    public required string Username { get; set; }
    public string Name { get; set; } = "";
    public bool IsAdmin { get; set; }
    public DateTime CreatedAt { get; set; }
    public long NamespaceId { get; set; }
    public UserType Type { get; set; }

    /// <summary>For the bot of a project access token: its project (the bot is a member of it and nothing else).</summary>
    public long? BotProjectId { get; set; }

    /// <summary>For the bot of a group access token: its group.</summary>
    public long? BotGroupId { get; set; }

    public bool IsBot => Type != UserType.Human;

    /// <summary>When an administrator blocked the user; null: active. A blocked user's tokens and sessions do nothing.</summary>
    public DateTime? BlockedAt { get; set; }

    public bool IsBlocked => BlockedAt is not null;

    /// <summary>ASP.NET Core Identity's <c>PasswordHasher</c> format; null: the user cannot sign in with a password.</summary>
    public string? PasswordHash { get; set; }
}

/// <summary>A group (nested through <see cref="ParentId"/>) or a user's personal namespace.</summary>
public sealed class Namespace
{
    public long Id { get; set; }
    public NamespaceKind Kind { get; set; }
    public required string Path { get; set; }
    public required string FullPath { get; set; }
    /// <summary>Lower-cased full path: GitLab's paths are case-insensitive, and this keeps uniqueness provider-neutral.</summary>
    public required string FullPathKey { get; set; }
    public string Name { get; set; } = "";
    public long? ParentId { get; set; }
    public Namespace? Parent { get; set; }
    public Visibility Visibility { get; set; }
    public DateTime CreatedAt { get; set; }
}

public sealed class Project
{
    public long Id { get; set; }
    public long NamespaceId { get; set; }
    public Namespace Namespace { get; set; } = null!;
    public required string Path { get; set; }
    public required string FullPath { get; set; }
    public required string FullPathKey { get; set; }
    public string Name { get; set; } = "";
    public Visibility Visibility { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>A membership of a user in a group (applies to everything below it) or in one project.</summary>
public sealed class Membership
{
    public long Id { get; set; }
    public long UserId { get; set; }
    public long? NamespaceId { get; set; }
    public long? ProjectId { get; set; }
    public AccessLevel AccessLevel { get; set; }
    public DateTime CreatedAt { get; set; }
}

[Flags]
public enum TokenScopes
{
    None = 0,
    Api = 1,
    ReadApi = 2,
    ReadPackageRegistry = 4,
    WritePackageRegistry = 8,
    /// <summary>Container registry scopes of GitLab's tokens: accepted and shown, they open nothing here (no container registry).</summary>
    ReadRegistry = 16,
    WriteRegistry = 32,
}

/// <summary>What the three token kinds share: only a digest of the secret is stored.</summary>
public abstract class TokenBase
{
    public long Id { get; set; }
    public required byte[] Digest { get; set; }
    public string Name { get; set; } = "";
    public TokenScopes Scopes { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? ExpiresAt { get; set; }
    public DateTime? RevokedAt { get; set; }

    public bool IsActive(DateTime now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);
}

public sealed class PersonalAccessToken : TokenBase
{
    public long UserId { get; set; }
    public User User { get; set; } = null!;
}

public sealed class DeployToken : TokenBase
{
    public required string Username { get; set; }
    public long? ProjectId { get; set; }
    public long? NamespaceId { get; set; }
}

public sealed class CiJobToken : TokenBase
{
    public long ProjectId { get; set; }
    public long UserId { get; set; }
    public User User { get; set; } = null!;
}
