using Microsoft.EntityFrameworkCore;
using Registry.Schema.Access;
using Registry.Schema.Audit;
using Registry.Schema.Data;
using Registry.Schema.Identity;

namespace Registry.Schema.Packages;

/// <summary>Per-namespace package settings. Defaults apply until the first update creates the row.</summary>
public sealed class PackageSettingsService(RegistryDbContext db, Permissions permissions, ProjectLocator locator, AuditLog audit)
{
    /// <summary>The settings as GitLab reports them, with the forwarding settings cascaded from the groups above.</summary>
    public async Task<PackageSettingsView> ViewAsync(Namespace ns, CancellationToken ct) =>
        PackageSettingsView.Of(await ChainAsync(ns, ct));

    /// <summary>Only the group's Owner, the user of a personal namespace, or an administrator may change settings.</summary>
    public async Task<PackageSettingsView> UpdateAsync(Actor actor, string namespacePath, PackageSettingsChange change, CancellationToken ct)
    {
        var user = actor.RequireApiWriter();
        var ns = await locator.FindNamespaceAsync(namespacePath, ct);
        if (ns is null || !await permissions.CanSeeNamespaceAsync(actor, ns, ct)) throw RegistryError.NotFound("Namespace");
        if (await permissions.NamespaceRoleAsync(user, ns, ct) is not AccessLevel.Owner) throw RegistryError.Forbidden();
        Validate(change.GenericDuplicateExceptionRegex, "Generic duplicate exception regex");
        Validate(change.MavenDuplicateExceptionRegex, "Maven duplicate exception regex");
        Validate(change.NugetDuplicateExceptionRegex, "Nuget duplicate exception regex");
        Validate(change.TerraformModuleDuplicateExceptionRegex, "Terraform module duplicate exception regex");
        var before = PackageSettingsView.Of(await ChainAsync(ns, ct));
        RefuseLocked(before.MavenPackageRequestsForwardingLocked, "Maven", change.MavenPackageRequestsForwarding.IsSet || change.LockMavenPackageRequestsForwarding is not null);
        RefuseLocked(before.NpmPackageRequestsForwardingLocked, "Npm", change.NpmPackageRequestsForwarding.IsSet || change.LockNpmPackageRequestsForwarding is not null);
        RefuseLocked(before.PypiPackageRequestsForwardingLocked, "Pypi", change.PypiPackageRequestsForwarding.IsSet || change.LockPypiPackageRequestsForwarding is not null);

        // Two first updates may race to create the row: the loser applies its change to the row that won.
        await db.RetryAsync(async _ =>
        {
            var settings = await db.NamespacePackageSettings.FirstOrDefaultAsync(s => s.NamespaceId == ns.Id, ct);
            if (settings is null)
            {
                settings = new NamespacePackageSettings { NamespaceId = ns.Id };
                db.NamespacePackageSettings.Add(settings);
            }
            Apply(settings, change);
            audit.Add(actor, AuditEntity.For(ns), AuditEventNames.PackageSettingsUpdated, new AuditTarget("Namespace::PackageSetting", ns.Id, ns.FullPath),
                new Dictionary<string, object?>
                {
                    ["generic_duplicates_allowed"] = settings.GenericDuplicatesAllowed,
                    ["generic_duplicate_exception_regex"] = settings.GenericDuplicateExceptionRegex,
                    ["maven_duplicates_allowed"] = settings.MavenDuplicatesAllowed,
                    ["maven_duplicate_exception_regex"] = settings.MavenDuplicateExceptionRegex,
                    ["nuget_duplicates_allowed"] = settings.NugetDuplicatesAllowed,
                    ["nuget_duplicate_exception_regex"] = settings.NugetDuplicateExceptionRegex,
                    ["terraform_module_duplicates_allowed"] = settings.TerraformModuleDuplicatesAllowed,
                    ["terraform_module_duplicate_exception_regex"] = settings.TerraformModuleDuplicateExceptionRegex,
                });
            return await db.SaveChangesAsync(ct);
        }, ct);
        var chain = await ChainAsync(ns, ct);
        return PackageSettingsView.Of(chain);
    }

