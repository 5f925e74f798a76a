using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;
using Registry.Schema;
using Registry.Schema.Data;
using Registry.Schema.Identity;
using Registry.Server.Operations;
using Registry.Server.Storage;

namespace Registry.Server.Data;

public static class DatabaseSetup
{
    /// <summary>
    /// <c>Registry:Database:Provider</c> picks the engine: <c>Sqlite</c> (default, a file under DataPath) or
    /// <c>Postgres</c> (<c>ConnectionStrings:Registry</c>). Each provider has its own migrations. The options are built
    /// once (a singleton): built per request, as AddDbContext does by default, they were a visible share of a small
    /// download's CPU. Contexts are pooled: a fresh one resolved its internal services on its first query, on every
    /// request. The context holds no state of its own that would outlive a request (the pool resets the rest).
    /// </summary>
    public static IServiceCollection AddRegistryDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        var provider = configuration["Registry:Database:Provider"] ?? "Sqlite";
        var connection = configuration.GetConnectionString("Registry");
        if (provider.Equals("Postgres", StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrEmpty(connection))
                throw new InvalidOperationException("Registry:Database:Provider is Postgres but ConnectionStrings:Registry is not set");
            services.AddDbContextPool<RegistryDbContext, PostgresRegistryDbContext>((sp, options) =>
            {
                options.UseNpgsql(connection);
                options.AddInterceptors(sp.GetServices<IInterceptor>());
                HandledFailuresAtDebug(options);
            });
            services.AddHealthChecks().AddNpgSql(connection, name: "db", tags: [HealthEndpoints.ReadinessTag], timeout: HealthEndpoints.CheckTimeout);
            return services;
        }
        if (!provider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"Unknown Registry:Database:Provider '{provider}' (Sqlite or Postgres)");

        services.AddDbContextPool<RegistryDbContext>((sp, options) =>
        {
            var sqlite = connection;
            if (string.IsNullOrEmpty(sqlite))
            {
                var dataPath = sp.GetRequiredService<IOptions<RegistryOptions>>().Value.DataPath;
                Directory.CreateDirectory(dataPath);
                // Default Timeout is also SQLite's busy timeout (SqliteConnectionSetup): concurrent writers wait instead of failing.
                sqlite = new SqliteConnectionStringBuilder
                {
                    DataSource = Path.Combine(dataPath, "registry.db"),
                    DefaultTimeout = 30,
                    Pooling = true,
                }.ToString();
            }
            options.UseSqlite(sqlite);
            options.AddInterceptors(sp.GetServices<IInterceptor>());
            options.AddInterceptors(new SqliteConnectionSetup());
            HandledFailuresAtDebug(options);
        });
        services.AddHealthChecks().AddDbContextCheck<RegistryDbContext>("db", tags: [HealthEndpoints.ReadinessTag]);
        return services;
    }

    /// <summary>
    /// A failed command or save is not an error in itself: the exception reaches the code that ran it, which handles it
    /// (a lost race on a unique index is retried) or lets it fail the request, logged once there. EF Core's own
    /// error-level lines for the same failure paged operators for every handled race (a query that loses a PostgreSQL
    /// serialization race fails in iteration: 40001 "could not serialize access", retried by <see cref="RacingInsert"/>).
    /// Unhandled failures are logged where they end: RestErrors, GraphQLErrors, the background services.
    /// </summary>
    private static void HandledFailuresAtDebug(DbContextOptionsBuilder options) => options.ConfigureWarnings(w => w.Log(
        (CoreEventId.SaveChangesFailed, LogLevel.Debug),
        (CoreEventId.QueryIterationFailed, LogLevel.Debug),
        (CoreEventId.OptimisticConcurrencyException, LogLevel.Debug),
        (RelationalEventId.CommandError, LogLevel.Debug),
        (RelationalEventId.TransactionError, LogLevel.Debug)));

    /// <summary>
    /// Migrates the database (under a lock, so instances starting together are safe; see <see cref="MigrateAsync"/>), switches
    /// SQLite to WAL and creates the root user on an empty database.
    /// </summary>
    public static async Task InitializeRegistryAsync(this WebApplication app)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        if (db.Database.IsSqlite()) await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        await MigrateAsync(db);

        var options = scope.ServiceProvider.GetRequiredService<IOptions<RegistryOptions>>().Value;
        var generated = await scope.ServiceProvider.GetRequiredService<IdentityAdmin>().BootstrapAsync(options.RootToken, CancellationToken.None);
        if (generated is not null)
            app.Logger.LogWarning("Created the root user. Its personal access token (shown only once): {Token}", generated);
        string? rootPassword;
        try { rootPassword = await scope.ServiceProvider.GetRequiredService<SignInService>().BootstrapRootPasswordAsync(CancellationToken.None); }
        catch (Registry.Schema.RegistryError e) { throw new InvalidOperationException("Registry:RootPassword: " + e.Message); }
        if (rootPassword is not null)
            app.Logger.LogWarning("The root user's password for the web UI (shown only once; change it after signing in): {Password}", rootPassword);

        // Partial uploads a crash left are swept in the background, at start and on every sweep interval.
        if (scope.ServiceProvider.GetService<S3BlobStore>() is { } s3)
            await s3.EnsureBucketAsync(CancellationToken.None);
    }

    /// <summary>Key of the PostgreSQL advisory lock that serializes migrations across instances (any fixed number).</summary>
    private const long MigrationLockKey = 0x5265_6769_7374_7279; // "Registry"

    /// <summary>
    /// EF Core's own lock on PostgreSQL (<c>LOCK TABLE</c> in each migration's transaction) is let go between two
    /// migrations: an instance starting beside another read the same pending migration and applied it a second time
    /// ("column already exists", seen once the database had two migrations to apply). A session-level advisory lock on
    /// a connection of its own, held across the whole migration, makes the second instance wait and then find nothing
    /// pending. SQLite's lock (a lock table) is already held across all migrations.
    /// </summary>
    private static async Task MigrateAsync(RegistryDbContext db)
    {
        if (!db.Database.IsNpgsql())
        {
            await db.Database.MigrateAsync();
            return;
        }
        await using var connection = new Npgsql.NpgsqlConnection(db.Database.GetConnectionString());
        await connection.OpenAsync();
        await using (var take = new Npgsql.NpgsqlCommand($"SELECT pg_advisory_lock({MigrationLockKey})", connection))
            await take.ExecuteNonQueryAsync();
        try
        {
            await db.Database.MigrateAsync();
        }
        finally
        {
            await using var release = new Npgsql.NpgsqlCommand($"SELECT pg_advisory_unlock({MigrationLockKey})", connection);
            await release.ExecuteNonQueryAsync();
        }
    }
}
