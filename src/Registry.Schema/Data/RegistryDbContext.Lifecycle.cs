using Microsoft.EntityFrameworkCore;
using Registry.Schema.Audit;
using Registry.Schema.Identity;
using Registry.Schema.Lifecycle;
using Registry.Schema.Packages;
using Registry.Schema.Storage;

namespace Registry.Schema.Data;

/// <summary>
/// The package-lifecycle part of the model (issue 13), kept in one place: protection rules, the cleanup policy,
/// retention rules, leases for background jobs, content-addressed blobs and audit events. Migrations:
/// <c>AddPackageLifecycle</c> for each provider.
/// </summary>
public partial class RegistryDbContext
{
    private static void ConfigureLifecycle(ModelBuilder b)
    {
        b.Entity<PackageProtectionRule>(e =>
        {
            e.Property(x => x.PackageNamePattern).HasMaxLength(255);
            // GitLab: package_name_pattern is unique per project and package type.
            e.HasIndex(x => new { x.ProjectId, x.PackageType, x.PackageNamePattern }).IsUnique();
            e.HasOne<Project>().WithMany().HasForeignKey(x => x.ProjectId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<PackagesCleanupPolicy>(e =>
        {
            e.HasKey(x => x.ProjectId);
            e.HasIndex(x => x.NextRunAt);
            e.HasOne<Project>().WithMany().HasForeignKey(x => x.ProjectId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<PackageRetentionRule>(e =>
        {
            e.Property(x => x.PackageNamePattern).HasMaxLength(255);
            e.Property(x => x.ExcludePackageNamePattern).HasMaxLength(255);
            e.Property(x => x.ExcludeVersionPattern).HasMaxLength(255);
            e.HasIndex(x => x.ProjectId);
            e.HasIndex(x => x.NextRunAt);
            e.HasOne<Project>().WithMany().HasForeignKey(x => x.ProjectId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<DatabaseLease>(e =>
        {
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasMaxLength(100);
            e.Property(x => x.Holder).HasMaxLength(200);
        });
        b.Entity<ContentBlob>(e =>
        {
            e.Property(x => x.Sha256).HasMaxLength(64);
            e.Property(x => x.StorageKey).HasMaxLength(1024);
            // One live blob per digest; a blob being removed may sit beside a new live one of the same bytes, which an
            // upload racing the removal stored under its own key. The filter is plain SQL both providers accept.
            e.HasIndex(x => x.Sha256).IsUnique().HasFilter("\"State\" = 0");
            e.HasIndex(x => x.StorageKey).IsUnique();
            e.HasIndex(x => x.State);
        });
        b.Entity<ContentBody>(e =>
        {
            e.HasKey(x => x.StorageKey);
            e.Property(x => x.StorageKey).HasMaxLength(1024);
        });
        b.Entity<PackageFile>(e =>
        {
            // Restrict: the database itself refuses to drop a content blob that a file still points at.
            e.HasOne<ContentBlob>().WithMany().HasForeignKey(x => x.ContentBlobId).OnDelete(DeleteBehavior.Restrict);
            // Whether any row still refers to a blob key: the sweep of unmigrated files, the migration, orphan collection.
            e.HasIndex(x => x.BlobKey);
        });
        b.Entity<AuditEvent>(e =>
        {
            e.Property(x => x.AuthorName).HasMaxLength(255);
            e.Property(x => x.EntityType).HasMaxLength(50);
            e.Property(x => x.EntityPath).HasMaxLength(2048);
            e.Property(x => x.EventName).HasMaxLength(100);
            e.Property(x => x.TargetType).HasMaxLength(100);
            e.Property(x => x.TargetDetails).HasMaxLength(2048);
            e.Property(x => x.IpAddress).HasMaxLength(64);
            e.HasIndex(x => x.ProjectId);
            e.HasIndex(x => x.NamespaceId);
        });
    }
}
