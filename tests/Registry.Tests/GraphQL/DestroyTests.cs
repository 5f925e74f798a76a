using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.GraphQL;

/// <summary>The destroy mutations: who may, limits, and that a destroyed thing vanishes from downloads, lists and disk.</summary>
public sealed class DestroyTests(DestroyTests.Fixture fixture) : IClassFixture<DestroyTests.Fixture>
{
    private RegistryServer Server => fixture.Server;

    public sealed class Fixture : IAsyncLifetime
    {
        public RegistryServer Server { get; private set; } = null!;
        public string Developer { get; private set; } = "";
        public string Maintainer { get; private set; } = "";

        public async Task InitializeAsync()
        {
            Server = await RegistryServer.StartAsync();
            await Server.CreateGroupAsync("del");
            Developer = await Server.CreateUserWithTokenAsync("del-dev");
            Maintainer = await Server.CreateUserWithTokenAsync("del-maint");
            await Server.AddGroupMemberAsync("del", "del-dev", "DEVELOPER");
            await Server.AddGroupMemberAsync("del", "del-maint", "MAINTAINER");
        }

        public Task DisposeAsync() => Server.DisposeAsync().AsTask();
    }

    private async Task<JsonElement> MutateAsync(string mutation, object input, string token)
    {
        var data = await Server.GraphQLAsync($"mutation($i: {mutation[..1].ToUpperInvariant()}{mutation[1..]}Input!) {{ {mutation}(input: $i) {{ errors clientMutationId }} }}",
            new { i = input }, token);
        return data.GetProperty(mutation);
    }

    private async Task<string[]> ListedNamesAsync(string project)
    {
        var data = await Server.GraphQLAsync("query($p: ID!) { project(fullPath: $p) { packages(first: 100) { nodes { name } } } }", new { p = project });
        return data.GetProperty("project").GetProperty("packages").GetProperty("nodes").Strings("name");
    }

    private async Task<(string Id, string FileName)[]> FilesAsync(string packageGid)
    {
        var data = await Server.GraphQLAsync("query($id: PackagesPackageID!) { package(id: $id) { packageFiles { nodes { id fileName } } } }", new { id = packageGid });
        var package = data.GetProperty("package");
        if (package.ValueKind == JsonValueKind.Null) return [];
        return package.GetProperty("packageFiles").GetProperty("nodes").EnumerateArray()
            .Select(n => (n.GetProperty("id").GetString()!, n.GetProperty("fileName").GetString()!)).ToArray();
    }

    private async Task<int> FileCountAsync(string packageGid)
    {
        var data = await Server.GraphQLAsync("query($id: PackagesPackageID!) { package(id: $id) { packageFiles { count } } }", new { id = packageGid });
        return data.GetProperty("package").GetProperty("packageFiles").GetProperty("count").GetInt32();
    }

    private async Task<byte[]> PublishUniqueAsync(string project, string name, string file = "file.bin")
    {
        var content = RandomNumberGenerator.GetBytes(257);
        await Server.PublishAsync(project, name, "1.0.0", file, content);
        Assert.Single(await Server.BlobsWithContentAsync(content));
        return content;
    }

    private async Task AssertDownloadableAsync(string project, string name, string file, byte[] content)
    {
        var (status, body) = await Server.DownloadAsync(project, name, "1.0.0", file);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(content, body);
    }

