using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Registry.Schema.Data;
using Registry.Schema.Identity;
using Registry.Schema.Packages;
using Registry.Schema.Storage;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Generic;

/// <summary>
/// The uploads of one publish batch to one version share what they read of its package row
/// (<see cref="PublishRecorder"/>). An upload refused after it wrote that row is rolled back to its savepoint, and the
/// uploads after it in the batch must go on from the row as the database has it again, not as the refused one left it.
/// </summary>
public sealed class PublishBatchTests
{
    [Fact]
    public async Task An_upload_refused_after_creating_its_version_leaves_the_next_one_of_the_batch_to_create_it()
    {
        await using var batch = await Batch.StartAsync();
        var (db, projectId, services) = (batch.Db, batch.ProjectId, batch.Services);

        // The first creates the version, then finds its bytes gone (it stored none, and no blob of its digest is live).
        var outcomes = await services.GetRequiredService<PublishRecorder>().RecordAsync(
            [batch.Pending("gone.bin", 'a', key: null), batch.Pending("kept.bin", 'b', key: PackagePublisher.NewBlobKey())], CancellationToken.None);

        Assert.IsType<ContentNotStoredException>(outcomes[0].Failure);
        Assert.Null(outcomes[1].Failure);
        var recorded = outcomes[1].Recording!.Result.Record;
        db.ChangeTracker.Clear();
        var package = await db.Packages.AsNoTracking().SingleAsync(p => p.ProjectId == projectId);
        Assert.Equal(package.Id, recorded.PackageId);
        Assert.Equal(["kept.bin"], await db.PackageFiles.AsNoTracking().Where(f => f.PackageId == package.Id).Select(f => f.FileName).ToListAsync());
    }

    /// <summary>
    /// An upload whose bytes are its own and whose name no duplicate rule guards is recorded without a savepoint; when
    /// it fails all the same (here its file's row is refused: it has no name), the batch runs again with savepoints, and
    /// the failure is that upload's alone: the others of the batch are recorded once.
    /// </summary>
    [Fact]
    public async Task An_upload_failing_without_a_savepoint_fails_alone()
    {
        await using var batch = await Batch.StartAsync();
        var (db, projectId, services) = (batch.Db, batch.ProjectId, batch.Services);
        PendingPublish Pending(string file, char digit) => batch.Pending(file, digit, PackagePublisher.NewBlobKey());

        var outcomes = await services.GetRequiredService<PublishRecorder>().RecordAsync(
            [Pending("first.bin", 'a'), Pending(null!, 'b'), Pending("last.bin", 'c')], CancellationToken.None);

        Assert.Null(outcomes[0].Failure);
        Assert.NotNull(outcomes[1].Failure);
        Assert.Null(outcomes[2].Failure);
        db.ChangeTracker.Clear();
        var package = await db.Packages.AsNoTracking().SingleAsync(p => p.ProjectId == projectId);
        Assert.Equal(["first.bin", "last.bin"],
            await db.PackageFiles.AsNoTracking().Where(f => f.PackageId == package.Id).OrderBy(f => f.Id).Select(f => f.FileName).ToListAsync());
        Assert.Equal(2, await db.ContentBlobs.AsNoTracking().CountAsync(b => b.Sha256 == new string('a', 64) || b.Sha256 == new string('c', 64)));
        Assert.Equal(0, await db.ContentBlobs.AsNoTracking().CountAsync(b => b.Sha256 == new string('b', 64)));
    }

    /// <summary>A server with a project, and the publish batch's uploads of one version of it, as the recorder takes them.</summary>
    private sealed class Batch : IAsyncDisposable
    {
        private RegistryServer _server = null!;
        private AsyncServiceScope _scope;
        private Actor _actor = null!;
        private Project _project = null!;

        public IServiceProvider Services => _scope.ServiceProvider;
        public RegistryDbContext Db { get; private set; } = null!;
        public long ProjectId => _project.Id;

        public static async Task<Batch> StartAsync()
        {
            var batch = new Batch { _server = await RegistryServer.StartAsync() };
            var projectId = await batch._server.CreateUniqueProjectAsync("batch");
            batch._scope = batch._server.Services.CreateAsyncScope();
            batch.Db = batch.Services.GetRequiredService<RegistryDbContext>();
            batch._project = await batch.Db.Projects.AsNoTracking().SingleAsync(p => p.Id == projectId);
            var root = await batch.Db.Users.AsNoTracking().SingleAsync(u => u.Username == "root");
            batch._actor = new Actor(ActorKind.User, root, TokenScopes.Api);
            return batch;
        }

        public PendingPublish Pending(string file, char digit, string? key) =>
            new(new PublishCommand(_actor, _project, "batch", "1.0.0", file, null, 1), new ContentDigests(new string(digit, 64), null, null, 1), key, null);

        public async ValueTask DisposeAsync()
        {
            await _scope.DisposeAsync();
            await _server.DisposeAsync();
        }
    }
}
