using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Registry.Schema.Data;
using Registry.Schema.Packages;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Lifecycle;

/// <summary>
/// Retention rules (beyond GitLab): a dry run that lists exactly what a run deletes, on a data set with SemVer and
/// other versions, hidden packages and protected ones; runs that keep the newest version unless asked and record every
/// deletion; scheduled runs.
/// </summary>
public sealed class RetentionRuleTests
{
    private sealed record Setup(RegistryServer Server, string Project, string Maintainer, string Developer);

    private static async Task<Setup> StartAsync(Dictionary<string, string>? settings = null)
    {
        var server = await RegistryServer.StartAsync(settings);
        var group = "ret" + Guid.NewGuid().ToString("N")[..8];
        await server.CreateGroupAsync(group);
        await server.CreateProjectAsync(group, "app");
        var maintainer = await server.CreateUserWithTokenAsync(group + "-m");
        var developer = await server.CreateUserWithTokenAsync(group + "-d");
        await server.AddGroupMemberAsync(group, group + "-m", "MAINTAINER");
        await server.AddGroupMemberAsync(group, group + "-d", "DEVELOPER");
        return new Setup(server, group + "/app", maintainer, developer);
    }

    /// <summary>(name, version, hidden, age in days, days since the last download or null).</summary>
    private static readonly (string Name, string Version, bool Hidden, int Age, int? Downloaded)[] DataSet =
    [
        ("app", "1.0.0", false, 100, null), ("app", "1.2.0", false, 100, null), ("app", "1.10.0", false, 100, 2),
        ("app", "2.0.0-rc.1", false, 100, null), ("app", "2.0.0", false, 1, null), ("app", "0.9.0", true, 100, null),
        ("nightly", "nightly-20240101", false, 60, null), ("nightly", "build-7", false, 60, null), ("nightly", "build-12", false, 60, 1),
        ("nightly", "build-3", true, 60, null),
        ("release-tool", "1.0", false, 100, null), ("release-tool", "2.0", false, 100, null), ("release-tool", "3.0", false, 100, null),
        ("old-secret", "1.0", true, 100, null),
        ("keep-me", "0.4-release", false, 100, null), ("keep-me", "0.5", false, 100, null), ("keep-me", "1.0", false, 100, null),
    ];

    /// <summary>
    /// What the rules of <see cref="CreateRulesAsync"/> delete, worked out by hand: app keeps its two newest releases
    /// (2.0.0, 2.0.0-rc.1), the hidden 0.9.0 has five newer ones; nightly deletes what nobody downloaded for 30 days but
    /// keeps its newest version (nightly-20240101 ranks above build-* in natural order); the hidden old-secret goes
    /// although it is its name's newest, as its rule asks; keep-me's -release versions are excluded and 1.0 is newest;
    /// release-tool is protected.
    /// </summary>
    private static readonly string[] Expected =
        ["app/0.9.0", "app/1.0.0", "app/1.10.0", "app/1.2.0", "keep-me/0.5", "nightly/build-3", "nightly/build-7", "old-secret/1.0"];

