using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Registry.Schema.Caching;

/// <summary>
/// Tells <see cref="HotPathCache"/> about every write this instance makes, whoever makes it (SaveChanges, bulk updates,
/// raw SQL): after each writing command, and again when a transaction that wrote commits (a read between the command
/// and the commit still saw the old rows, and must not stay cached). Writes touching only package tables leave the
/// identity entries alone.
/// </summary>
public sealed partial class WriteEpochInterceptor(HotPathCache cache) : DbCommandInterceptor, IDbTransactionInterceptor
{
    // Tables an upload or a background job writes that say nothing about who may do what: a write to them must not end the
    // token and access entries (an audit row or a content blob comes with every upload; a tus PATCH writes its upload's
    // row twice, and each write used to make the next PATCH look up its token and project access again).
    private static readonly HashSet<string> PackageTables =
        ["Packages", "PackageFiles", "PackageCounts", "ContentBlobs", "AuditEvents", "DatabaseLeases", "ResumableUploads"];
    // Tables no cached answer is read from: the webhooks, their event outbox and deliveries. An upload to a project with
    // hooks writes an event, and the dispatcher writes deliveries and attempts all the time: as unknown tables they ended
    // every token and access entry, and each upload beside them read its token, access and rules afresh.
    private static readonly HashSet<string> UncachedTables = ["WebHooks", "PackageEvents", "WebHookDeliveries"];

    [Flags]
    private enum Touched { None = 0, Packages = 1, Identity = 2 }

    private readonly ConditionalWeakTable<DbTransaction, StrongBox<Touched>> _pending = new();

    private void Written(DbCommand command)
    {
        var touched = Classify(command.CommandText);
        if (touched == Touched.None) return;
        Bump(touched);
        if (command.Transaction is { } transaction) _pending.GetOrCreateValue(transaction).Value |= touched;
    }

    private static Touched Classify(string sql)
    {
        var touched = Touched.None;
        // EF's writes (SaveChanges batches, ExecuteUpdate/Delete) are statements that start with the verb and name
        // their table first. A write to a table not known to hold only packages ends every entry.
        foreach (Match statement in WriteStatement().Matches(sql))
        {
            var table = statement.Groups["table"].Value;
            if (UncachedTables.Contains(table)) continue;
            touched |= PackageTables.Contains(table) ? Touched.Packages : Touched.Packages | Touched.Identity;
        }
        return touched;
    }

    [GeneratedRegex(@"(?:^|;)\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+""(?<table>[^""]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex WriteStatement();

    private void Bump(Touched touched)
    {
        if (touched.HasFlag(Touched.Packages)) cache.PackagesChanged();
        if (touched.HasFlag(Touched.Identity)) cache.IdentityChanged();
    }

    private void Committed(DbTransaction transaction)
    {
        if (_pending.TryGetValue(transaction, out var box)) { Bump(box.Value); _pending.Remove(transaction); }
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        Written(command);
        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Written(command);
        return ValueTask.FromResult(result);
    }

    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        Written(command);
        return result;
    }

    public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        Written(command);
        return ValueTask.FromResult(result);
    }

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        Written(command);
        return result;
    }

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        Written(command);
        return ValueTask.FromResult(result);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Committed(transaction);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Committed(transaction);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => _pending.Remove(transaction);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        _pending.Remove(transaction);
        return Task.CompletedTask;
    }
}
