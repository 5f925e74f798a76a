using Microsoft.EntityFrameworkCore;
using Registry.Schema.Identity;
using Registry.Schema.Uploads;

namespace Registry.Schema.Data;

/// <summary>Resumable (tus) uploads, issue 25. Migration: <c>AddResumableUploads</c> for each provider.</summary>
public partial class RegistryDbContext
{
    public DbSet<ResumableUpload> ResumableUploads => Set<ResumableUpload>();

    private static void ConfigureUploads(ModelBuilder b)
    {
        b.Entity<ResumableUpload>(e =>
        {
            e.Property(x => x.Id).HasMaxLength(32);
            e.Property(x => x.Owner).HasMaxLength(100);
            e.Property(x => x.PackageName).HasMaxLength(255);
            e.Property(x => x.PackageVersion).HasMaxLength(255);
            e.Property(x => x.FileName).HasMaxLength(1024);
            e.Property(x => x.Sha256).HasMaxLength(64);
            e.Property(x => x.BlobKey).HasMaxLength(1024);
            e.Property(x => x.LockedBy).HasMaxLength(32);
            // The unfinished-upload limit counts by owner; the sweep finds expired ones by time.
            e.HasIndex(x => new { x.Owner, x.State });
            e.HasIndex(x => x.ExpiresAt);
            e.HasOne<Project>().WithMany().HasForeignKey(x => x.ProjectId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
