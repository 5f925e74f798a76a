using Microsoft.EntityFrameworkCore;
using Registry.Schema.Identity;
using Registry.Schema.Packages;

namespace Registry.Schema.Data;

/// <summary>
/// The registry's database. The model uses only what every relational provider understands (no provider-specific
/// column types or SQL), so PostgreSQL can get its own migrations from the same model.
/// </summary>
public partial class RegistryDbContext : DbContext
{
    public RegistryDbContext(DbContextOptions<RegistryDbContext> options) : base(options) { }

    /// <summary>For provider subclasses, which carry their own migrations.</summary>
    protected RegistryDbContext(DbContextOptions options) : base(options) { }

    public DbSet<User> Users => Set<User>();
    public DbSet<Namespace> Namespaces => Set<Namespace>();
    public DbSet<Project> Projects => Set<Project>();
    public DbSet<Membership> Memberships => Set<Membership>();
    public DbSet<PersonalAccessToken> PersonalAccessTokens => Set<PersonalAccessToken>();
    public DbSet<DeployToken> DeployTokens => Set<DeployToken>();
    public DbSet<CiJobToken> CiJobTokens => Set<CiJobToken>();
    public DbSet<WebSession> WebSessions => Set<WebSession>();
    public DbSet<Package> Packages => Set<Package>();
    public DbSet<PackageFile> PackageFiles => Set<PackageFile>();
    public DbSet<NamespacePackageSettings> NamespacePackageSettings => Set<NamespacePackageSettings>();
    // Package lifecycle (issue 13): configured in RegistryDbContext.Lifecycle.cs.
    public DbSet<Lifecycle.PackageProtectionRule> PackageProtectionRules => Set<Lifecycle.PackageProtectionRule>();
    public DbSet<Lifecycle.PackagesCleanupPolicy> PackagesCleanupPolicies => Set<Lifecycle.PackagesCleanupPolicy>();
    public DbSet<Lifecycle.PackageRetentionRule> PackageRetentionRules => Set<Lifecycle.PackageRetentionRule>();
    public DbSet<Lifecycle.DatabaseLease> DatabaseLeases => Set<Lifecycle.DatabaseLease>();
    public DbSet<Storage.ContentBlob> ContentBlobs => Set<Storage.ContentBlob>();
    public DbSet<Storage.ContentBody> ContentBodies => Set<Storage.ContentBody>();
    public DbSet<Audit.AuditEvent> AuditEvents => Set<Audit.AuditEvent>();
    public DbSet<PackageCount> PackageCounts => Set<PackageCount>();

