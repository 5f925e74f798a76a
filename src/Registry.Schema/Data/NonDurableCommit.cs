using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Registry.Schema.Data;

/// <summary>
/// A write that other connections must see at once but that may be lost in a power cut, committed without waiting for
/// the disk: a tus PATCH's lease on its upload only has to keep a second PATCH out while this one runs, and a crash ends
/// the request that holds it anyway; a webhook delivery's claim or recorded attempt, if lost, means the delivery is sent
/// again with the same key, which at-least-once allows. The next durable commit makes it durable too (SQLite's WAL and
/// PostgreSQL's log are flushed in order). What the flush cost is in docs/performance.md.
/// </summary>
public static class NonDurableCommit
{
    /// <summary>What the server's SQLite connection setup gives every connection (each commit flushed); restored after the write.</summary>
    public const string SqliteDurable = "PRAGMA synchronous = FULL";

    /// <summary>Runs <paramref name="write"/> (one statement, outside any transaction) and commits it without a flush to disk.</summary>
    public static async Task<T> WithoutDurableCommitAsync<T>(this RegistryDbContext db, Func<CancellationToken, Task<T>> write, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is not null) return await write(ct);
        if (db.Database.IsNpgsql())
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await db.Database.ExecuteSqlRawAsync("SET LOCAL synchronous_commit = off", ct);
            var result = await write(ct);
            await tx.CommitAsync(ct);
            return result;
        }
        if (!db.Database.IsSqlite()) return await write(ct);
        // WAL with synchronous=NORMAL: the commit is in the log, visible to every connection, but not yet flushed.
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous = NORMAL", ct);
            try { return await write(ct); }
            finally { await RestoreAsync(db); }
        }
        finally { await db.Database.CloseConnectionAsync(); }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction of its own and commits it without a flush to disk. On SQLite the
    /// setting can only change outside a transaction, so it is lowered first and the transaction begun inside.
    /// </summary>
    public static Task<T> InTransactionWithoutDurableCommitAsync<T>(this RegistryDbContext db, Func<CancellationToken, Task<T>> work,
        CancellationToken ct)
    {
        // PostgreSQL's branch above is a transaction already, with the setting local to it.
        if (db.Database.IsNpgsql()) return db.WithoutDurableCommitAsync(work, ct);
        return db.WithoutDurableCommitAsync(async c =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(c);
            var result = await work(c);
            await tx.CommitAsync(c);
            return result;
        }, ct);
    }

    private static async Task RestoreAsync(RegistryDbContext db)
    {
        try { await db.Database.ExecuteSqlRawAsync(SqliteDurable, CancellationToken.None); }
        catch
        {
            // The pooled connection must never serve a later commit without flushing: drop it instead of returning it.
            SqliteConnection.ClearPool((SqliteConnection)db.Database.GetDbConnection());
            throw;
        }
    }
}
