using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.Json;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Registry.Server.Storage;
using Registry.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Registry.Tests.GraphQL;

/// <summary>Counts every SQL command the server's DbContexts execute while <see cref="Enabled"/> is set.</summary>
public sealed class CommandCounter : DbCommandInterceptor
{
    private int _count;
    public volatile bool Enabled;
    public ConcurrentQueue<string> Commands { get; } = new();
    public int Count => _count;

    public void Reset()
    {
        Interlocked.Exchange(ref _count, 0);
        Commands.Clear();
    }

    private void Seen(DbCommand command)
    {
        if (!Enabled) return;
        Interlocked.Increment(ref _count);
        Commands.Enqueue(command.CommandText);
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    { Seen(command); return result; }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    { Seen(command); return ValueTask.FromResult(result); }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    { Seen(command); return result; }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    { Seen(command); return ValueTask.FromResult(result); }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    { Seen(command); return result; }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default)
    { Seen(command); return ValueTask.FromResult(result); }
}

/// <summary>
/// Listing packages with their files and projects costs a bounded number of SQL statements whatever the page size
/// (batch loading). A server of its own, with a counting interceptor and without the background sweeper, so nothing
/// else runs SQL while a query is measured.
/// </summary>
public sealed class StatementCountTests(StatementCountTests.Fixture fixture, ITestOutputHelper output) : IClassFixture<StatementCountTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        public CommandCounter Counter { get; } = new();
        public RegistryServer Server { get; private set; } = null!;
        public string Member { get; private set; } = "";

        public async Task InitializeAsync()
        {
            // No hot-path cache: whether a token is still cached from the warm-up call depends on timing, and these
            // tests count statements exactly.
            Server = await RegistryServer.StartAsync(new Dictionary<string, string> { ["Registry:HotCacheTtl"] = "00:00:00" }, configureServices: services =>
            {
                services.AddSingleton<IInterceptor>(Counter);
                var sweeper = services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(DestroyedFileSweeper));
                services.Remove(sweeper);
            });
            await Server.CreateGroupAsync("count");
            await Server.CreateGroupAsync("sub", parentPath: "count");
            await Server.CreateProjectAsync("count", "app");
            await Server.CreateProjectAsync("count/sub", "other");
            for (var i = 0; i < 100; i++)
                await Server.PublishAsync("count/app", $"pkg-{i:D3}", "1.0.0", $"file-{i}.bin", [(byte)i]);
            for (var i = 0; i < 5; i++)
                await Server.PublishAsync("count/sub/other", $"sub-{i}", "1.0.0", "f.bin", [(byte)i]);
            Member = await Server.CreateUserWithTokenAsync("count-member");
            await Server.AddProjectMemberAsync("count/app", "count-member", "DEVELOPER");
            await Server.AddProjectMemberAsync("count/sub/other", "count-member", "REPORTER");
        }

        public Task DisposeAsync() => Server.DisposeAsync().AsTask();
    }

    private const string ProjectQuery = """
        query($p: ID!, $n: Int) {
          project(fullPath: $p) { packages(first: $n) { nodes { name project { fullPath } packageFiles { nodes { fileName size } } } } }
        }
        """;

    private const string GroupQuery = """
        query($p: ID!, $n: Int) {
          group(fullPath: $p) { packages(first: $n) { nodes { name project { fullPath } packageFiles { nodes { fileName size } } } } }
        }
        """;

    private async Task<int> CountAsync(string query, string path, int first, string token, int expectedNodes)
    {
        // One warm-up run so that first-use work (model building, schema caches) is not counted.
        await fixture.Server.GraphQLAsync(query, new { p = path, n = first }, token);
        fixture.Counter.Reset();
        fixture.Counter.Enabled = true;
        JsonElement data;
        try
        {
            data = await fixture.Server.GraphQLAsync(query, new { p = path, n = first }, token);
        }
        finally
        {
            fixture.Counter.Enabled = false;
        }
        var root = data.EnumerateObject().Single().Value;
        var nodes = root.GetProperty("packages").GetProperty("nodes");
        Assert.Equal(expectedNodes, nodes.GetArrayLength());
        Assert.All(nodes.EnumerateArray(), n =>
        {
            Assert.False(string.IsNullOrEmpty(n.GetProperty("project").GetProperty("fullPath").GetString()));
            Assert.Equal(1, n.GetProperty("packageFiles").GetProperty("nodes").GetArrayLength());
        });
        var count = fixture.Counter.Count;
        output.WriteLine($"{path} first:{first} as {(token == RegistryServer.RootToken ? "root" : "member")}: {count} statements");
        foreach (var sql in fixture.Counter.Commands) output.WriteLine("  " + sql.ReplaceLineEndings(" "));
        return count;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Project_list_with_files_and_projects_costs_the_same_for_10_and_100(bool asRoot)
    {
        var token = asRoot ? RegistryServer.RootToken : fixture.Member;
        var ten = await CountAsync(ProjectQuery, "count/app", 10, token, 10);
        var hundred = await CountAsync(ProjectQuery, "count/app", 100, token, 100);
        Assert.Equal(ten, hundred);
        Assert.InRange(hundred, 1, 12); // measured 6 (root) and 9 (a project member)
    }

    /// <summary>GitLab's own list document: each package's project, links and the caller's permissions are batched too.</summary>
    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(false, true)]
    public async Task Gitlab_ui_package_list_costs_the_same_for_10_and_100(bool asRoot, bool groupPage)
    {
        var token = asRoot ? RegistryServer.RootToken : fixture.Member;
        var document = GitLabUi.GitLabUiDocuments.Load("packages_and_registries/package_registry/graphql/queries/get_packages.query.graphql");
        async Task<int> Count(int first)
        {
            var variables = new { fullPath = groupPage ? "count" : "count/app", isGroupPage = groupPage, first };
            await fixture.Server.GraphQLAsync(document, variables, token);
            fixture.Counter.Reset();
            fixture.Counter.Enabled = true;
            JsonElement data;
            try { data = await fixture.Server.GraphQLAsync(document, variables, token); }
            finally { fixture.Counter.Enabled = false; }
            var nodes = data.GetProperty(groupPage ? "group" : "project").GetProperty("packages").GetProperty("nodes");
            Assert.Equal(first, nodes.GetArrayLength());
            Assert.All(nodes.EnumerateArray(), n => Assert.Equal(asRoot, n.GetProperty("canDestroy").GetBoolean()));
            output.WriteLine($"GitLab's list document, first:{first}, {(groupPage ? "group" : "project")} page: {fixture.Counter.Count} statements");
            return fixture.Counter.Count;
        }
        var ten = await Count(10);
        var hundred = await Count(100);
        Assert.Equal(ten, hundred);
        Assert.InRange(hundred, 1, 26);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Group_list_with_files_and_projects_costs_the_same_for_10_and_100(bool asRoot)
    {
        var token = asRoot ? RegistryServer.RootToken : fixture.Member;
        var ten = await CountAsync(GroupQuery, "count", 10, token, 10);
        var hundred = await CountAsync(GroupQuery, "count", 100, token, 100);
        Assert.Equal(ten, hundred);
        // Measured 7 (root) and 20 (a member of the two projects, not of the group): a user without a group role is
        // checked project by project, so this grows with the projects below the group, never with the page size.
        Assert.InRange(hundred, 1, 24);
    }
}
