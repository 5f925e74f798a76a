using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Registry.Schema;
using Registry.Schema.Data;
using Registry.Schema.Identity;
using Registry.Server.Storage;

namespace Registry.Server.Data;

public static class DatabaseSetup
{
    public static IServiceCollection AddRegistryDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDbContext<RegistryDbContext>((sp, options) =>
        {
            var dataPath = sp.GetRequiredService<IOptions<RegistryOptions>>().Value.DataPath;
            var connection = configuration.GetConnectionString("Registry");
            if (string.IsNullOrEmpty(connection))
            {
                Directory.CreateDirectory(dataPath);
                // Default Timeout doubles as SQLite's busy timeout: concurrent writers wait instead of failing.
                connection = new SqliteConnectionStringBuilder
                {
                    DataSource = Path.Combine(dataPath, "registry.db"),
                    DefaultTimeout = 30,
                    Pooling = true,
                }.ToString();
            }
            options.UseSqlite(connection);
            options.AddInterceptors(sp.GetServices<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>());
        });
        return services;
    }

    /// <summary>Migrates the database, switches SQLite to WAL and creates the root user on an empty database.</summary>
    public static async Task InitializeRegistryAsync(this WebApplication app)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        if (db.Database.IsSqlite()) await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        await db.Database.MigrateAsync();

        var options = scope.ServiceProvider.GetRequiredService<IOptions<RegistryOptions>>().Value;
        var generated = await scope.ServiceProvider.GetRequiredService<IdentityAdmin>().BootstrapAsync(options.RootToken, CancellationToken.None);
        if (generated is not null)
            app.Logger.LogWarning("Created the root user. Its personal access token (shown only once): {Token}", generated);

        if (scope.ServiceProvider.GetRequiredService<Registry.Schema.Storage.IBlobStore>() is FileSystemBlobStore fs)
            fs.RemoveStaleTemporaryFiles(TimeSpan.FromHours(1));
    }
}
