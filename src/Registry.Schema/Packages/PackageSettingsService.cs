using Microsoft.EntityFrameworkCore;
using Registry.Schema.Audit;
using Registry.Schema.Data;
using Registry.Schema.Identity;

namespace Registry.Schema.Packages;

/// <summary>Per-namespace package settings. Defaults apply until the first update creates the row.</summary>
public sealed class PackageSettingsService(RegistryDbContext db, Permissions permissions, ProjectLocator locator, AuditLog audit)
{
    public async Task<NamespacePackageSettings> GetAsync(long namespaceId, CancellationToken ct) =>
        await db.NamespacePackageSettings.AsNoTracking().FirstOrDefaultAsync(s => s.NamespaceId == namespaceId, ct)
        ?? new NamespacePackageSettings { NamespaceId = namespaceId };

    /// <summary>Only the group's Owner, the user of a personal namespace, or an administrator may change settings.</summary>
    public async Task<NamespacePackageSettings> UpdateAsync(Actor actor, string namespacePath, bool? duplicatesAllowed,
        string? exceptionRegex, bool regexGiven, CancellationToken ct)
    {
        var user = actor.RequireApiWriter();
        var ns = await locator.FindNamespaceAsync(namespacePath, ct);
        if (ns is null || !await permissions.CanSeeNamespaceAsync(actor, ns, ct)) throw RegistryError.NotFound("Namespace");
        if (await permissions.NamespaceRoleAsync(user, ns, ct) is not AccessLevel.Owner) throw RegistryError.Forbidden();
        if (regexGiven && DuplicatePolicy.Validate(exceptionRegex) is { } why) throw RegistryError.BadRequest(why);

        var settings = await db.NamespacePackageSettings.FirstOrDefaultAsync(s => s.NamespaceId == ns.Id, ct);
        if (settings is null)
        {
            settings = new NamespacePackageSettings { NamespaceId = ns.Id };
            db.NamespacePackageSettings.Add(settings);
        }
        if (duplicatesAllowed is { } allowed) settings.GenericDuplicatesAllowed = allowed;
        if (regexGiven) settings.GenericDuplicateExceptionRegex = string.IsNullOrEmpty(exceptionRegex) ? null : exceptionRegex;
        audit.Add(actor, AuditEntity.For(ns), AuditEventNames.PackageSettingsUpdated, new AuditTarget("Namespace::PackageSetting", ns.Id, ns.FullPath),
            new Dictionary<string, object?>
            {
                ["generic_duplicates_allowed"] = settings.GenericDuplicatesAllowed,
                ["generic_duplicate_exception_regex"] = settings.GenericDuplicateExceptionRegex,
            });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Two first updates raced to create the row: apply this one to the row that won.
            db.ChangeTracker.Clear();
            return await UpdateAsync(actor, namespacePath, duplicatesAllowed, exceptionRegex, regexGiven, ct);
        }
        return settings;
    }
}
