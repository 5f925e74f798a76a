using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Registry.Schema.Data;

namespace Registry.Tests.Infrastructure;

/// <summary>
/// Which engines the test servers run on. By default SQLite and the file system; with
/// <c>REGISTRY_TEST_BACKEND=postgres-s3</c> every server gets its own PostgreSQL database (from
/// <c>REGISTRY_TEST_POSTGRES</c>, an admin connection string; a copy of a migrated template unless a test asks for an
/// empty one) and its own prefix in the S3 bucket at
/// <c>REGISTRY_TEST_S3</c>, so the same tests check both configurations.
/// </summary>
public static class TestBackend
{
    public const string S3AccessKey = "S3RVER";
    public const string S3SecretKey = "S3RVER";
    public const string S3Bucket = "registry-tests";

    public static bool IsPostgresS3 => Environment.GetEnvironmentVariable("REGISTRY_TEST_BACKEND") == "postgres-s3";

    public static string PostgresAdmin =>
        Environment.GetEnvironmentVariable("REGISTRY_TEST_POSTGRES") ?? "Host=127.0.0.1;Username=registry;Password=registry;Database=postgres";

    public static string S3Url => Environment.GetEnvironmentVariable("REGISTRY_TEST_S3") ?? "http://127.0.0.1:4569";

