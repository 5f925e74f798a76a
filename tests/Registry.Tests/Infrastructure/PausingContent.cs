using System.Net;

namespace Registry.Tests.Infrastructure;

/// <summary>
/// A body that sends its first <paramref name="half"/> bytes, says so, and sends the same again when told: an upload
/// held in flight. Choose a half larger than loopback's socket buffers (16 MiB) to know the server is reading the body.
/// </summary>
public sealed class PausingContent(int half, TaskCompletionSource halfSent, TaskCompletionSource goOn) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        var chunk = new byte[64 * 1024];
        Random.Shared.NextBytes(chunk);
        for (var sent = 0; sent < half; sent += chunk.Length) await stream.WriteAsync(chunk);
        await stream.FlushAsync();
        halfSent.SetResult();
        await goOn.Task;
        for (var sent = 0; sent < half; sent += chunk.Length) await stream.WriteAsync(chunk);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 2L * half;
        return true;
    }
}
