using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Registry.Schema.Packages;

/// <summary>
/// Group commit of uploads: the one writer that records package files. Uploads whose bytes are stored wait here, and
/// those that finish together are recorded in one transaction with one flush of the database's log
/// (<see cref="PublishRecorder.RecordAsync"/>), instead of one transaction and one flush each: on SQLite every
/// transaction held the database's only write lock through its own flush. Each upload is answered only after the
/// commit of its own batch, so a 201 still means its file and row are durable.
/// </summary>
public sealed class PublishBatcher : IAsyncDisposable
{
    /// <summary>The most uploads one transaction records: it bounds how long one batch holds the write lock.</summary>
    public const int MaxBatch = 64;

    private readonly Channel<PendingPublish> _queue = Channel.CreateUnbounded<PendingPublish>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IServiceScopeFactory _scopes;
    private readonly ILogger<PublishBatcher> _log;
    private readonly TimeSpan _acknowledgementDelay;
    private readonly Task _writer;

    public PublishBatcher(IServiceScopeFactory scopes, IOptions<RegistryOptions> options, ILogger<PublishBatcher> log)
    {
        _scopes = scopes;
        _log = log;
        _acknowledgementDelay = options.Value.PublishAcknowledgementDelay;
        _writer = Task.Run(WriteAsync);
    }

    /// <summary>Records the blob as a package file once its batch commits (the caller's cancellation does not apply:
    /// the bytes are stored, and a file must not be half-recorded because a client went away).</summary>
    public Task<PublishRecording> RecordAsync(PendingPublish pending)
    {
        if (!_queue.Writer.TryWrite(pending)) throw new ObjectDisposedException(nameof(PublishBatcher));
        return pending.Done.Task;
    }

    private async Task WriteAsync()
    {
        var batch = new List<PendingPublish>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending)) batch.Add(pending);
            try
            {
                await using var scope = _scopes.CreateAsyncScope();
                var outcomes = await scope.ServiceProvider.GetRequiredService<PublishRecorder>().RecordAsync(batch, CancellationToken.None);
                _log.LogDebug("Committed a batch of {Count} uploads", batch.Count);
                if (_acknowledgementDelay > TimeSpan.Zero) _ = AcknowledgeLaterAsync([.. batch], outcomes);
                else Acknowledge(batch, outcomes);
            }
            catch (Exception e)
            {
                // The batch did not commit: nothing of it is recorded, and each upload answers with the failure.
                foreach (var pending in batch) pending.Done.TrySetException(e);
            }
        }
    }

    private static void Acknowledge(IReadOnlyList<PendingPublish> batch, IReadOnlyList<PublishRecorder.Outcome> outcomes)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            if (outcomes[i].Failure is { } failure) batch[i].Done.TrySetException(failure);
            else batch[i].Done.TrySetResult(outcomes[i].Recording!);
        }
    }

    /// <summary>The fault tests' window between a commit and its answers; the writer goes on with the next batches.</summary>
    private async Task AcknowledgeLaterAsync(IReadOnlyList<PendingPublish> batch, IReadOnlyList<PublishRecorder.Outcome> outcomes)
    {
        await Task.Delay(_acknowledgementDelay);
        Acknowledge(batch, outcomes);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }
}
