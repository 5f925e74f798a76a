using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Registry.Schema.Data;

namespace Registry.UnitTests;

/// <summary>
/// The one retry of a racing first insert is bounded and retries only lost races: the two settings mutations used to call
/// themselves again on any DbUpdateException, so a failure that repeats (a full disk, a value the column refuses, a lost
/// database) never answered.
/// </summary>
public sealed class RacingInsertTests
{
    private static RegistryDbContext Context() =>
        new(new DbContextOptionsBuilder<RegistryDbContext>().UseSqlite("Data Source=:memory:").Options);

    [Fact]
    public async Task A_failure_that_is_no_lost_race_is_not_retried()
    {
        await using var db = Context();
        foreach (var failure in new Exception[]
        {
            new DbUpdateException("full", new SqliteException("database or disk is full", 13)),
            new DbUpdateException("not null", new SqliteException("NOT NULL constraint failed", 19, 1299)),
            new InvalidOperationException("the database went away"),
        })
        {
            var calls = 0;
            var thrown = await Assert.ThrowsAnyAsync<Exception>(() => db.RetryAsync<int>(_ => { calls++; throw failure; }, CancellationToken.None));
            Assert.Same(failure, thrown);
            Assert.Equal(1, calls);
        }
    }

    [Fact]
    public async Task A_race_lost_every_time_ends_after_the_last_attempt()
    {
        await using var db = Context();
        var calls = 0;
        await Assert.ThrowsAsync<DbUpdateException>(() => db.RetryAsync<int>(_ =>
        {
            calls++;
            throw new DbUpdateException("unique", new SqliteException("UNIQUE constraint failed", 19, 2067));
        }, CancellationToken.None));
        Assert.Equal(RacingInsert.MaxAttempts, calls);
    }

    [Fact]
    public async Task A_lost_race_is_run_again_and_its_result_returned()
    {
        await using var db = Context();
        var result = await db.RetryAsync(attempt => attempt == 1
            ? throw new DbUpdateConcurrencyException("changed meanwhile")
            : Task.FromResult(attempt), CancellationToken.None);
        Assert.Equal(2, result);
    }
}
