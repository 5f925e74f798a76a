using Microsoft.EntityFrameworkCore;
using Registry.Schema.Data;
using Registry.Schema.Identity;
using Registry.Schema.Packages;
using Registry.Schema.Storage;

namespace Registry.Schema.GraphQL.Loading;

/// <summary>The batch loaders of one GraphQL request (a scoped service).</summary>
public sealed class RequestLoaders
{
    public RequestLoaders(RegistryDbContext db, PackageQueries queries, IBlobStore blobs, Lifecycle.PackageProtection protection)
    {
        ProtectionRuleExists = new BatchLoader<(long ProjectId, string Name), bool>(async (keys, ct) =>
        {
            var rules = await protection.RulesOfAsync(keys.Select(k => k.ProjectId).Distinct().ToList(), ct);
            return keys.ToDictionary(k => k, k => rules[k.ProjectId].Any(r => Lifecycle.PackageProtection.Matches(r, k.Name)));
        });
        Projects = new BatchLoader<long, Project>(async (ids, ct) =>
            await db.Projects.AsNoTracking().Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct));
        PackageFiles = new BatchLoader<long, List<PackageFileRecord>>(async (ids, ct) =>
            await queries.FilesOfAsync(ids, blobs.FileStore, ct));
    }

    public BatchLoader<long, Project> Projects { get; }
    public BatchLoader<long, List<PackageFileRecord>> PackageFiles { get; }

    /// <summary>Whether a protection rule matches (project, package name): one query for the rules of every project asked.</summary>
    public BatchLoader<(long ProjectId, string Name), bool> ProtectionRuleExists { get; }
}