    protected override void OnModelCreating(ModelBuilder b)
    {
        b.Entity<User>(e =>
        {
            e.Property(x => x.Username).HasMaxLength(255);
            e.Property(x => x.PasswordHash).HasMaxLength(512);
            e.HasIndex(x => x.Username).IsUnique();
            e.HasOne<Namespace>().WithMany().HasForeignKey(x => x.NamespaceId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Project>().WithMany().HasForeignKey(x => x.BotProjectId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Namespace>().WithMany().HasForeignKey(x => x.BotGroupId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<Namespace>(e =>
        {
            e.Property(x => x.Path).HasMaxLength(255);
            e.Property(x => x.FullPath).HasMaxLength(2048);
            e.Property(x => x.FullPathKey).HasMaxLength(2048);
            e.HasIndex(x => x.FullPathKey).IsUnique();
            e.HasOne(x => x.Parent).WithMany().HasForeignKey(x => x.ParentId).OnDelete(DeleteBehavior.Restrict);
        });
        b.Entity<Project>(e =>
        {
            e.Property(x => x.Path).HasMaxLength(255);
            e.Property(x => x.FullPath).HasMaxLength(2048);
            e.Property(x => x.FullPathKey).HasMaxLength(2048);
            e.HasIndex(x => x.FullPathKey).IsUnique();
            e.HasOne(x => x.Namespace).WithMany().HasForeignKey(x => x.NamespaceId).OnDelete(DeleteBehavior.Restrict);
        });
        b.Entity<Membership>(e =>
        {
            e.HasIndex(x => new { x.UserId, x.NamespaceId, x.ProjectId }).IsUnique();
            e.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Namespace>().WithMany().HasForeignKey(x => x.NamespaceId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Project>().WithMany().HasForeignKey(x => x.ProjectId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<PersonalAccessToken>(e =>
        {
            e.HasIndex(x => x.Digest).IsUnique();
            e.HasOne(x => x.User).WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<DeployToken>(e =>
        {
            e.HasIndex(x => x.Digest).IsUnique();
            e.Property(x => x.Username).HasMaxLength(255);
            e.HasOne<Project>().WithMany().HasForeignKey(x => x.ProjectId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Namespace>().WithMany().HasForeignKey(x => x.NamespaceId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<CiJobToken>(e =>
        {
            e.HasIndex(x => x.Digest).IsUnique();
            e.HasOne(x => x.User).WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Project>().WithMany().HasForeignKey(x => x.ProjectId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<WebSession>(e =>
        {
            e.HasIndex(x => x.Digest).IsUnique();
            e.HasIndex(x => x.UserId);
            e.HasOne(x => x.User).WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<Package>(e =>
        {
            e.Property(x => x.Name).HasMaxLength(255);
            e.Property(x => x.Version).HasMaxLength(255);
            e.Property(x => x.StatusMessage).HasMaxLength(255);
            // One package per (project, type, name, version): racing first uploads collide here and retry.
            e.HasIndex(x => new { x.ProjectId, x.PackageType, x.Name, x.Version }).IsUnique();
            // One index per list order, ending in the id that breaks ties and the status every list filters on, so a
            // page (and a deep offset) reads the index in order without sorting or visiting rows it skips.
            e.HasIndex(x => new { x.ProjectId, x.CreatedAt, x.Id, x.Status });
            e.HasIndex(x => new { x.ProjectId, x.Name, x.Id, x.Status });
            e.HasIndex(x => new { x.ProjectId, x.Version, x.Id, x.Status });
            e.HasIndex(x => new { x.ProjectId, x.PackageType, x.Id, x.Status });
            // The PackageCounts triggers (see the AddPackageListIndexes migrations); SQLite's RETURNING does not mix
            // with AFTER triggers.
            e.ToTable(t => t.UseSqlReturningClause(false));
            e.HasOne(x => x.Project).WithMany().HasForeignKey(x => x.ProjectId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<PackageFile>(e =>
        {
            e.Property(x => x.FileName).HasMaxLength(1024);
            e.Property(x => x.FileSha256).HasMaxLength(64);
            e.Property(x => x.FileMd5).HasMaxLength(32);
            e.Property(x => x.FileSha1).HasMaxLength(40);
            e.Property(x => x.BlobKey).HasMaxLength(1024);
            // The lookup of a file by name (every download, duplicate check and delete) seeks on all three: with
            // (PackageId, FileName) alone SQLite preferred (Status, PackageId), which yields rows in id order for the
            // newest-first ORDER BY, and read every file of the package to find one name, so an upload into a large
            // version grew slower with each file.
            e.HasIndex(x => new { x.PackageId, x.FileName, x.Status });
            // (Status, PackageId), not (Status) alone: without statistics SQLite took Status = 0 (every file) for a
            // selective index and walked all files to find one package's.
            e.HasIndex(x => new { x.Status, x.PackageId });
            e.HasOne(x => x.Package).WithMany(x => x.Files).HasForeignKey(x => x.PackageId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<PackageCount>(e =>
        {
            e.HasKey(x => new { x.ProjectId, x.Name, x.Status });
            e.Property(x => x.Name).HasMaxLength(255);
            e.HasOne<Project>().WithMany().HasForeignKey(x => x.ProjectId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<NamespacePackageSettings>(e =>
        {
            e.HasKey(x => x.NamespaceId);
            e.Property(x => x.GenericDuplicateExceptionRegex).HasMaxLength(255);
            e.Property(x => x.MavenDuplicateExceptionRegex).HasMaxLength(255);
            e.Property(x => x.NugetDuplicateExceptionRegex).HasMaxLength(255);
            e.Property(x => x.TerraformModuleDuplicateExceptionRegex).HasMaxLength(255);
            e.HasOne<Namespace>().WithMany().HasForeignKey(x => x.NamespaceId).OnDelete(DeleteBehavior.Cascade);
        });
        ConfigureLifecycle(b);
        ConfigureHooks(b);
        ConfigureUploads(b);
        ConfigureSignIn(b);
    }
}
