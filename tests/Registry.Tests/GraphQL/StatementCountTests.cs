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
    private long _rows;
    public volatile bool Enabled;
    public ConcurrentQueue<string> Commands { get; } = new();
    public int Count => _count;

    /// <summary>Rows the server read from every reader it closed while enabled.</summary>
    public long RowsRead => Interlocked.Read(ref _rows);

    public void Reset()
    {
        Interlocked.Exchange(ref _count, 0);
        Interlocked.Exchange(ref _rows, 0);
        Commands.Clear();
    }

    private void Seen(DbCommand command)
    {
        if (!Enabled) return;
        Interlocked.Increment(ref _count);
        Commands.Enqueue(command.CommandText);
    }

    public override InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        if (Enabled) Interlocked.Add(ref _rows, eventData.ReadCount);
        return result;
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
        public long RowsProjectId { get; private set; }

        public async Task InitializeAsync()
        {
            // No hot-path cache: whether a token is still cached from the warm-up call depends on timing, and these
            // tests count statements exactly.
            Server = await RegistryServer.StartAsync(new Dictionary<string, string> { ["Registry:HotCacheTtl"] = "00:00:00" }, configureServices: services =>
            {
                services.AddSingleton<IInterceptor>(Counter);
                // Background work on its own schedule (the sweep, the webhook dispatcher's polls) would be counted too.
                foreach (var background in services.Where(d => d.ServiceType == typeof(IHostedService)
                    && (d.ImplementationType == typeof(DestroyedFileSweeper) || d.ImplementationType == typeof(Registry.Server.Hooks.HookDispatcher))).ToList())
                    services.Remove(background);
            });
            await Server.CreateGroupAsync("count");
            await Server.CreateGroupAsync("sub", parentPath: "count");
            await Server.CreateProjectAsync("count", "app");
            await Server.CreateProjectAsync("count/sub", "other");
            for (var i = 0; i < 100; i++)
                await Server.PublishAsync("count/app", $"pkg-{i:D3}", "1.0.0", $"file-{i}.bin", [(byte)i]);
            for (var i = 0; i < 5; i++)
                await Server.PublishAsync("count/sub/other", $"sub-{i}", "1.0.0", "f.bin", [(byte)i]);
            // One version with many files, in a group of its own (the lists above expect one file per package).
            await Server.CreateGroupAsync("rows");
            RowsProjectId = await Server.CreateProjectAsync("rows", "app");
            await Server.PublishAsync("rows/app", "small", "1.0.0", "only.bin", [1]);
            for (var i = 0; i < BigFiles; i++)
                await Server.PublishAsync("rows/app", "big", "1.0.0", $"file-{i:D3}.bin", [(byte)i]);
            Member = await Server.CreateUserWithTokenAsync("count-member");
            await Server.AddProjectMemberAsync("count/app", "count-member", "DEVELOPER");
            await Server.AddProjectMemberAsync("count/sub/other", "count-member", "REPORTER");
        }

        public Task DisposeAsync() => Server.DisposeAsync().AsTask();
    }

    private const int BigFiles = 250;

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

    /// <summary>
    /// Runs <paramref name="request"/> once to warm up (first-use work such as model building and schema caches is not
    /// counted), then again with the statements counted.
    /// </summary>
    private async Task<T> CountedAsync<T>(Func<Task<T>> request)
    {
        await request();
        fixture.Counter.Reset();
        fixture.Counter.Enabled = true;
        try { return await request(); }
        finally { fixture.Counter.Enabled = false; }
    }

    private async Task<int> CountAsync(string query, string path, int first, string token, int expectedNodes)
    {
        var data = await CountedAsync(() => fixture.Server.GraphQLAsync(query, new { p = path, n = first }, token));
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
            var data = await CountedAsync(() => fixture.Server.GraphQLAsync(document, variables, token));
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

    /// <summary>
    /// A package list reads only the files its page shows: a version with hundreds of files costs the list no more rows
    /// than one with a few. Every file of every listed package was read (and materialized) for each list before.
    /// </summary>
    [Fact]
    public async Task A_list_reads_only_the_files_its_page_shows()
    {
        const string query = """
            { project(fullPath: "rows/app") { packages(first: 5) { nodes { name
                packageFiles(first: 2) { count pageInfo { hasNextPage hasPreviousPage } nodes { fileName } } } } } }
            """;
        var data = await CountedAsync(() => fixture.Server.GraphQLAsync(query));
        output.WriteLine($"{fixture.Counter.Count} statements, {fixture.Counter.RowsRead} rows read");
        foreach (var sql in fixture.Counter.Commands) output.WriteLine("  " + sql.ReplaceLineEndings(" "));

        var nodes = data.GetProperty("project").GetProperty("packages").GetProperty("nodes").EnumerateArray()
            .ToDictionary(n => n.GetProperty("name").GetString()!, n => n.GetProperty("packageFiles"));
        var big = nodes["big"];
        Assert.Equal(["file-249.bin", "file-248.bin"], big.GetProperty("nodes").Strings("fileName"));
        Assert.Equal(BigFiles, big.GetProperty("count").GetInt32());
        Assert.True(big.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
        Assert.False(big.GetProperty("pageInfo").GetProperty("hasPreviousPage").GetBoolean());
        var small = nodes["small"];
        Assert.Equal(["only.bin"], small.GetProperty("nodes").Strings("fileName"));
        Assert.Equal(1, small.GetProperty("count").GetInt32());
        Assert.False(small.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
        // Measured 14 (the project, the caller, two packages, their newest files, one count); all files would be 250 more.
        Assert.InRange(fixture.Counter.RowsRead, 1, 40);
    }

    /// <summary>
    /// A list's files are read without their packages (the list read those already) and without columns the answer
    /// never shows: a package and a blob key for every file row were most of what a list with many files allocated.
    /// Both reads are checked: the newest files of each package (a page from the start, a seek for the big version)
    /// and every file (a page from the end).
    /// </summary>
    [Theory]
    [InlineData("first: 2")]
    [InlineData("")]
    [InlineData("last: 2")]
    public async Task A_lists_files_are_read_without_their_packages(string page)
    {
        var query = $$"""
            { project(fullPath: "rows/app") { packages(first: 5) { nodes { name version
                packageFiles{{(page == "" ? "" : $"({page})")}} { nodes { fileName downloadPath } } } } } }
            """;
        var data = await CountedAsync(() => fixture.Server.GraphQLAsync(query));

        var fileReads = fixture.Counter.Commands.Where(sql => sql.Contains("FROM \"PackageFiles\"", StringComparison.Ordinal)).ToList();
        foreach (var sql in fileReads) output.WriteLine(sql.ReplaceLineEndings(" "));
        Assert.NotEmpty(fileReads);
        Assert.All(fileReads, sql =>
        {
            Assert.DoesNotContain("\"Packages\"", sql, StringComparison.Ordinal);
            Assert.DoesNotContain("\"BlobKey\"", sql, StringComparison.Ordinal);
        });
        // The records still carry their package's name and version.
        var nodes = data.GetProperty("project").GetProperty("packages").GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal(["big", "small"], nodes.Select(n => n.GetProperty("name").GetString()).Order());
        Assert.All(nodes, n => Assert.All(n.GetProperty("packageFiles").GetProperty("nodes").EnumerateArray(), f =>
            Assert.Equal($"/api/v4/projects/{fixture.RowsProjectId}/packages/generic/{n.GetProperty("name").GetString()}/1.0.0/{f.GetProperty("fileName").GetString()}",
                f.GetProperty("downloadPath").GetString())));
        Assert.Equal(page == "" ? 100 : 2, nodes.Single(n => n.GetProperty("name").GetString() == "big").GetProperty("packageFiles").GetProperty("nodes").GetArrayLength());
    }

    /// <summary>Paging a package's files reaches every file once, from either end, with the reads bounded per page.</summary>
    [Fact]
    public async Task A_packages_files_page_forward_and_backward_through_every_file()
    {
        const string query = """
            query($first: Int, $after: String, $last: Int, $before: String) { project(fullPath: "rows/app") {
              packages(first: 1, packageName: "big") { nodes { packageFiles(first: $first, after: $after, last: $last, before: $before) {
                count pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { fileName } } } } } } }
            """;
        async Task<JsonElement> Page(object variables) =>
            (await fixture.Server.GraphQLAsync(query, variables)).GetProperty("project").GetProperty("packages").GetProperty("nodes")[0]
                .GetProperty("packageFiles");
        static List<string> Names(JsonElement page) =>
            page.GetProperty("edges").EnumerateArray().Select(e => e.GetProperty("node").GetProperty("fileName").GetString()!).ToList();
        var expected = Enumerable.Range(0, BigFiles).Reverse().Select(i => $"file-{i:D3}.bin").ToList();

        var seen = new List<string>();
        string? after = null;
        JsonElement page;
        do
        {
            page = await Page(new { first = 120, after }); // more than GitLab's 100 per page: 100 come
            Assert.Equal(BigFiles, page.GetProperty("count").GetInt32());
            Assert.Equal(after is not null, page.GetProperty("pageInfo").GetProperty("hasPreviousPage").GetBoolean());
            seen.AddRange(Names(page));
            after = page.GetProperty("pageInfo").GetProperty("endCursor").GetString();
        } while (page.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
        Assert.Equal(expected, seen);
        Assert.Equal(3, (BigFiles + 99) / 100);

        var last = await Page(new { last = 3 });
        Assert.Equal(["file-002.bin", "file-001.bin", "file-000.bin"], Names(last));
        Assert.True(last.GetProperty("pageInfo").GetProperty("hasPreviousPage").GetBoolean());
        Assert.False(last.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());

        var before = await Page(new { last = 2, before = last.GetProperty("pageInfo").GetProperty("startCursor").GetString() });
        Assert.Equal(["file-004.bin", "file-003.bin"], Names(before));
        Assert.True(before.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());

        var middle = await Page(new { first = 2, after = before.GetProperty("edges")[0].GetProperty("cursor").GetString() });
        Assert.Equal(["file-003.bin", "file-002.bin"], Names(middle));
        Assert.True(middle.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());

        var empty = await Page(new { first = 0 });
        Assert.Empty(Names(empty));
        Assert.True(empty.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
    }

    /// <summary>GitLab's REST list of a package's files orders and pages in SQL: a page reads that page, whatever the order.</summary>
    [Fact]
    public async Task The_rest_file_list_reads_only_its_page()
    {
        var root = fixture.Server.Client(RegistryServer.RootToken);
        var projectId = fixture.RowsProjectId;
        var package = (await root.GetOkAsync($"/api/v4/projects/{projectId}/packages?package_name=big")).EnumerateArray().Single();
        var url = $"/api/v4/projects/{projectId}/packages/{package.GetProperty("id").GetInt64()}/package_files?per_page=5&page=3&order_by=file_name&sort=desc";
        await root.GetOkAsync(url);
        fixture.Counter.Reset();
        fixture.Counter.Enabled = true;
        HttpResponseMessage response;
        try { response = await root.GetAsync(url); }
        finally { fixture.Counter.Enabled = false; }
        output.WriteLine($"{fixture.Counter.Count} statements, {fixture.Counter.RowsRead} rows read");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var names = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Strings("file_name");
        Assert.Equal(Enumerable.Range(235, 5).Reverse().Select(i => $"file-{i:D3}.bin"), names);
        Assert.Equal(BigFiles.ToString(), response.Header("X-Total"));
        Assert.Equal("4", response.Header("X-Next-Page"));
        // Measured 9 (caller, project, package, one count, the page); the whole list would be 250 more.
        Assert.InRange(fixture.Counter.RowsRead, 1, 40);
    }
}
