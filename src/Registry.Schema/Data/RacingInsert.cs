using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;
using Registry.Schema.Storage;

namespace Registry.Schema.Data;

/// <summary>
/// The one retry for "a racing first insert": two requests create the same row (a package, a settings row, a content
/// blob) at once, the unique index or the serializable transaction lets one win, and the loser runs again and finds the
/// winner's row. Only a lost race is retried, and a bounded number of times: a full disk, a lost database or any other
/// failure reaches the caller at once, so no request loops.
/// </summary>
public static class RacingInsert
{
    /// <summary>
    /// Enough for the worst contention the tests and benchmarks make (many uploads into one new version under a
    /// serializable transaction); a race that outlasts it is answered as the failure it is.
    /// </summary>
    public const int MaxAttempts = 12;

    /// <summary>
    /// Runs <paramref name="attempt"/> (given its number, from 1) until it succeeds. When it loses a race
    /// (<see cref="IsLostRace"/>) the context's tracked entities are dropped and, after a short random pause, it runs
    /// again; the failure of the last attempt propagates. An attempt that opens a transaction disposes of it itself.
    /// </summary>
    /// <param name="keepTracked">an attempt that runs inside its caller's unit of work (and tracks nothing itself)
    /// leaves the caller's tracked entities alone</param>
    /// <param name="lostRace">what counts as a lost race (<see cref="IsLostRace"/> by default). An attempt inside its
    /// caller's transaction retries only what leaves that transaction usable: after a failed statement PostgreSQL
    /// refuses every other one until the rollback, so that race is for the caller's own retry.</param>
    public static async Task<T> RetryAsync<T>(this RegistryDbContext db, Func<int, Task<T>> attempt, CancellationToken ct, ILogger? log = null,
        bool keepTracked = false, Func<Exception, bool>? lostRace = null)
    {
        for (var n = 1; ; n++)
        {
            try
            {
                return await attempt(n);
            }
            catch (Exception e) when (n < MaxAttempts && (lostRace ?? IsLostRace)(e))
            {
                log?.LogDebug(e, "Lost a race with a concurrent write (attempt {Attempt} of {MaxAttempts}), retrying", n, MaxAttempts);
                if (!keepTracked) db.ChangeTracker.Clear();
                await Task.Delay(Backoff(n), ct);
            }
        }
    }

    /// <summary>
    /// A random pause that doubles with each attempt (up to a second): many writers racing for one row (uploads into a
    /// new version under a serializable transaction) spread out instead of colliding again in the same few milliseconds.
    /// </summary>
    private static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(Random.Shared.Next(5, Math.Min(10 << Math.Min(attempt, 10), 1000)));

    private const string PostgresUniqueViolation = "23505", PostgresForeignKeyViolation = "23503";
    private const string PostgresSerializationFailure = "40001", PostgresDeadlock = "40P01";
    private const int SqliteBusy = 5, SqliteLocked = 6;
    private const int SqliteConstraintUnique = 2067, SqliteConstraintPrimaryKey = 1555, SqliteConstraintForeignKey = 787;

    /// <summary>
    /// A concurrent writer got there first: a unique or foreign-key violation, a serialization failure or deadlock, a
    /// busy database, or a row that changed under an optimistic check. Never a full disk.
    /// </summary>
    public static bool IsLostRace(Exception e)
    {
        if (InsufficientStorage.Is(e)) return false;
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                case DbUpdateConcurrencyException:
                case PostgresException { SqlState: PostgresUniqueViolation or PostgresForeignKeyViolation or PostgresSerializationFailure or PostgresDeadlock }:
                case SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked }:
                case SqliteException { SqliteExtendedErrorCode: SqliteConstraintUnique or SqliteConstraintPrimaryKey or SqliteConstraintForeignKey }:
                    return true;
            }
        }
        return false;
    }
}
