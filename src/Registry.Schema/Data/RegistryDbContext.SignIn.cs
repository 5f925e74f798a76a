using Microsoft.EntityFrameworkCore;
using Registry.Schema.Identity;

namespace Registry.Schema.Data;

/// <summary>Sign-in throttling per account and client address (issue 26). Migration: <c>SignInThrottles</c>.</summary>
public partial class RegistryDbContext
{
    public DbSet<SignInThrottle> SignInThrottles => Set<SignInThrottle>();

    private static void ConfigureSignIn(ModelBuilder b)
    {
        b.Entity<SignInThrottle>(e =>
        {
            // IPv6 text is at most 45 characters.
            e.Property(x => x.ClientAddress).HasMaxLength(45);
            e.HasIndex(x => new { x.UserId, x.ClientAddress }).IsUnique();
            e.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