    private static void Apply(NamespacePackageSettings s, PackageSettingsChange c)
    {
        if (c.GenericDuplicatesAllowed is { } generic) s.GenericDuplicatesAllowed = generic;
        if (c.GenericDuplicateExceptionRegex.IsSet) s.GenericDuplicateExceptionRegex = Blank(c.GenericDuplicateExceptionRegex.Value);
        if (c.MavenDuplicatesAllowed is { } maven) s.MavenDuplicatesAllowed = maven;
        if (c.MavenDuplicateExceptionRegex.IsSet) s.MavenDuplicateExceptionRegex = Blank(c.MavenDuplicateExceptionRegex.Value);
        if (c.NugetDuplicatesAllowed is { } nuget) s.NugetDuplicatesAllowed = nuget;
        if (c.NugetDuplicateExceptionRegex.IsSet) s.NugetDuplicateExceptionRegex = Blank(c.NugetDuplicateExceptionRegex.Value);
        if (c.NugetSymbolServerEnabled is { } symbols) s.NugetSymbolServerEnabled = symbols;
        if (c.TerraformModuleDuplicatesAllowed is { } terraform) s.TerraformModuleDuplicatesAllowed = terraform;
        if (c.TerraformModuleDuplicateExceptionRegex.IsSet) s.TerraformModuleDuplicateExceptionRegex = Blank(c.TerraformModuleDuplicateExceptionRegex.Value);
        if (c.MavenPackageRequestsForwarding.IsSet) s.MavenPackageRequestsForwarding = c.MavenPackageRequestsForwarding.Value;
        if (c.NpmPackageRequestsForwarding.IsSet) s.NpmPackageRequestsForwarding = c.NpmPackageRequestsForwarding.Value;
        if (c.PypiPackageRequestsForwarding.IsSet) s.PypiPackageRequestsForwarding = c.PypiPackageRequestsForwarding.Value;
        if (c.LockMavenPackageRequestsForwarding is { } lockMaven) s.LockMavenPackageRequestsForwarding = lockMaven;
        if (c.LockNpmPackageRequestsForwarding is { } lockNpm) s.LockNpmPackageRequestsForwarding = lockNpm;
        if (c.LockPypiPackageRequestsForwarding is { } lockPypi) s.LockPypiPackageRequestsForwarding = lockPypi;
    }

    private static string? Blank(string? regex) => string.IsNullOrEmpty(regex) ? null : regex;

    private static void Validate(Change<string?> regex, string setting)
    {
        if (regex.IsSet && DuplicatePolicy.Validate(regex.Value, setting) is { } why) throw RegistryError.BadRequest(why);
    }

    /// <summary>GitLab's cascading settings: a group above that locked one leaves it unchangeable below.</summary>
    private static void RefuseLocked(bool locked, string format, bool changing)
    {
        if (locked && changing)
            throw RegistryError.BadRequest($"{format} package requests forwarding cannot be changed because it is locked by an ancestor");
    }

    /// <summary>The settings rows of the namespace's ancestors (top first) and its own, defaults where none exists.</summary>
    private async Task<List<NamespacePackageSettings>> ChainAsync(Namespace ns, CancellationToken ct)
    {
        var prefixes = AccessRules.PathPrefixes(ns.FullPathKey);
        var ids = await db.Namespaces.AsNoTracking().Where(n => prefixes.Contains(n.FullPathKey))
            .Select(n => new { n.Id, n.FullPathKey }).ToListAsync(ct);
        var idList = ids.Select(n => n.Id).ToList();
        var rows = await db.NamespacePackageSettings.AsNoTracking().Where(s => idList.Contains(s.NamespaceId)).ToDictionaryAsync(s => s.NamespaceId, ct);
        return ids.OrderBy(n => n.FullPathKey.Length)
            .Select(n => rows.GetValueOrDefault(n.Id) ?? new NamespacePackageSettings { NamespaceId = n.Id }).ToList();
    }
}
