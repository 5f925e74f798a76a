using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Registry.Schema.Data;
using Registry.Schema.Packages;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Database;

/// <summary>
/// The publish batch's single writer runs each upload's file INSERT and package UPDATE as one command prepared once per
/// batch (<see cref="PreparedCommand"/>). Each run must store its own values: on PostgreSQL, parameters replaced after
/// the command was prepared were ignored, and every upload of a batch after the first got the first one's file name,
/// size and digests (201s for files that then answered 404). A batch run again after a lost race may find the
/// connection closed and opened again in between.
/// </summary>
public sealed class PreparedCommandTests
{
    [Fact]
    public async Task Each_run_stores_its_own_values_also_after_the_connection_was_opened_again()
    {
        await using var server = await RegistryServer.StartAsync();
        var project = await server.CreateUniqueProjectAsync("prep");
        using var scope = server.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var now = DateTime.UtcNow;
        var package = new Package
        {
            ProjectId = project, PackageType = PackageType.Generic, Name = "prep", Version = "1.0.0", CreatedAt = now, UpdatedAt = now,
        };
        db.Packages.Add(package);
        await db.SaveChangesAsync();

        string[] columns = [nameof(PackageFile.PackageId), nameof(PackageFile.FileName), nameof(PackageFile.Size),
            nameof(PackageFile.FileSha256), nameof(PackageFile.FileSha1), nameof(PackageFile.BlobKey), nameof(PackageFile.Status),
            nameof(PackageFile.CreatedAt), nameof(PackageFile.UpdatedAt)];
        await using var insert = new PreparedCommand(db,
            $"""INSERT INTO "PackageFiles" ("{string.Join("\", \"", columns)}") VALUES ({string.Join(", ", columns.Select((_, i) => "{" + i + "}"))}) RETURNING "Id" """,
            [.. columns.Select(c => PreparedCommand.Property<PackageFile>(db, c))]);
        await using var rename = new PreparedCommand(db, """UPDATE "PackageFiles" SET "FileName" = {0} WHERE "Id" = {1}""",
            PreparedCommand.Property<PackageFile>(db, nameof(PackageFile.FileName)), PreparedCommand.Property<PackageFile>(db, nameof(PackageFile.Id)));
        async Task<long> InsertAsync(int n) => Convert.ToInt64(await insert.ScalarAsync(CancellationToken.None,
            package.Id, $"f{n}.bin", 100L + n, $"sha256-{n}", n % 2 == 0 ? null : $"sha1-{n}", $"key-{n}",
            n == 1 ? PackageFileStatus.Error : PackageFileStatus.Default, now.AddSeconds(n), now.AddSeconds(n)));

        var ids = new List<long>();
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            for (var n = 0; n < 3; n++) ids.Add(await InsertAsync(n));
            Assert.Equal(1, await rename.NonQueryAsync(CancellationToken.None, "renamed-0.bin", ids[0]));
            Assert.Equal(1, await rename.NonQueryAsync(CancellationToken.None, "renamed-2.bin", ids[2]));
            await transaction.CommitAsync();
        }
        // A batch run again (a lost race) begins its transaction on a connection that may have been closed in between.
        await db.Database.CloseConnectionAsync();
        Assert.Equal(System.Data.ConnectionState.Closed, db.Database.GetDbConnection().State);
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            ids.Add(await InsertAsync(3));
            Assert.Equal(1, await rename.NonQueryAsync(CancellationToken.None, "renamed-3.bin", ids[3]));
            ids.Add(await InsertAsync(4));
            await transaction.CommitAsync();
        }

        Assert.Equal(5, ids.Distinct().Count());
        var rows = await db.PackageFiles.AsNoTracking().Where(f => f.PackageId == package.Id).OrderBy(f => f.Id).ToListAsync();
        Assert.Equal(ids, rows.Select(r => r.Id));
        Assert.Equal(["renamed-0.bin", "f1.bin", "renamed-2.bin", "renamed-3.bin", "f4.bin"], rows.Select(r => r.FileName));
        Assert.Equal([100L, 101, 102, 103, 104], rows.Select(r => r.Size));
        Assert.Equal(Enumerable.Range(0, 5).Select(n => $"sha256-{n}"), rows.Select(r => r.FileSha256));
        Assert.Equal([null, "sha1-1", null, "sha1-3", null], rows.Select(r => r.FileSha1));
        Assert.Equal(Enumerable.Range(0, 5).Select(n => $"key-{n}"), rows.Select(r => r.BlobKey));
        Assert.Equal([PackageFileStatus.Default, PackageFileStatus.Error, PackageFileStatus.Default, PackageFileStatus.Default, PackageFileStatus.Default],
            rows.Select(r => r.Status));
        Assert.Equal(Enumerable.Range(0, 5).Select(n => now.AddSeconds(n)), rows.Select(r => r.CreatedAt), new CloseInTime());

        // A statement that returns rows (the content claim's take) reads each run's own row.
        await using var read = new PreparedCommand(db, """SELECT "FileName", "Size" FROM "PackageFiles" WHERE "Id" = {0}""",
            PreparedCommand.Property<PackageFile>(db, nameof(PackageFile.Id)));
        var read3 = new List<(string, long)>();
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            foreach (var id in new[] { ids[4], ids[1], ids[3] })
            {
                await using var reader = await read.ReaderAsync(CancellationToken.None, id);
                while (await reader.ReadAsync()) read3.Add((reader.GetString(0), reader.GetInt64(1)));
            }
        }
        Assert.Equal([("f4.bin", 104L), ("f1.bin", 101L), ("renamed-3.bin", 103L)], read3);
    }

    /// <summary>
    /// Microsoft.Data.Sqlite finalizes a command's statements when its connection closes only the first time; the
    /// statements prepared again stayed on the pooled handle given back, so a run after the second close went to
    /// whichever connection held that handle then, outside the context's transaction.
    /// </summary>
    [Fact]
    public async Task A_run_after_the_connection_was_closed_twice_runs_in_the_contexts_own_transaction()
    {
        await using var server = await RegistryServer.StartAsync();
        var project = await server.CreateUniqueProjectAsync("prep");
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        await using var count = new PreparedCommand(db, """SELECT COUNT(*) FROM "Packages" WHERE "ProjectId" = {0}""",
            PreparedCommand.Property<Package>(db, nameof(Package.ProjectId)));
        for (var opening = 0; opening < 2; opening++)
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            Assert.Equal(0L, Convert.ToInt64(await count.ScalarAsync(CancellationToken.None, project)));
            await transaction.CommitAsync();
        }

        // Other contexts hold every idle pooled connection, the handle the command last ran on among them.
        var others = new List<AsyncServiceScope>();
        try
        {
            for (var i = 0; i < 16; i++)
            {
                var other = server.Services.CreateAsyncScope();
                others.Add(other);
                await other.ServiceProvider.GetRequiredService<RegistryDbContext>().Database.OpenConnectionAsync();
            }
            await using var transaction = await db.Database.BeginTransactionAsync();
            var now = DateTime.UtcNow;
            db.Packages.Add(new Package
            {
                ProjectId = project, PackageType = PackageType.Generic, Name = "uncommitted", Version = "1.0.0", CreatedAt = now, UpdatedAt = now,
            });
            await db.SaveChangesAsync();
            Assert.Equal(1L, Convert.ToInt64(await count.ScalarAsync(CancellationToken.None, project)));
            await transaction.RollbackAsync();
        }
        finally
        {
            foreach (var other in others) await other.DisposeAsync();
        }
    }

    // PostgreSQL keeps microseconds, .NET ticks are a tenth of one.
    private sealed class CloseInTime : IEqualityComparer<DateTime>
    {
        public bool Equals(DateTime x, DateTime y) => Math.Abs((x - y).TotalMilliseconds) < 1;
        public int GetHashCode(DateTime obj) => 0;
    }
}
