using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Registry.Schema.Data;
using Registry.Schema.Packages;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Database;

/// <summary>
/// Every download, duplicate check and upload looks a file up by package and name. With an index on (PackageId,
/// FileName) only, SQLite took (Status, PackageId) for its id order and read every file of the package to find one
/// name, so each upload into a big version cost more than the one before. The plan must seek on the name.
/// </summary>
public sealed class FileLookupPlanTests
{
    [SkippableFact]
    public async Task The_newest_file_of_a_name_is_found_by_an_index_seek_on_the_name_not_a_walk_of_the_package()
    {
        Skip.If(TestBackend.IsPostgresS3, "PostgreSQL plans by statistics, which a small test database does not have; the index is the same");
        await using var server = await RegistryServer.StartAsync();
        await server.CreateGroupAsync("plan");
        await server.CreateProjectAsync("plan", "app");
        for (var i = 0; i < 3; i++) await server.PublishAsync("plan/app", "big", "1.0.0", $"file-{i}.bin");

        using var scope = server.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var sql = scope.ServiceProvider.GetRequiredService<PackageFinder>().NewestFileQuery(1, "big", "1.0.0", "file-1.bin").Take(1).ToQueryString();
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var explain = connection.CreateCommand();
        // ToQueryString puts the parameters first as `.param set` lines; the plan does not depend on their values.
        explain.CommandText = "EXPLAIN QUERY PLAN " + string.Join('\n', sql.Split('\n').Where(l => !l.StartsWith(".param", StringComparison.Ordinal)));
        foreach (var name in System.Text.RegularExpressions.Regex.Matches(explain.CommandText, @"@\w+").Select(m => m.Value).Distinct())
            explain.Parameters.AddWithValue(name, DBNull.Value);
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
            while (await reader.ReadAsync()) plan.Add(reader.GetString(3));

        var files = Assert.Single(plan, line => line.StartsWith("SEARCH p ", StringComparison.Ordinal) || line.StartsWith("SCAN p ", StringComparison.Ordinal));
        Assert.Contains("FileName=?", files);
    }
}