    private async Task AssertNotDownloadableAsync(string project, string name, string file)
    {
        var (status, _) = await Server.DownloadAsync(project, name, "1.0.0", file);
        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task DestroyPackage_developer_refused_maintainer_allowed_and_everything_goes()
    {
        await Server.CreateProjectAsync("del", "one");
        var content = await PublishUniqueAsync("del/one", "doomed");
        var keep = await PublishUniqueAsync("del/one", "kept");
        var gid = await Server.PackageGidAsync("del/one", "doomed");

        var refused = await MutateAsync("destroyPackage", new { id = gid, clientMutationId = "x1" }, fixture.Developer);
        Assert.NotEmpty(refused.Errors());
        Assert.Equal("x1", refused.GetProperty("clientMutationId").GetString());
        await AssertDownloadableAsync("del/one", "doomed", "file.bin", content);
        Assert.Contains("doomed", await ListedNamesAsync("del/one"));

        var done = await MutateAsync("destroyPackage", new { id = gid }, fixture.Maintainer);
        Assert.Empty(done.Errors());
        await AssertNotDownloadableAsync("del/one", "doomed", "file.bin");
        Assert.Equal(["kept"], await ListedNamesAsync("del/one"));
        var byId = await Server.GraphQLAsync("query($id: PackagesPackageID!) { package(id: $id) { id } }", new { id = gid });
        Assert.Equal(JsonValueKind.Null, byId.GetProperty("package").ValueKind);
        await Server.AssertBlobsGoneAsync(content);

        await AssertDownloadableAsync("del/one", "kept", "file.bin", keep);
        Assert.Single(await Server.BlobsWithContentAsync(keep));

        // Destroying it again finds nothing.
        Assert.NotEmpty((await MutateAsync("destroyPackage", new { id = gid }, fixture.Maintainer)).Errors());
    }

    [Fact]
    public async Task DestroyPackages_refuses_more_than_20_and_destroys_several()
    {
        await Server.CreateProjectAsync("del", "many");
        var a = await PublishUniqueAsync("del/many", "pa");
        var b = await PublishUniqueAsync("del/many", "pb");
        var c = await PublishUniqueAsync("del/many", "pc");
        var ids = new[] { await Server.PackageGidAsync("del/many", "pa"), await Server.PackageGidAsync("del/many", "pb") };

        Assert.NotEmpty((await MutateAsync("destroyPackages", new { ids }, fixture.Developer)).Errors());
        await AssertDownloadableAsync("del/many", "pa", "file.bin", a);
        await AssertDownloadableAsync("del/many", "pb", "file.bin", b);

        Assert.Empty((await MutateAsync("destroyPackages", new { ids }, fixture.Maintainer)).Errors());
        await AssertNotDownloadableAsync("del/many", "pa", "file.bin");
        await AssertNotDownloadableAsync("del/many", "pb", "file.bin");
        Assert.Equal(["pc"], await ListedNamesAsync("del/many"));
        await Server.AssertBlobsGoneAsync(a);
        await Server.AssertBlobsGoneAsync(b);
        await AssertDownloadableAsync("del/many", "pc", "file.bin", c);
    }

    [Fact]
    public async Task DestroyPackages_takes_20_real_ids_and_refuses_21_with_gitlabs_message()
    {
        // Every id exists and may be destroyed: only the limit can refuse the 21.
        await Server.CreateProjectAsync("del", "limit");
        var names = Enumerable.Range(0, 21).Select(i => $"lim{i:D2}").ToArray();
        foreach (var name in names) await Server.PublishAsync("del/limit", name, "1.0.0");
        var ids = new List<string>();
        foreach (var name in names) ids.Add(await Server.PackageGidAsync("del/limit", name));

        var refused = await MutateAsync("destroyPackages", new { ids }, fixture.Maintainer);
        Assert.Equal(["Cannot delete more than 20 packages at once"], refused.Errors());
        Assert.Equal(names, (await ListedNamesAsync("del/limit")).Order());

        Assert.Empty((await MutateAsync("destroyPackages", new { ids = ids.Take(20) }, fixture.Maintainer)).Errors());
        Assert.Equal([names[20]], await ListedNamesAsync("del/limit"));
    }

    [Fact]
    public async Task DestroyPackages_with_one_unreadable_id_destroys_nothing()
    {
        await Server.CreateProjectAsync("del", "mixed");
        await Server.CreateGroupAsync("del-foreign");
        await Server.CreateProjectAsync("del-foreign", "app");
        var mine = await PublishUniqueAsync("del/mixed", "mine");
        var foreign = await PublishUniqueAsync("del-foreign/app", "foreign");
        var ids = new[] { await Server.PackageGidAsync("del/mixed", "mine"), await Server.PackageGidAsync("del-foreign/app", "foreign") };

        Assert.NotEmpty((await MutateAsync("destroyPackages", new { ids }, fixture.Maintainer)).Errors());
        await AssertDownloadableAsync("del/mixed", "mine", "file.bin", mine);
        await AssertDownloadableAsync("del-foreign/app", "foreign", "file.bin", foreign);
    }

    [Fact]
    public async Task DestroyPackageFile_removes_one_file_and_keeps_the_others()
    {
        await Server.CreateProjectAsync("del", "files");
        var a = await PublishUniqueAsync("del/files", "two-files", "a.bin");
        var b = await PublishUniqueAsync("del/files", "two-files", "b.bin");
        var package = await Server.PackageGidAsync("del/files", "two-files");
        var fileA = (await FilesAsync(package)).Single(f => f.FileName == "a.bin").Id;

        Assert.NotEmpty((await MutateAsync("destroyPackageFile", new { id = fileA }, fixture.Developer)).Errors());
        await AssertDownloadableAsync("del/files", "two-files", "a.bin", a);

        Assert.Empty((await MutateAsync("destroyPackageFile", new { id = fileA }, fixture.Maintainer)).Errors());
        await AssertNotDownloadableAsync("del/files", "two-files", "a.bin");
        Assert.Equal(["b.bin"], (await FilesAsync(package)).Select(f => f.FileName));
        Assert.Contains("two-files", await ListedNamesAsync("del/files"));
        await Server.AssertBlobsGoneAsync(a);
        await AssertDownloadableAsync("del/files", "two-files", "b.bin", b);
    }

    [Fact]
    public async Task DestroyPackageFiles_limits_project_scope_and_permissions()
    {
        await Server.CreateProjectAsync("del", "bulk");
        await Server.CreateProjectAsync("del", "other");
        var x = await PublishUniqueAsync("del/bulk", "bulk-pkg", "x.bin");
        var y = await PublishUniqueAsync("del/bulk", "bulk-pkg", "y.bin");
        var z = await PublishUniqueAsync("del/bulk", "bulk-pkg", "z.bin");
        var elsewhere = await PublishUniqueAsync("del/other", "other-pkg", "o.bin");
        var files = await FilesAsync(await Server.PackageGidAsync("del/bulk", "bulk-pkg"));
        var xy = files.Where(f => f.FileName is "x.bin" or "y.bin").Select(f => f.Id).ToArray();
        var otherFile = (await FilesAsync(await Server.PackageGidAsync("del/other", "other-pkg"))).Single().Id;

        // An id from another project is refused, and nothing is destroyed.
        var foreign = (string[])[.. xy, otherFile];
        var foreignErrors = (await MutateAsync("destroyPackageFiles", new { projectPath = "del/bulk", ids = foreign }, fixture.Maintainer)).Errors();
        Assert.NotEmpty(foreignErrors);
        // ...with the answer a missing id gets, so it does not reveal that the other project's file exists.
        var missingErrors = (await MutateAsync("destroyPackageFiles", new { projectPath = "del/bulk", ids = (string[])[.. xy, "gid://gitlab/Packages::PackageFile/999999"] }, fixture.Maintainer)).Errors();
        Assert.Equal(missingErrors, foreignErrors);
        await AssertDownloadableAsync("del/bulk", "bulk-pkg", "x.bin", x);
        await AssertDownloadableAsync("del/other", "other-pkg", "o.bin", elsewhere);

        Assert.NotEmpty((await MutateAsync("destroyPackageFiles", new { projectPath = "del/bulk", ids = xy }, fixture.Developer)).Errors());
        await AssertDownloadableAsync("del/bulk", "bulk-pkg", "x.bin", x);
        await AssertDownloadableAsync("del/bulk", "bulk-pkg", "y.bin", y);

        Assert.Empty((await MutateAsync("destroyPackageFiles", new { projectPath = "del/bulk", ids = xy }, fixture.Maintainer)).Errors());
        await AssertNotDownloadableAsync("del/bulk", "bulk-pkg", "x.bin");
        await AssertNotDownloadableAsync("del/bulk", "bulk-pkg", "y.bin");
        Assert.Equal(["z.bin"], (await FilesAsync(await Server.PackageGidAsync("del/bulk", "bulk-pkg"))).Select(f => f.FileName));
        await Server.AssertBlobsGoneAsync(x);
        await Server.AssertBlobsGoneAsync(y);
        await AssertDownloadableAsync("del/bulk", "bulk-pkg", "z.bin", z);
        await AssertDownloadableAsync("del/other", "other-pkg", "o.bin", elsewhere);
    }

    [Fact]
    public async Task DestroyPackageFiles_takes_100_real_ids_and_refuses_101_with_gitlabs_message()
    {
        const string mutation = "destroyPackageFiles", path = "del/file-limit";
        await Server.CreateProjectAsync("del", "file-limit");
        var files = new List<string>();
        for (var i = 0; i < 101; i++)
            files.Add($"gid://gitlab/Packages::PackageFile/{(await Server.PublishAsync(path, "many-files", "1.0.0", $"f{i:D3}.txt", "x")).GetProperty("id").GetInt64()}");

        var refused = await MutateAsync(mutation, new { projectPath = path, ids = files }, fixture.Maintainer);
        Assert.Equal(["Cannot delete more than 100 files at once"], refused.Errors());
        Assert.Equal(101, await FileCountAsync(await Server.PackageGidAsync(path, "many-files")));

        Assert.Empty((await MutateAsync(mutation, new { projectPath = path, ids = files.Take(100) }, fixture.Maintainer)).Errors());
        Assert.Equal(["f100.txt"], (await FilesAsync(await Server.PackageGidAsync(path, "many-files"))).Select(f => f.FileName));
    }

    [Fact]
    public async Task A_destroyed_package_can_be_published_again()
    {
        await Server.CreateProjectAsync("del", "again");
        var first = await PublishUniqueAsync("del/again", "phoenix");
        Assert.Empty((await MutateAsync("destroyPackage", new { id = await Server.PackageGidAsync("del/again", "phoenix") }, fixture.Maintainer)).Errors());
        await Server.AssertBlobsGoneAsync(first);

        var second = await PublishUniqueAsync("del/again", "phoenix");
        await AssertDownloadableAsync("del/again", "phoenix", "file.bin", second);
        Assert.Equal(["phoenix"], await ListedNamesAsync("del/again"));
    }
}

/// <summary>A deletion interrupted before its blobs were removed is finished by the next start.</summary>
public sealed class InterruptedDestroyTests
{
    [Fact]
    public async Task Marked_files_are_swept_after_a_restart()
    {
        var content = System.Security.Cryptography.RandomNumberGenerator.GetBytes(333);
        // First life: no background sweeper, so the destroy only marks the rows (as if the process died right after).
        var first = await RegistryServer.StartAsync(configureServices: services =>
            services.Remove(services.Single(d => d.ServiceType == typeof(Microsoft.Extensions.Hosting.IHostedService)
                && d.ImplementationType == typeof(Registry.Server.Storage.DestroyedFileSweeper))));
        string dataPath = first.DataPath;
        try
        {
            await first.CreateGroupAsync("crash");
            await first.CreateProjectAsync("crash", "app");
            await first.PublishAsync("crash/app", "gone", "1.0.0", "f.bin", content);
            var gid = await first.PackageGidAsync("crash/app", "gone");
            var data = await first.GraphQLAsync("mutation($i: DestroyPackageInput!) { destroyPackage(input: $i) { errors } }", new { i = new { id = gid } });
            Assert.Empty(data.GetProperty("destroyPackage").Errors());
            Assert.Equal(HttpStatusCode.NotFound, (await first.DownloadAsync("crash/app", "gone", "1.0.0", "f.bin")).Status);
            // Marked, not removed: with no sweeper running nothing else deletes, so no wait is needed to see that.
            Assert.Equal((1, 1), await MarkedRowsAsync(first));
            Assert.Single(await first.BlobsWithContentAsync(content));
            await first.StopKeepingDataAsync();

            // Second life on the same data: the sweep at start removes the blob and the rows.
            await using var second = await RegistryServer.StartAsync(restartOf: first);
            await second.AssertBlobsGoneAsync(content);
            Assert.Equal(HttpStatusCode.NotFound, (await second.DownloadAsync("crash/app", "gone", "1.0.0", "f.bin")).Status);
            await Eventually.HoldsAsync(async () => await RowsAsync(second) is (0, 0), "the destroyed package's rows are removed");
        }
        finally
        {
            await first.DisposeAsync();
        }
    }

    private static async Task<(int Packages, int Files)> MarkedRowsAsync(RegistryServer server)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Registry.Schema.Data.RegistryDbContext>();
        return (await db.Packages.CountAsync(p => p.Status == Registry.Schema.Packages.PackageStatus.PendingDestruction),
            await db.PackageFiles.CountAsync(f => f.Status == Registry.Schema.Packages.PackageFileStatus.PendingDestruction));
    }

    private static async Task<(int Packages, int Files)> RowsAsync(RegistryServer server)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Registry.Schema.Data.RegistryDbContext>();
        return (await db.Packages.CountAsync(), await db.PackageFiles.CountAsync());
    }
}
