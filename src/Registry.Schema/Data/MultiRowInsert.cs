using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Registry.Schema.Data;

/// <summary>
/// Inserts many rows of one entity in one statement, in the caller's transaction, without the change tracker: the
/// publish batch's single writer records a batch's events and audit rows this way, where SaveChanges would track each
/// row and send an INSERT apiece. Table, column names and parameters come from EF's model and its type mappings, so
/// each value is stored as SaveChanges stores it, and the statement passes EF's command interceptors like any other.
/// </summary>
public static class MultiRowInsert
{
    // Both databases take at least 32,766 parameters in a statement (SQLite since 3.32, PostgreSQL 65,535).
    private const int MaxParameters = 30_000;

    /// <param name="columns">the properties the rows set; the others (the generated id, columns with defaults) are the
    /// database's</param>
    public static async Task InsertAsync<T>(this RegistryDbContext db, IReadOnlyList<T> rows, IReadOnlyList<string> columns, CancellationToken ct)
        where T : class
    {
        if (rows.Count == 0) return;
        var (head, properties) = Head<T>(db, columns);
        var sql = db.GetService<ISqlGenerationHelper>();
        var perStatement = Math.Max(1, MaxParameters / properties.Length);
        await using var factory = db.Database.GetDbConnection().CreateCommand();
        for (var start = 0; start < rows.Count; start += perStatement)
        {
            var count = Math.Min(perStatement, rows.Count - start);
            var text = new StringBuilder(head);
            var parameters = new List<DbParameter>(count * properties.Length);
            for (var i = start; i < start + count; i++)
            {
                text.Append(i == start ? "(" : ", (");
                for (var j = 0; j < properties.Length; j++)
                {
                    // The parameter is named as the statement writes it ("@p0"): Microsoft.Data.Sqlite looks a bare "p0" up,
                    // misses, then tries each of three prefixes, and each look-up scans the statement's parameters.
                    var name = sql.GenerateParameterNamePlaceholder("p" + parameters.Count);
                    text.Append(j == 0 ? "" : ", ").Append(name);
                    parameters.Add(properties[j].GetRelationalTypeMapping()
                        .CreateParameter(factory, name, properties[j].GetGetter().GetClrValue(rows[i]), properties[j].IsNullable));
                }
                text.Append(')');
            }
            await db.Database.ExecuteSqlRawAsync(text.ToString(), parameters, ct);
        }
    }

    /// <summary>
    /// The start of an INSERT of <typeparamref name="T"/>'s <paramref name="columns"/>, up to its values
    /// (<c>INSERT INTO "Table" ("A", "B") VALUES </c>), with the names the model maps them to, and the columns' properties.
    /// </summary>
    public static (string Head, IProperty[] Properties) Head<T>(RegistryDbContext db, IReadOnlyList<string> columns) where T : class =>
        // Kept per model and list of columns (the callers' lists are static): the publish batch's single writer asks for
        // three heads a batch, and the model's look-ups were a measurable part of it (docs/performance.md).
        Heads.GetOrAdd((db.Model, typeof(T), columns), static (key, db) => BuildHead<T>(db, key.Columns), db);

    private static readonly ConcurrentDictionary<(IModel Model, Type Entity, IReadOnlyList<string> Columns), (string, IProperty[])> Heads = new();

    private static (string Head, IProperty[] Properties) BuildHead<T>(RegistryDbContext db, IReadOnlyList<string> columns) where T : class
    {
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new ArgumentException($"{typeof(T)} is not an entity of the model");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var properties = columns.Select(name => entity.FindProperty(name) ?? throw new ArgumentException($"{typeof(T)} has no {name}")).ToArray();
        var sql = db.GetService<ISqlGenerationHelper>();
        var head = new StringBuilder("INSERT INTO ").Append(sql.DelimitIdentifier(table.Name, table.Schema)).Append(" (")
            .AppendJoin(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!))).Append(") VALUES ").ToString();
        return (head, properties);
    }
}