    /// <summary>Settings for one new server; each server is isolated from the others.</summary>
    /// <param name="empty">
    /// On PostgreSQL, an empty database (the server migrates it as it starts) instead of a copy of the migrated template:
    /// for the tests of the migrations themselves. Its SQLite file is always new.
    /// </param>
    public static async Task<Dictionary<string, string>> SettingsForNewServerAsync(string instance, bool empty = false)
    {
        if (!IsPostgresS3) return new();
        var database = "registry_test_" + instance;
        var template = empty ? null : await MigratedTemplateAsync();
        await using (var admin = new NpgsqlConnection(PostgresAdmin))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand(
                template is null ? $"CREATE DATABASE \"{database}\"" : $"CREATE DATABASE \"{database}\" TEMPLATE \"{template}\"", admin);
            await create.ExecuteNonQueryAsync();
        }
        return SettingsForExistingServer(instance);
    }

    private static readonly SemaphoreSlim TemplateLock = new(1, 1);
    private static string? _template;

    /// <summary>
    /// A database with every migration applied and nothing else (no root: each server still bootstraps its own), made
    /// once per test run; new servers' databases are copies of it, so their start finds no migration pending. Migrating
    /// each one from empty was about half of a server start on PostgreSQL (about 115 starts in the suite).
    /// Named after the migrations it holds, so a template left on a server by an older checkout is never used; built
    /// under a temporary name and renamed when complete, so a run that stopped half-way leaves nothing that looks ready,
    /// and two test runs on one server can build it at once (the second rename fails, that copy is dropped).
    /// </summary>
    private static async Task<string> MigratedTemplateAsync()
    {
        await TemplateLock.WaitAsync();
        try
        {
            if (_template is not null) return _template;
            // No pooling: CREATE DATABASE ... TEMPLATE refuses while any session is connected to the template, and a
            // pooled connection would stay open after the migration.
            var unpooled = new NpgsqlConnectionStringBuilder(PostgresAdmin) { Pooling = false };
            string name;
            await using (var probe = TemplateContext(unpooled.ConnectionString))
                name = "registry_template_" + Convert.ToHexStringLower(
                    System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join("\n", probe.Database.GetMigrations()))))[..16];
            await using var admin = new NpgsqlConnection(unpooled.ConnectionString);
            await admin.OpenAsync();
            await using (var exists = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = @name", admin))
            {
                exists.Parameters.AddWithValue("name", name);
                if ((long)(await exists.ExecuteScalarAsync())! > 0) return _template = name;
            }
            var building = name + "_" + Guid.NewGuid().ToString("N")[..8];
            await Execute(admin, $"CREATE DATABASE \"{building}\"");
            await using (var db = TemplateContext(new NpgsqlConnectionStringBuilder(unpooled.ConnectionString) { Database = building }.ConnectionString))
                await db.Database.MigrateAsync();
            try
            {
                await Execute(admin, $"ALTER DATABASE \"{building}\" RENAME TO \"{name}\"");
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
            {
                await Execute(admin, $"DROP DATABASE \"{building}\"");
            }
            return _template = name;
        }
        finally
        {
            TemplateLock.Release();
        }
    }

    private static PostgresRegistryDbContext TemplateContext(string connection) =>
        new(new DbContextOptionsBuilder<PostgresRegistryDbContext>().UseNpgsql(connection).Options);

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static Dictionary<string, string> SettingsForExistingServer(string instance) => !IsPostgresS3 ? new() :
        SharedSettings(new NpgsqlConnectionStringBuilder(PostgresAdmin) { Database = "registry_test_" + instance }.ConnectionString, instance);

    /// <summary>Settings that point a server at an existing database and bucket prefix (several instances, one registry).</summary>
    public static Dictionary<string, string> SharedSettings(string connection, string prefix) => new()
    {
        ["Registry:Database:Provider"] = "Postgres",
        ["ConnectionStrings:Registry"] = connection,
        ["Registry:Storage:Provider"] = "S3",
        ["Registry:Storage:S3:ServiceUrl"] = S3Url,
        ["Registry:Storage:S3:AccessKey"] = S3AccessKey,
        ["Registry:Storage:S3:SecretKey"] = S3SecretKey,
        ["Registry:Storage:S3:Bucket"] = S3Bucket,
        ["Registry:Storage:S3:Prefix"] = prefix,
        ["Registry:Storage:S3:CreateBucket"] = "true",
    };

    public static async Task DropDatabaseAsync(string instance)
    {
        if (!IsPostgresS3) return;
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(PostgresAdmin);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"registry_test_{instance}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    public static AmazonS3Client S3Client() => new(new BasicAWSCredentials(S3AccessKey, S3SecretKey),
        new AmazonS3Config { ServiceURL = S3Url, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });

    /// <summary>The bytes the server keeps in its database (small uploads), by storage key.</summary>
    public static async Task<List<Registry.Schema.Storage.ContentBody>> DatabaseBodiesAsync(RegistryServer server)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RegistryDbContext>().ContentBodies.AsNoTracking().ToListAsync();
    }

    /// <summary>The keys of stored blobs (temporary files excluded), whichever store the server uses, with the keys of
    /// bytes kept in the database (<c>db:</c>...) last.</summary>
    public static async Task<List<string>> BlobKeysAsync(RegistryServer server)
    {
        var keys = await StoreKeysAsync(server);
        keys.AddRange((await DatabaseBodiesAsync(server)).Select(b => b.StorageKey));
        return keys;
    }

    private static async Task<List<string>> StoreKeysAsync(RegistryServer server)
    {
        if (!IsPostgresS3)
        {
            var root = Path.Combine(server.DataPath, "blobs", "files");
            return Directory.Exists(root)
                ? Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f)).ToList()
                : [];
        }
        using var s3 = S3Client();
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = S3Bucket, Prefix = server.Instance + "/" };
        ListObjectsV2Response response;
        do
        {
            response = await s3.ListObjectsV2Async(request);
            keys.AddRange((response.S3Objects ?? []).Select(o => o.Key));
            request.ContinuationToken = response.NextContinuationToken;
        } while (response.IsTruncated == true);
        return keys;
    }

    /// <summary>Stores bytes under a blob key directly, bypassing the registry (as a crash before the row was written would leave them).</summary>
    public static async Task PutBlobDirectlyAsync(RegistryServer server, string key, byte[] content)
    {
        if (Registry.Schema.Storage.DatabaseBodyStore.Holds(key))
        {
            await using var scope = server.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            if (await db.ContentBodies.Where(b => b.StorageKey == key).ExecuteUpdateAsync(s => s.SetProperty(b => b.Data, content)) == 0)
            {
                db.ContentBodies.Add(new Registry.Schema.Storage.ContentBody { StorageKey = key, Data = content });
                await db.SaveChangesAsync();
            }
            return;
        }
        if (!IsPostgresS3)
        {
            var path = Path.Combine(server.DataPath, "blobs", key);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(path, content);
            return;
        }
        using var s3 = S3Client();
        await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = S3Bucket, Key = server.Instance + "/" + key, InputStream = new MemoryStream(content), UseChunkEncoding = false,
        });
    }

    /// <summary>Keys of stored blobs (temporary files excluded) whose bytes are exactly <paramref name="content"/>.</summary>
    public static async Task<string[]> BlobsWithContentAsync(RegistryServer server, byte[] content)
    {
        var matches = (await DatabaseBodiesAsync(server)).Where(b => b.Data.AsSpan().SequenceEqual(content)).Select(b => b.StorageKey).ToList();
        if (!IsPostgresS3)
        {
            var root = Path.Combine(server.DataPath, "blobs", "files");
            if (!Directory.Exists(root)) return [.. matches];
            return [.. matches, .. Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                .Where(f => new FileInfo(f).Length == content.Length && File.ReadAllBytes(f).AsSpan().SequenceEqual(content))];
        }
        using var s3 = S3Client();
        foreach (var key in await BlobKeysAsync(server))
        {
            try
            {
                using var obj = await s3.GetObjectAsync(S3Bucket, key);
                if (obj.ContentLength != content.Length) continue;
                using var copy = new MemoryStream();
                await obj.ResponseStream.CopyToAsync(copy);
                if (copy.ToArray().AsSpan().SequenceEqual(content)) matches.Add(key);
            }
            catch (NoSuchKeyException)
            {
                // Swept between the listing and the read: it holds nothing any more.
            }
        }
        return matches.ToArray();
    }

    /// <summary>Unfinished writes: temporary files of the file store, open multipart uploads on S3.</summary>
    public static async Task<int> UnfinishedWritesAsync(RegistryServer server)
    {
        await Task.Yield();
        if (IsPostgresS3) return OpenMultipartUploads(server);
        var tmp = Path.Combine(server.DataPath, "blobs", "tmp");
        return Directory.Exists(tmp) ? Directory.GetFileSystemEntries(tmp).Length : 0;
    }

    /// <summary>
    /// Multipart uploads the server began and neither completed nor aborted. Asked of the server itself: s3rver, the
    /// test S3 server, implements neither ListMultipartUploads nor AbortMultipartUpload.
    /// </summary>
    public static int OpenMultipartUploads(RegistryServer server) =>
        server.Services.GetService(typeof(Registry.Server.Storage.S3BlobStore)) is Registry.Server.Storage.S3BlobStore s3 ? s3.OpenMultipartUploads : 0;

    /// <summary>
    /// Everything the server's database holds, as raw bytes: the SQLite files (with WAL) or, on PostgreSQL, every
    /// row of every table as text.
    /// </summary>
    public static async Task<List<(string Name, byte[] Bytes)>> DatabaseImagesAsync(RegistryServer server)
    {
        if (!IsPostgresS3)
        {
            return Directory.EnumerateFiles(server.DataPath, "registry.db*", SearchOption.TopDirectoryOnly)
                .Select(f => (Path.GetFileName(f), ReadShared(f))).ToList();
        }
        var images = new List<(string, byte[])>();
        await using var db = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(PostgresAdmin) { Database = "registry_test_" + server.Instance }.ConnectionString);
        await db.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'", db))
        await using (var reader = await list.ExecuteReaderAsync())
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        foreach (var table in tables)
        {
            await using var dump = new NpgsqlCommand($"SELECT coalesce(string_agg(t::text, E'\\n'), '') FROM \"{table}\" t", db);
            images.Add((table, System.Text.Encoding.UTF8.GetBytes((string)(await dump.ExecuteScalarAsync())!)));
        }
        return images;
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
