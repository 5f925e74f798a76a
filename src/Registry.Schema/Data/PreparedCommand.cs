using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Registry.Schema.Data;

/// <summary>
/// A statement run many times in one unit of work, as one plain ADO.NET command on the context's connection, prepared
/// once and run again with new values: EF creates a new command for every statement, and Microsoft.Data.Sqlite parses
/// each new command's SQL again (the publish batch's single writer ran its per-upload statements that way). Parameters
/// come from EF's type mappings of the given properties, so values are stored as SaveChanges stores them.
/// It passes none of EF's command interceptors: a caller that writes tells the cache itself
/// (<see cref="Caching.HotPathCache.PackagesChanged"/>).
/// <para>The parameters are created once, with the command, and each run sets their values: Npgsql binds a prepared
/// statement to the parameter objects it was prepared with, so parameters replaced after the first run were ignored
/// and every later run of a batch stored the first run's values (PreparedCommandTests).</para>
/// <para>The command lives for one opening of the connection. Microsoft.Data.Sqlite finalizes a command's statements
/// when the connection closes, but only the first time: a command prepared again is no longer tracked, so its statements
/// stayed on the pooled SQLite handle the connection had given back, and a later run went to whichever connection held
/// that handle now, outside the caller's transaction (the legacy-blob migration's claim waited on its own write lock).</para>
/// </summary>
public sealed class PreparedCommand : IAsyncDisposable
{
    private readonly RegistryDbContext _db;
    private readonly DbConnection _connection;
    private readonly string _sql;
    private readonly (string Name, RelationalTypeMapping Mapping, bool Nullable)[] _parameters;
    private DbCommand? _command;
    private bool _prepared;

    /// <param name="sql">the statement, with <c>{0}</c>, <c>{1}</c>... where the values of <paramref name="parameters"/> go</param>
    /// <param name="parameters">the property each value is stored in, for its type mapping</param>
    public PreparedCommand(RegistryDbContext db, string sql, params IProperty[] parameters)
    {
        _db = db;
        var helper = db.GetService<ISqlGenerationHelper>();
        // Named as the statement writes them ("@p0"), so that Microsoft.Data.Sqlite finds each at its first look-up.
        _parameters = parameters.Select((p, i) => (helper.GenerateParameterNamePlaceholder("p" + i), p.GetRelationalTypeMapping(), p.IsNullable)).ToArray();
        _sql = string.Format(sql, _parameters.Select(p => (object)p.Name).ToArray());
        _connection = db.Database.GetDbConnection();
        _connection.StateChange += ForgetOnClose;
    }

    private void ForgetOnClose(object? sender, StateChangeEventArgs e)
    {
        if (e.CurrentState == ConnectionState.Open) return;
        _command?.Dispose();
        _command = null;
    }

    private DbCommand Create()
    {
        var command = _connection.CreateCommand();
        command.CommandText = _sql;
        foreach (var (name, mapping, nullable) in _parameters)
            command.Parameters.Add(mapping.CreateParameter(command, name, null, nullable));
        _prepared = false;
        return command;
    }

    /// <summary>
    /// An INSERT of one <typeparamref name="T"/> row setting <paramref name="columns"/> (values in that order), as
    /// <see cref="MultiRowInsert"/> names table and columns; <paramref name="suffix"/> follows its values (a RETURNING).
    /// </summary>
    public static PreparedCommand Insert<T>(RegistryDbContext db, IReadOnlyList<string> columns, string suffix = "") where T : class
    {
        var (head, properties) = MultiRowInsert.Head<T>(db, columns);
        return new PreparedCommand(db, head + "(" + string.Join(", ", properties.Select((_, i) => "{" + i + "}")) + ")" + suffix, properties);
    }

    /// <summary>The property <paramref name="name"/> of <typeparamref name="T"/> in the context's model.</summary>
    public static IProperty Property<T>(RegistryDbContext db, string name) =>
        db.Model.FindEntityType(typeof(T))?.FindProperty(name) ?? throw new ArgumentException($"{typeof(T)} has no {name}");

    /// <summary>Runs the statement with <paramref name="values"/>; returns the first column of its first row.</summary>
    public async Task<object?> ScalarAsync(CancellationToken ct, params object?[] values) =>
        await (await BindAsync(values, ct)).ExecuteScalarAsync(ct);

    /// <summary>Runs the statement with <paramref name="values"/>; returns its rows (dispose the reader before the next run).</summary>
    public async Task<DbDataReader> ReaderAsync(CancellationToken ct, params object?[] values) =>
        await (await BindAsync(values, ct)).ExecuteReaderAsync(ct);

    /// <summary>Runs the statement with <paramref name="values"/>; returns the number of rows it changed.</summary>
    public async Task<int> NonQueryAsync(CancellationToken ct, params object?[] values) =>
        await (await BindAsync(values, ct)).ExecuteNonQueryAsync(ct);

    private async Task<DbCommand> BindAsync(object?[] values, CancellationToken ct)
    {
        if (values.Length != _parameters.Length) throw new ArgumentException($"{_parameters.Length} values expected, {values.Length} given");
        var command = _command ??= Create();
        command.Transaction = _db.Database.CurrentTransaction?.GetDbTransaction();
        for (var i = 0; i < values.Length; i++)
        {
            // As RelationalTypeMapping.CreateParameter stores a value: through the mapping's converter (enums, ...).
            var value = values[i];
            if (_parameters[i].Mapping.Converter is { } converter) value = converter.ConvertToProvider(value);
            else if (value is Enum) value = Convert.ChangeType(value, Enum.GetUnderlyingType(value.GetType()));
            command.Parameters[i].Value = value ?? DBNull.Value;
        }
        if (_prepared) return command;
        // PostgreSQL keeps a prepared statement per connection (Npgsql finds it again by its text); SQLite keeps it in
        // the command.
        await command.PrepareAsync(ct);
        _prepared = true;
        return command;
    }

    public ValueTask DisposeAsync()
    {
        _connection.StateChange -= ForgetOnClose;
        return _command?.DisposeAsync() ?? ValueTask.CompletedTask;
    }
}
