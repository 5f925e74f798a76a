using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Registry.Schema.Data;
using Registry.Schema.Lifecycle;
using Registry.Schema.Packages;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Lifecycle;

/// <summary>
/// GitLab's packages cleanup policy: keep the newest N files of each name within a package; set in GraphQL by
/// Maintainers, run every 12 hours by one instance at a time (a database lease), and on demand.
/// </summary>
public sealed class CleanupPolicyTests
{
    private const string PolicyFields = "keepNDuplicatedPackageFiles nextRunAt";

    private static async Task<(RegistryServer Server, string Project, string Maintainer, string Developer)> StartAsync(
        Dictionary<string, string>? settings = null)
    {
        var server = await RegistryServer.StartAsync(settings);
        var group = "cp" + Guid.NewGuid().ToString("N")[..8];
        await server.CreateGroupAsync(group);
        await server.CreateProjectAsync(group, "app");
        var maintainer = await server.CreateUserWithTokenAsync(group + "-m");
        var developer = await server.CreateUserWithTokenAsync(group + "-d");
        await server.AddGroupMemberAsync(group, group + "-m", "MAINTAINER");
        await server.AddGroupMemberAsync(group, group + "-d", "DEVELOPER");
        return (server, group + "/app", maintainer, developer);
    }

    /// <summary>Publishes a.txt three times, b.txt twice and c.txt once into one package, and a.txt twice into another.</summary>
    private static async Task<Dictionary<string, List<long>>> PublishDuplicatesAsync(RegistryServer server, string project)
    {
        var ids = new Dictionary<string, List<long>>();
        async Task Put(string version, string file, int n)
        {
            var record = await server.PublishAsync(project, "tool", version, file, $"{version} {file} #{n}");
            var key = $"{version}/{file}";
            if (!ids.TryGetValue(key, out var list)) ids[key] = list = [];
            list.Add(record.GetProperty("id").GetInt64());
        }
        for (var n = 1; n <= 3; n++) await Put("1.0.0", "a.txt", n);
        for (var n = 1; n <= 2; n++) await Put("1.0.0", "b.txt", n);
        await Put("1.0.0", "c.txt", 1);
        for (var n = 1; n <= 2; n++) await Put("2.0.0", "a.txt", n);
        return ids;
    }

