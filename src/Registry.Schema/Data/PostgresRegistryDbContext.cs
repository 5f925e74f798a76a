using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Registry.Schema.Identity;
using Registry.Schema.Packages;

namespace Registry.Schema.Data;

/// <summary>
/// The same model on PostgreSQL, with its own migrations (Data/Migrations/Postgres). Text that is sorted or compared
/// uses the "C" collation so that ordering and equality match SQLite's binary comparison byte for byte.
/// </summary>
public sealed class PostgresRegistryDbContext(DbContextOptions<PostgresRegistryDbContext> options) : RegistryDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder b)
    {
        base.OnModelCreating(b);
        b.Entity<User>().Property(x => x.Username).UseCollation("C");
        b.Entity<Namespace>().Property(x => x.FullPath).UseCollation("C");
        b.Entity<Namespace>().Property(x => x.FullPathKey).UseCollation("C");
        b.Entity<Project>().Property(x => x.FullPath).UseCollation("C");
        b.Entity<Project>().Property(x => x.FullPathKey).UseCollation("C");
        b.Entity<Package>().Property(x => x.Name).UseCollation("C");
        b.Entity<Package>().Property(x => x.Version).UseCollation("C");
        b.Entity<PackageFile>().Property(x => x.FileName).UseCollation("C");
        b.Entity<PackageCount>().Property(x => x.Name).UseCollation("C");
    }
}

public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresRegistryDbContext>
{
    public PostgresRegistryDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresRegistryDbContext>().UseNpgsql("Host=localhost;Database=registry_design").Options);
}
