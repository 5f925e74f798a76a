using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Registry.Schema.Data;

namespace Registry.Tests.Infrastructure;

/// <summary>What a server holds: package rows, package-file rows and blob files. Equal snapshots mean nothing was created.</summary>
public sealed record StoreSnapshot(int Packages, int PackageFiles, int Blobs)
{
    public static async Task<StoreSnapshot> TakeAsync(RegistryServer server)
    {
        using var scope = server.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var blobCount = (await TestBackend.BlobKeysAsync(server)).Count + await TestBackend.UnfinishedWritesAsync(server);
        return new StoreSnapshot(await db.Packages.CountAsync(), await db.PackageFiles.CountAsync(), blobCount);
    }

    /// <summary>The stored package of a project with that name and version, if any.</summary>
    public static async Task<Registry.Schema.Packages.Package?> FindPackageAsync(RegistryServer server, long projectId, string name, string version)
    {
        using var scope = server.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        return await db.Packages.AsNoTracking().Include(p => p.Files)
            .FirstOrDefaultAsync(p => p.ProjectId == projectId && p.Name == name && p.Version == version);
    }
}

/// <summary>One server with one private project <c>fixture-group/app</c>, for tests that only need somewhere to publish.</summary>
public sealed class ProjectFixture : IAsyncLifetime
{
    public const string ProjectPath = "fixture-group/app";
    public RegistryServer Server { get; private set; } = null!;
    public long ProjectId { get; private set; }

    public async Task InitializeAsync()
    {
        Server = await RegistryServer.StartAsync();
        await Server.CreateGroupAsync("fixture-group");
        ProjectId = await Server.CreateProjectAsync("fixture-group", "app");
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
