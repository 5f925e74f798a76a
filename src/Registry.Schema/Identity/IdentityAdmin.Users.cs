using Microsoft.EntityFrameworkCore;
using Registry.Schema.Access;

namespace Registry.Schema.Identity;

/// <summary>Users: created by administrators, and the root administrator on the first start.</summary>
public sealed partial class IdentityAdmin
{
    public const string OnlyAdministratorsCreateUsers = "Only administrators can create users";

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
}