    private static async Task<long[]> LiveFileIdsAsync(RegistryServer server, string project)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        return await db.PackageFiles.Where(f => f.Package.Project.FullPath == project && f.Status == PackageFileStatus.Default)
            .OrderBy(f => f.Id).Select(f => f.Id).ToArrayAsync();
    }

    private static long[] NewestOfEach(Dictionary<string, List<long>> ids) => ids.Values.Select(l => l.Max()).Order().ToArray();

    [Fact]
    public async Task Policy_is_gitlabs_shape_for_maintainers_and_one_package_file_keeps_the_newest_of_each_name()
    {
        var (server, project, maintainer, developer) = await StartAsync();
        await using var _ = server;
        const string query = $"query($p: ID!) {{ project(fullPath: $p) {{ packagesCleanupPolicy {{ {PolicyFields} }} }} }}";

        var initial = (await server.GraphQLAsync(query, new { p = project }, maintainer)).GetProperty("project").GetProperty("packagesCleanupPolicy");
        Assert.Equal("ALL_PACKAGE_FILES", initial.GetProperty("keepNDuplicatedPackageFiles").GetString());
        Assert.Equal(JsonValueKind.Null, initial.GetProperty("nextRunAt").ValueKind);
        Assert.Equal(JsonValueKind.Null,
            (await server.GraphQLAsync(query, new { p = project }, developer)).GetProperty("project").GetProperty("packagesCleanupPolicy").ValueKind);

        var refused = await server.MutateAsync("updatePackagesCleanupPolicy", new { projectPath = project, keepNDuplicatedPackageFiles = "ONE_PACKAGE_FILE" },
            developer, $"packagesCleanupPolicy {{ {PolicyFields} }} errors");
        Assert.NotEmpty(refused.Errors());
        Assert.Equal(JsonValueKind.Null, refused.GetProperty("packagesCleanupPolicy").ValueKind);

        var before = DateTime.UtcNow;
        var updated = await server.MutateAsync("updatePackagesCleanupPolicy", new { projectPath = project, keepNDuplicatedPackageFiles = "ONE_PACKAGE_FILE" },
            maintainer, $"packagesCleanupPolicy {{ {PolicyFields} }} errors");
        Assert.Empty(updated.Errors());
        var policy = updated.GetProperty("packagesCleanupPolicy");
        Assert.Equal("ONE_PACKAGE_FILE", policy.GetProperty("keepNDuplicatedPackageFiles").GetString());
        // GitLab's fixed cadence: the next run is 12 hours after the save.
        var next = policy.GetProperty("nextRunAt").GetDateTime().ToUniversalTime();
        Assert.InRange(next, before.AddHours(12).AddMinutes(-1), DateTime.UtcNow.AddHours(12).AddMinutes(1));

        var ids = await PublishDuplicatesAsync(server, project);
        var run = await server.MutateAsync("runPackagesCleanupPolicy", new { projectPath = project }, maintainer, "markedPackageFilesCount errors");
        Assert.Empty(run.Errors());
        Assert.Equal(4, run.GetProperty("markedPackageFilesCount").GetInt32());
        Assert.Equal(NewestOfEach(ids), await LiveFileIdsAsync(server, project));
        // Downloads serve the newest file of each name, as before the run.
        Assert.Equal(Encoding.UTF8.GetBytes("1.0.0 a.txt #3"), (await server.DownloadAsync(project, "tool", "1.0.0", "a.txt")).Body);
        Assert.Equal(Encoding.UTF8.GetBytes("2.0.0 a.txt #2"), (await server.DownloadAsync(project, "tool", "2.0.0", "a.txt")).Body);

        // TEN keeps these; ALL turns the policy off.
        await server.MutateAsync("updatePackagesCleanupPolicy", new { projectPath = project, keepNDuplicatedPackageFiles = "TEN_PACKAGE_FILES" }, maintainer);
        Assert.Equal(0, (await server.MutateAsync("runPackagesCleanupPolicy", new { projectPath = project }, maintainer, "markedPackageFilesCount errors"))
            .GetProperty("markedPackageFilesCount").GetInt32());
    }

    [Fact]
    public async Task The_background_job_runs_due_policies_and_schedules_the_next_run_12_hours_on()
    {
        var (server, project, maintainer, _) = await StartAsync(new() { ["Registry:SweepInterval"] = "00:00:00.200" });
        await using var _ = server;
        var ids = await PublishDuplicatesAsync(server, project);
        await server.MutateAsync("updatePackagesCleanupPolicy", new { projectPath = project, keepNDuplicatedPackageFiles = "ONE_PACKAGE_FILE" }, maintainer);
        Assert.Equal(ids.Values.Sum(l => l.Count), (await LiveFileIdsAsync(server, project)).Length); // not due for 12 hours

        // Twelve hours pass.
        await using (var scope = server.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<RegistryDbContext>().PackagesCleanupPolicies
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.NextRunAt, DateTime.UtcNow.AddSeconds(-1)));

        await Eventually.ReturnsAsync(() => LiveFileIdsAsync(server, project), live => live.SequenceEqual(NewestOfEach(ids)),
            "the due policy has kept only the newest file of each name");
        // The run records its next time after it has marked the files: wait for that too.
        await Eventually.ReturnsAsync(async () => (await server.GraphQLAsync($"query($p: ID!) {{ project(fullPath: $p) {{ packagesCleanupPolicy {{ {PolicyFields} }} }} }}",
                new { p = project }, maintainer)).GetProperty("project").GetProperty("packagesCleanupPolicy").GetProperty("nextRunAt").GetDateTime().ToUniversalTime(),
            next => next > DateTime.UtcNow.AddHours(11), "the next run is 12 hours on");
    }

    [Fact]
    public async Task One_instance_at_a_time_holds_the_lifecycle_lease()
    {
        // Two instances on one database: each asks for the lease through its own services and connections.
        await using var first = await RegistryServer.StartAsync();
        var second = await RegistryServer.StartAsync(restartOf: first);
        try
        {
            async Task<bool> TryAcquire(RegistryServer server, string holder, TimeSpan duration)
            {
                await using var scope = server.Services.CreateAsyncScope();
                return await scope.ServiceProvider.GetRequiredService<LeaseService>().TryAcquireAsync("test-lease", holder, duration, CancellationToken.None);
            }
            async Task Release(RegistryServer server, string holder)
            {
                await using var scope = server.Services.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<LeaseService>().ReleaseAsync("test-lease", holder, CancellationToken.None);
            }

            // Forty attempts at once from both instances: exactly one wins.
            var attempts = Enumerable.Range(0, 40).Select(i => Task.Run(() => TryAcquire(i % 2 == 0 ? first : second, $"holder-{i}", TimeSpan.FromMinutes(5))));
            var won = (await Task.WhenAll(attempts)).Select((ok, i) => (ok, i)).Where(x => x.ok).Select(x => x.i).ToList();
            Assert.Single(won);
            var holder = $"holder-{won[0]}";
            Assert.True(await TryAcquire(second, holder, TimeSpan.FromMinutes(5)), "the holder renews its lease");
            Assert.False(await TryAcquire(first, "someone-else", TimeSpan.FromMinutes(5)));
            await Release(first, holder);
            Assert.True(await TryAcquire(first, "someone-else", TimeSpan.FromMilliseconds(1)));
            // An expired lease (its holder died) is free for the taking.
            await Eventually.HoldsAsync(() => TryAcquire(second, "survivor", TimeSpan.FromMinutes(5)), "the expired lease is taken over");
            Assert.False(await TryAcquire(first, "someone-else", TimeSpan.FromMinutes(5)));
        }
        finally
        {
            await second.StopKeepingDataAsync();
        }
    }
}
