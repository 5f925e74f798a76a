using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Registry.Schema.Hooks;
using Registry.Schema.Identity;

namespace Registry.Schema.Data;

/// <summary>
/// The webhook part of the model (issue 24): hooks, the package-event outbox, deliveries, application settings and
/// the Data Protection key ring that encrypts hook secrets (in the database, so every instance reads what another wrote).
/// Migration: <c>AddWebHooks</c> for each provider.
/// </summary>
public partial class RegistryDbContext : IDataProtectionKeyContext
{
    public DbSet<WebHook> WebHooks => Set<WebHook>();
    public DbSet<PackageEvent> PackageEvents => Set<PackageEvent>();
    public DbSet<WebHookDelivery> WebHookDeliveries => Set<WebHookDelivery>();
    public DbSet<ApplicationSetting> ApplicationSettings => Set<ApplicationSetting>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    private static void ConfigureHooks(ModelBuilder b)
    {
        b.Entity<WebHook>(e =>
        {
            e.Property(x => x.Url).HasMaxLength(2048);
            e.Property(x => x.Name).HasMaxLength(255);
            e.Property(x => x.Description).HasMaxLength(2048);
            e.HasIndex(x => x.ProjectId);
            e.HasIndex(x => x.GroupId);
            e.HasOne<Project>().WithMany().HasForeignKey(x => x.ProjectId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Namespace>().WithMany().HasForeignKey(x => x.GroupId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<PackageEvent>(e =>
        {
            // The dispatcher's look for events not yet fanned out, oldest first; the clean-up's for those fanned out long
            // ago. No other index: every upload beside a hook adds an event row in the publish batch's single writer.
            e.HasIndex(x => new { x.FannedOutAt, x.Id });
        });
        b.Entity<WebHookDelivery>(e =>
        {
            e.Property(x => x.Trigger).HasMaxLength(50);
            // The dispatcher's look for a hook's first waiting deliveries (a seek past its delivered ones), and a
            // hook's recent deliveries.
            e.HasIndex(x => new { x.HookId, x.State, x.Id });
            e.HasIndex(x => new { x.HookId, x.Id });
            e.HasIndex(x => x.CreatedAt);
            e.HasOne<WebHook>().WithMany().HasForeignKey(x => x.HookId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<ApplicationSetting>(e => e.Property(x => x.Id).ValueGeneratedNever());
    }
}
