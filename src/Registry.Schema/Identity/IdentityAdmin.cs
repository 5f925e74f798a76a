using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Registry.Schema.Access;
using Registry.Schema.Audit;
using Registry.Schema.Data;

namespace Registry.Schema.Identity;

public sealed record IssuedToken(long Id, string Token, string? Username, DateTime? ExpiresAt);

/// <summary>
/// Users, groups, projects, memberships and tokens, with GitLab's rules on who may change what: one partial file for
/// each (IdentityAdmin.Users.cs, .GroupsAndProjects.cs, .Memberships.cs, .Tokens.cs); this one holds what they share.
/// </summary>
public sealed partial class IdentityAdmin(RegistryDbContext db, Permissions permissions, ProjectLocator locator, TimeProvider clock, AuditLog audit)
{
    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}\z")] // \z: $ would also match before a final newline
    private static partial Regex PathRegex();

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    private async Task<User> FindUserAsync(string username, CancellationToken ct) =>
        await db.Users.FirstOrDefaultAsync(u => u.Username == username, ct) ?? throw RegistryError.NotFound("User", $"User {username} not found");

    private static User RequireWriter(Actor actor) => actor.RequireApiWriter();

    /// <summary>A person's api token: the bots of project and group access tokens act only inside their project or group.</summary>
    private static User RequirePerson(Actor actor, string what)
    {
        var user = actor.RequireApiWriter();
        return user.IsBot ? throw RegistryError.Forbidden($"Bot users cannot {what}", restDetail: true) : user;
    }

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
