using System.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Registry.Schema.Audit;
using Registry.Schema.Data;
using Registry.Schema.Diagnostics;
using Registry.Schema.Lifecycle;
using Registry.Schema.Storage;

namespace Registry.Schema.Packages;

/// <summary>
/// Records stored blobs as package files, a batch at a time (<see cref="PublishBatcher"/>): one transaction for the
/// batch, a savepoint for each upload that may be refused when it is recorded (a duplicate that arrived meanwhile), so
/// that it is rolled back alone while the others commit; any other upload failing runs the batch again with a savepoint
/// for each.
/// </summary>
public sealed class PublishRecorder(
    RegistryDbContext db, IBlobStore blobs, PackageFinder finder, ContentStore contents, AuditLog audit, AuditContext auditContext,
    TimeProvider clock, ILogger<PublishRecorder> log, RegistryMetrics metrics, Hooks.PackageEventRecorder eventRecorder,
    Caching.HotPathCache cache) : IAsyncDisposable
{
    private const string Savepoint = "publish";

    // The write path's lookups run as compiled queries: EF Core otherwise rebuilds, parameterises and hashes each
    // query's expression on every call, which the single writer pays for every upload (docs/performance.md).
    private static readonly Func<RegistryDbContext, long, string, string, CancellationToken, Task<Package?>> GenericPackage =
        EF.CompileAsyncQuery((RegistryDbContext db, long projectId, string name, string version, CancellationToken ct) =>
            db.Packages.AsNoTracking().FirstOrDefault(p => p.ProjectId == projectId && p.PackageType == PackageType.Generic && p.Name == name && p.Version == version));

    private static readonly Func<RegistryDbContext, long, CancellationToken, Task<NamespacePackageSettings?>> Settings =
        EF.CompileAsyncQuery((RegistryDbContext db, long namespaceId, CancellationToken ct) =>
            db.NamespacePackageSettings.AsNoTracking().FirstOrDefault(s => s.NamespaceId == namespaceId));

    // Every upload of a batch writes its file's row and its package's UpdatedAt: plain commands, each prepared once for
    // the batch: SaveChanges was the largest part of the single writer's time (docs/performance.md).
    private PreparedCommand? _insertFile, _touchPackage, _restatePackage, _insertBody;

    /// <summary>What became of one upload of a batch: its recording, or the failure it alone answers with.</summary>
    public readonly record struct Outcome(PublishRecording? Recording, Exception? Failure);

    /// <summary>
    /// Records every upload of <paramref name="batch"/> in one transaction. A failure of the transaction itself (the
    /// commit, a full disk) is thrown and nothing of the batch is recorded; a lost race with another instance runs the
    /// whole batch again.
    /// </summary>
    public async Task<IReadOnlyList<Outcome>> RecordAsync(IReadOnlyList<PendingPublish> batch, CancellationToken ct)
    {
        // The settings are read again: they may have changed while the bodies streamed, and they hold when the files are
        // recorded. Where duplicates are refused (strict), the check and the insert must not interleave with a racing
        // upload of the same name: a serializable transaction (BEGIN IMMEDIATE on SQLite; on PostgreSQL the loser gets a
        // serialization failure and the batch runs again). Where they are allowed, the default isolation does: the
        // content claim, the package and the file commit together, and the claim holds the content blob's row until then.
        var strict = new bool[batch.Count];
        var settings = new Dictionary<long, NamespacePackageSettings?>();
        for (var i = 0; i < batch.Count; i++)
        {
            var cmd = batch[i].Command;
            if (!settings.TryGetValue(cmd.Project.NamespaceId, out var namespaceSettings))
                settings[cmd.Project.NamespaceId] = namespaceSettings = await SettingsAsync(cmd.Project.NamespaceId, ct);
            strict[i] = DuplicatesForbidden(namespaceSettings, cmd);
        }
        db.Database.AutoSavepointsEnabled = false; // an upload that may be refused has a savepoint of its own
        IReadOnlyList<Outcome> outcomes;
        try
        {
            outcomes = await RecordBatchAsync(batch, strict, savepointsForAll: false, ct);
        }
        catch (FailedWithoutSavepoint)
        {
            // Its transaction is rolled back: the batch runs again, each upload under a savepoint, so that the failure
            // is that upload's alone.
            outcomes = await RecordBatchAsync(batch, strict, savepointsForAll: true, ct);
        }
        foreach (var outcome in outcomes)
            if (outcome.Recording is { Result.Created: true }) metrics.Published();
        return outcomes;
    }

    /// <summary>An upload with no savepoint of its own failed: the batch's transaction cannot go on without it.</summary>
    private sealed class FailedWithoutSavepoint(Exception inner) : Exception("An upload of the batch failed", inner);

    /// <param name="savepointsForAll">whether every upload gets a savepoint; otherwise only those an expected refusal may
    /// roll back (duplicates checked, bytes stored by no one), and the failure of another throws
    /// <see cref="FailedWithoutSavepoint"/>: a savepoint made SQLite copy every page the upload changed into its
    /// statement journal (a temporary file once past 64 KiB), for a rollback that almost never comes</param>
    private async Task<IReadOnlyList<Outcome>> RecordBatchAsync(IReadOnlyList<PendingPublish> batch, bool[] strict, bool savepointsForAll,
        CancellationToken ct)
    {
        var several = batch.Count > 1;
        return await db.RetryAsync(async _ =>
        {
            var results = new Outcome[batch.Count];
            // The package events and audit rows of the uploads recorded so far, inserted together just before the
            // batch's commit. An upload rolled back to its savepoint never adds its own, and a batch run again starts with none.
            var events = new List<Hooks.PublishedFileEvent>();
            var audits = new List<AuditEvent>(batch.Count);
            var packages = new Dictionary<(long ProjectId, string Name, string Version), Package>();
            await using var transaction = strict.Contains(true)
                ? await db.Database.BeginTransactionAsync(IsolationLevel.Serializable, ct)
                : await db.Database.BeginTransactionAsync(ct);
            for (var i = 0; i < batch.Count; i++)
            {
                var savepoint = several && (savepointsForAll || strict[i] || batch[i].BlobKey is null);
                if (savepoint) await transaction.CreateSavepointAsync(Savepoint, ct);
                try
                {
                    var (recording, recorded, audited) = await RecordOneAsync(batch[i], strict[i], packages, ct);
                    if (savepoint) await transaction.ReleaseSavepointAsync(Savepoint, ct);
                    results[i] = new Outcome(recording, null);
                    if (recorded is not null) events.Add(recorded);
                    audits.AddRange(audited);
                }
                catch (Exception e) when (several && !RacingInsert.IsLostRace(e))
                {
                    if (!savepoint) throw new FailedWithoutSavepoint(e);
                    await transaction.RollbackToSavepointAsync(Savepoint, ct);
                    packages.Clear(); // what the rolled-back upload did to its package is undone in the database only
                    results[i] = new Outcome(null, e);
                }
                finally
                {
                    db.ChangeTracker.Clear(); // what an upload saved is in the transaction; what it failed to save must not be retried
                }
            }
            await eventRecorder.InsertAsync(events, ct);
            await audit.InsertAsync(audits, ct);
            await transaction.CommitAsync(ct);
            // The file and package rows went past EF's command interceptor (PreparedCommand).
            cache.PackagesChanged();
            return (IReadOnlyList<Outcome>)results;
        }, ct, log);
    }

    /// <summary>Whether the namespace's settings refuse a second file of this name (GitLab's duplicate rule), read from the
    /// database: a change made on any instance holds for the next upload everywhere (MultiInstanceTests).</summary>
    public async Task<bool> DuplicatesForbiddenAsync(PublishCommand cmd, CancellationToken ct) =>
        DuplicatesForbidden(await SettingsAsync(cmd.Project.NamespaceId, ct), cmd);

    /// <summary>Whether <paramref name="settings"/> (the namespace's) refuse a second file of the command's name.</summary>
    public static bool DuplicatesForbidden(NamespacePackageSettings? settings, PublishCommand cmd) =>
        !DuplicatePolicy.DuplicatesAllowed(settings, cmd.Name, cmd.Version);

    /// <summary>The namespace's package settings, untracked.</summary>
    public Task<NamespacePackageSettings?> SettingsAsync(long namespaceId, CancellationToken ct) =>
        Settings(db, namespaceId, ct);

    /// <param name="packages">the packages the batch's uploads read or wrote so far, as they are in its transaction: the
    /// uploads of a batch mostly go to one version, and its row, once written, is this transaction's until the commit</param>
    /// <returns>the result, whether the bytes stored under the upload's key are now referenced, and the upload's package
    /// event (null where no hook wants one) and audit rows for the batch to insert</returns>
    private async Task<(PublishRecording Recording, Hooks.PublishedFileEvent? Event, IReadOnlyList<AuditEvent> Audits)> RecordOneAsync(PendingPublish pending, bool strict,
        Dictionary<(long ProjectId, string Name, string Version), Package> packages, CancellationToken ct)
    {
        var (cmd, digests) = (pending.Command, pending.Digests);
        var now = clock.GetUtcNow().UtcDateTime;
        var key = (cmd.Project.Id, cmd.Name, cmd.Version);
        if (!packages.TryGetValue(key, out var package))
        {
            package = await GenericPackage(db, cmd.Project.Id, cmd.Name, cmd.Version, ct);
            if (package is not null) packages[key] = package;
        }
        var wasHidden = package?.Status == PackageStatus.Hidden;
        var status = package?.Status;
        if (package is null)
        {
            package = new Package
            {
                ProjectId = cmd.Project.Id, PackageType = PackageType.Generic, Name = cmd.Name, Version = cmd.Version,
                Status = cmd.Status ?? PackageStatus.Default, CreatedAt = now, UpdatedAt = now,
            };
            db.Packages.Add(package);
            await db.SaveChangesAsync(ct); // the package's id, for its file; once per version
            // Kept untracked, like the packages read: a later upload of the batch changes it through PreparedCommand,
            // and the batch's next SaveChanges (another new version) must not write those changes again.
            db.Entry(package).State = EntityState.Detached;
            packages[key] = package;
        }
        else
        {
            // Another upload (maybe of this very batch) may have added the same file while this body streamed.
            if (strict && await finder.FindNewestAsync(cmd.Project.Id, cmd.Name, cmd.Version, cmd.FileName, ct) is { Record: var existing })
            {
                if (existing.FileSha256 != digests.Sha256) throw metrics.Refused(UploadRefusal.Duplicate, RegistryError.DuplicateNotAllowed());
                return (new PublishRecording(new PublishResult(existing, Created: false), OwnBytesKept: false), null, []);
            }
            if (package.Status == PackageStatus.PendingDestruction) package.Status = cmd.Status ?? PackageStatus.Default;
            else if (cmd.Status is { } given) package.Status = given;
            package.UpdatedAt = now;
            if (package.Status == status)
            {
                _touchPackage ??= new PreparedCommand(db, """UPDATE "Packages" SET "UpdatedAt" = {0} WHERE "Id" = {1}""",
                    PreparedCommand.Property<Package>(db, nameof(Package.UpdatedAt)), PreparedCommand.Property<Package>(db, nameof(Package.Id)));
                await _touchPackage.NonQueryAsync(ct, now, package.Id);
            }
            else
            {
                // Only when the status changes: the package counts' trigger fires on any write of the column.
                _restatePackage ??= new PreparedCommand(db, """UPDATE "Packages" SET "Status" = {0}, "UpdatedAt" = {1} WHERE "Id" = {2}""",
                    PreparedCommand.Property<Package>(db, nameof(Package.Status)), PreparedCommand.Property<Package>(db, nameof(Package.UpdatedAt)),
                    PreparedCommand.Property<Package>(db, nameof(Package.Id)));
                await _restatePackage.NonQueryAsync(ct, package.Status, now, package.Id);
            }
        }
        var (content, adopted) = await contents.ClaimAsync(digests.Sha256, digests.Length, pending.BlobKey, ct);
        // A small upload's bytes go in with the content blob that adopts them, in this transaction: its commit's one
        // flush makes them durable with the row. Where the digest is stored already, nothing is written.
        if (adopted && pending.Body is { } body) await InsertBodyAsync(content.StorageKey, body, ct);
        var file = new PackageFile
        {
            PackageId = package.Id, Package = package, FileName = cmd.FileName, Size = digests.Length, FileSha256 = digests.Sha256,
            FileSha1 = digests.Sha1, FileMd5 = digests.Md5, BlobKey = content.StorageKey, ContentBlobId = content.Id,
            Status = PackageFileStatus.Default, CreatedAt = now, UpdatedAt = now,
        };
        file.Id = await InsertFileAsync(file, ct);
        auditContext.IpAddress = pending.IpAddress;
        var audits = Audit(cmd, package, file, hidden: !wasHidden && package.Status == PackageStatus.Hidden);
        var published = await eventRecorder.FilePublishedEventAsync(cmd.Actor, cmd.Project, package, file, ct);
        return (new PublishRecording(new PublishResult(PackageFileRecord.From(file, package, blobs.FileStore), Created: true), adopted), published, audits);
    }

    private async Task<long> InsertFileAsync(PackageFile file, CancellationToken ct)
    {
        _insertFile ??= PreparedCommand.Insert<PackageFile>(db, FileColumns, """ RETURNING "Id" """);
        return Convert.ToInt64(await _insertFile.ScalarAsync(ct,
            file.PackageId, file.FileName, file.Size, file.FileSha256, file.FileSha1, file.FileMd5, file.BlobKey, file.ContentBlobId,
            file.Status, file.CreatedAt, file.UpdatedAt));
    }

    private Task<int> InsertBodyAsync(string storageKey, byte[] data, CancellationToken ct)
    {
        _insertBody ??= new PreparedCommand(db, """INSERT INTO "ContentBodies" ("StorageKey", "Data") VALUES ({0}, {1})""",
            PreparedCommand.Property<ContentBody>(db, nameof(ContentBody.StorageKey)), PreparedCommand.Property<ContentBody>(db, nameof(ContentBody.Data)));
        return _insertBody.NonQueryAsync(ct, storageKey, data);
    }

    private static readonly string[] FileColumns =
    [
        nameof(PackageFile.PackageId), nameof(PackageFile.FileName), nameof(PackageFile.Size), nameof(PackageFile.FileSha256),
        nameof(PackageFile.FileSha1), nameof(PackageFile.FileMd5), nameof(PackageFile.BlobKey), nameof(PackageFile.ContentBlobId),
        nameof(PackageFile.Status), nameof(PackageFile.CreatedAt), nameof(PackageFile.UpdatedAt),
    ];

    public async ValueTask DisposeAsync()
    {
        foreach (var command in new[] { _insertFile, _touchPackage, _restatePackage, _insertBody })
            if (command is not null) await command.DisposeAsync();
    }

    private List<AuditEvent> Audit(PublishCommand cmd, Package package, PackageFile file, bool hidden)
    {
        var entity = AuditEntity.For(cmd.Project);
        var details = new Dictionary<string, object?>
        {
            ["package_name"] = package.Name, ["package_version"] = package.Version, ["file_name"] = file.FileName,
            ["size"] = file.Size, ["file_sha256"] = file.FileSha256,
        };
        List<AuditEvent> events = [audit.Build(cmd.Actor, entity, AuditEventNames.PackagePublished,
            new AuditTarget("Packages::PackageFile", file.Id, $"{package.Name}/{package.Version}/{file.FileName}"), details)];
        if (hidden)
            events.Add(audit.Build(cmd.Actor, entity, AuditEventNames.PackageHidden,
                new AuditTarget("Packages::Package", package.Id, $"{package.Name}/{package.Version}"), details));
        return events;
    }
}