    private static async Task PublishDataSetAsync(Setup s)
    {
        foreach (var p in DataSet)
            await s.Server.PublishAsync(s.Project, p.Name, p.Version, "f.bin", $"{p.Name} {p.Version}", p.Hidden ? "hidden" : null);
        await using var scope = s.Server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var now = DateTime.UtcNow;
        foreach (var p in DataSet)
            await db.Packages.Where(x => x.Project.FullPath == s.Project && x.Name == p.Name && x.Version == p.Version)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.CreatedAt, now.AddDays(-p.Age))
                    .SetProperty(x => x.LastDownloadedAt, p.Downloaded is { } d ? now.AddDays(-d) : null));
    }

    private const string RuleFields = "id packageNamePattern olderThanDays keepNewestVersions notDownloadedForDays packageStatus deleteNewestVersion enabled nextRunAt";

    private static async Task<Dictionary<string, string>> CreateRulesAsync(Setup s)
    {
        using (var client = s.Server.Client(s.Maintainer))
        {
            using var protect = await client.PostAsJsonAsync($"/api/v4/projects/{Uri.EscapeDataString(s.Project)}/packages/protection/rules",
                new { package_name_pattern = "release-*", package_type = "generic", minimum_access_level_for_push = "maintainer" });
            Assert.Equal(HttpStatusCode.Created, protect.StatusCode);
        }
        var ids = new Dictionary<string, string>();
        async Task Gql(string key, object input)
        {
            var payload = await s.Server.MutateAsync("createPackagesRetentionRule", input, s.Maintainer, $"packagesRetentionRule {{ {RuleFields} }} errors");
            Assert.Empty(payload.Errors());
            ids[key] = payload.GetProperty("packagesRetentionRule").GetProperty("id").GetString()!;
        }
        async Task Rest(string key, object body)
        {
            using var client = s.Server.Client(s.Maintainer);
            using var response = await client.PostAsJsonAsync($"/api/v4/projects/{Uri.EscapeDataString(s.Project)}/packages/retention/rules", body);
            var rule = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(response.StatusCode == HttpStatusCode.Created, rule.ToString());
            ids[key] = $"gid://gitlab/Packages::RetentionRule/{rule.GetProperty("id").GetInt64()}";
        }
        await Gql("app", new { projectPath = s.Project, packageNamePattern = "app", keepNewestVersions = 2 });
        await Gql("nightly", new { projectPath = s.Project, packageNamePattern = "night*", notDownloadedForDays = 30 });
        await Gql("hidden", new { projectPath = s.Project, packageNamePattern = "*", packageStatus = "HIDDEN", olderThanDays = 0, deleteNewestVersion = true });
        await Rest("release", new { package_name_pattern = "release-*", older_than_days = 0 });
        await Rest("keep", new { package_name_pattern = "keep-me", older_than_days = 30, exclude_version_pattern = "*-release" });
        return ids;
    }

    private static string[] Keys(IEnumerable<JsonElement> packages) =>
        packages.Select(p => $"{p.GetProperty("name").GetString()}/{p.GetProperty("version").GetString()}").Order(StringComparer.Ordinal).ToArray();

    private static async Task<JsonElement[]> GraphqlDryRunAsync(Setup s, string? ruleId = null) =>
        (await s.Server.GraphQLAsync("query($p: ID!, $r: PackagesRetentionRuleID) { project(fullPath: $p) { packagesRetentionDryRun(ruleId: $r) { package { name version status } ruleIds } } }",
            new { p = s.Project, r = ruleId }, s.Maintainer))
        .GetProperty("project").GetProperty("packagesRetentionDryRun").EnumerateArray().ToArray();

    private static async Task<string[]> LiveAsync(Setup s)
    {
        await using var scope = s.Server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        return (await db.Packages.Where(p => p.Project.FullPath == s.Project && p.Status != PackageStatus.PendingDestruction)
            .Select(p => p.Name + "/" + p.Version).ToListAsync()).Order(StringComparer.Ordinal).ToArray();
    }

    [Fact]
    public async Task The_dry_run_lists_exactly_what_the_run_deletes_and_every_deletion_is_recorded()
    {
        var s = await StartAsync();
        await using var _ = s.Server;
        await PublishDataSetAsync(s);
        var rules = await CreateRulesAsync(s);
        var all = DataSet.Select(p => $"{p.Name}/{p.Version}").Order(StringComparer.Ordinal).ToArray();

        var dryRun = await GraphqlDryRunAsync(s);
        Assert.Equal(Expected, Keys(dryRun.Select(c => c.GetProperty("package"))));
        var hiddenOld = dryRun.Single(c => Keys([c.GetProperty("package")])[0] == "app/0.9.0");
        Assert.Equal([rules["app"], rules["hidden"]], hiddenOld.GetProperty("ruleIds").EnumerateArray().Select(i => i.GetString()!).Order().ToArray());
        Assert.Equal(["app/0.9.0", "app/1.0.0", "app/1.10.0", "app/1.2.0"], Keys((await GraphqlDryRunAsync(s, rules["app"])).Select(c => c.GetProperty("package"))));
        using (var client = s.Server.Client(s.Maintainer))
        {
            var rest = await client.GetOkAsync($"/api/v4/projects/{Uri.EscapeDataString(s.Project)}/packages/retention/dry_run");
            Assert.Equal(Expected, Keys(rest.EnumerateArray().Select(c => c.GetProperty("package"))));
        }
        Assert.Equal(all, await LiveAsync(s)); // a dry run deletes nothing

        var run = await s.Server.MutateAsync("runPackagesRetention", new { projectPath = s.Project }, s.Maintainer,
            "packages { package { name version } ruleIds } errors");
        Assert.Empty(run.Errors());
        Assert.Equal(Expected, Keys(run.GetProperty("packages").EnumerateArray().Select(c => c.GetProperty("package"))));
        Assert.Equal(all.Except(Expected).ToArray(), await LiveAsync(s));
        Assert.Empty(await GraphqlDryRunAsync(s));
        Assert.Equal(HttpStatusCode.OK, (await s.Server.DownloadAsync(s.Project, "app", "2.0.0", "f.bin")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await s.Server.DownloadAsync(s.Project, "app", "1.0.0", "f.bin")).Status);

        var events = (await s.Server.GraphQLAsync("query($p: ID!) { project(fullPath: $p) { auditEvents(first: 100) { nodes { eventName targetDetails details tokenKind authorName } } } }",
            new { p = s.Project })).GetProperty("project").GetProperty("auditEvents").GetProperty("nodes").EnumerateArray()
            .Where(e => e.GetProperty("eventName").GetString() == "package_destroyed_by_retention_rule").ToList();
        Assert.Equal(Expected, events.Select(e => e.GetProperty("targetDetails").GetString()!).Order(StringComparer.Ordinal).ToArray());
        Assert.All(events, e => Assert.Equal("SYSTEM", e.GetProperty("tokenKind").GetString()));
        var appEvent = JsonDocument.Parse(events.Single(e => e.GetProperty("targetDetails").GetString() == "app/1.0.0").GetProperty("details").GetString()!).RootElement;
        Assert.Equal([RegistryClient.IdOf(rules["app"])], appEvent.GetProperty("retention_rule_ids").EnumerateArray().Select(i => i.GetInt64()).ToArray());
    }

    [Fact]
    public async Task Scheduled_runs_delete_what_is_due_and_keep_the_newest_version()
    {
        var s = await StartAsync(new() { ["Registry:SweepInterval"] = "00:00:00.200" });
        await using var _ = s.Server;
        foreach (var version in new[] { "1.0.0", "1.1.0", "1.2.0" })
            await s.Server.PublishAsync(s.Project, "svc", version, "f.bin", version);
        var rule = await s.Server.MutateAsync("createPackagesRetentionRule", new { projectPath = s.Project, packageNamePattern = "svc", olderThanDays = 0 },
            s.Maintainer, $"packagesRetentionRule {{ {RuleFields} }} errors");
        Assert.Empty(rule.Errors());
        Assert.True(rule.GetProperty("packagesRetentionRule").GetProperty("nextRunAt").GetDateTime().ToUniversalTime() > DateTime.UtcNow.AddHours(11));
        Assert.Equal(["svc/1.0.0", "svc/1.1.0", "svc/1.2.0"], await LiveAsync(s));

        // Twelve hours pass.
        await using (var scope = s.Server.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<RegistryDbContext>().PackageRetentionRules
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.NextRunAt, DateTime.UtcNow.AddSeconds(-1)));
        await Eventually.ReturnsAsync(() => LiveAsync(s), live => live.SequenceEqual(["svc/1.2.0"]), "the due rule ran and kept the newest version");

        // Disabled rules never run.
        var id = rule.GetProperty("packagesRetentionRule").GetProperty("id").GetString()!;
        Assert.Empty((await s.Server.MutateAsync("updatePackagesRetentionRule", new { id, enabled = false, deleteNewestVersion = true }, s.Maintainer)).Errors());
        Assert.Empty(await GraphqlDryRunAsync(s));
    }

    [Fact]
    public async Task Rules_are_for_maintainers_and_must_select_by_something()
    {
        var s = await StartAsync();
        await using var _ = s.Server;
        var url = $"/api/v4/projects/{Uri.EscapeDataString(s.Project)}/packages/retention/rules";
        using (var developer = s.Server.Client(s.Developer))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await developer.GetAsync(url)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await developer.GetAsync(url.Replace("/rules", "/dry_run"))).StatusCode);
        }
        Assert.Equal(JsonValueKind.Null, (await s.Server.GraphQLAsync("query($p: ID!) { project(fullPath: $p) { packagesRetentionDryRun { ruleIds } packagesRetentionRules { count } } }",
            new { p = s.Project }, s.Developer)).GetProperty("project").GetProperty("packagesRetentionDryRun").ValueKind);

        using var maintainer = s.Server.Client(s.Maintainer);
        using var blank = await maintainer.PostAsJsonAsync(url, new { package_name_pattern = "*" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, blank.StatusCode);
        Assert.Equal("""{"message":{"error":["A rule must select by age, newer versions, last download or status"]}}""", await blank.Content.ReadAsStringAsync());
        using var negative = await maintainer.PostAsJsonAsync(url, new { package_name_pattern = "a", keep_newest_versions = -1 });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, negative.StatusCode);
        using var created = await maintainer.PostAsJsonAsync(url, new { package_name_pattern = "a*", keep_newest_versions = 3 });
        var rule = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(3, rule.GetProperty("keep_newest_versions").GetInt32());
        Assert.False(rule.GetProperty("delete_newest_version").GetBoolean());
        using var patched = await maintainer.PatchAsJsonAsync($"{url}/{rule.GetProperty("id").GetInt64()}", new { keep_newest_versions = 5 });
        Assert.Equal(5, (await patched.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("keep_newest_versions").GetInt32());
        Assert.Equal(HttpStatusCode.NoContent, (await maintainer.DeleteAsync($"{url}/{rule.GetProperty("id").GetInt64()}")).StatusCode);
        Assert.Equal(0, (await maintainer.GetOkAsync(url)).GetArrayLength());
    }
}
