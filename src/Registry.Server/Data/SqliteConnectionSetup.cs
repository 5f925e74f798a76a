using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Registry.Server.Data;

/// <summary>
/// Gives each pooled SQLite connection a busy timeout (its Default Timeout), once per native connection.
/// Microsoft.Data.Sqlite sets none: a writer that finds the write lock taken gets SQLITE_BUSY at once, and the driver
/// tries again after a long Thread.Sleep, holding a pool thread. SQLite's own busy handler retries within milliseconds,
/// which let more concurrent small uploads through and cut their tail latency (docs/performance.md). It also states the
/// durability every commit has (<c>synchronous = FULL</c>: flushed before it returns), which
/// <see cref="Registry.Schema.Data.NonDurableCommit"/> lowers for one statement and restores.
/// </summary>
public sealed class SqliteConnectionSetup : DbConnectionInterceptor
{
    private static readonly ConditionalWeakTable<object, object> Done = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Configure(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken)
    {
        Configure(connection);
        return Task.CompletedTask;
    }

    /// <summary>Also for connections opened outside EF, such as the backup's.</summary>
    public static void Configure(DbConnection connection)
    {
        if (connection is not SqliteConnection sqlite || sqlite.Handle is not { } handle || Done.TryGetValue(handle, out _)) return;
        using var command = sqlite.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = {checked(sqlite.DefaultTimeout * 1000)}; {Registry.Schema.Data.NonDurableCommit.SqliteDurable}";
        command.ExecuteNonQuery();
        Done.AddOrUpdate(handle, handle);
    }
}
