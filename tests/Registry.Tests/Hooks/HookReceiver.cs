using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Registry.Tests.Hooks;

/// <summary>One request a receiver got.</summary>
public sealed record ReceivedHook(Dictionary<string, string> Headers, string Body, DateTime At);

/// <summary>
/// A webhook receiver: Kestrel on 127.0.0.1 that records every request and answers what <see cref="Answer"/> says.
/// Its port is chosen before it starts, so a test can register a hook to a receiver that is down and start it later.
/// </summary>
public sealed class HookReceiver : IAsyncDisposable
{
    private WebApplication? _app;

    public int Port { get; } = FreePort();
    public string Url => $"http://127.0.0.1:{Port}/hook";
    public ConcurrentQueue<ReceivedHook> Received { get; } = new();
    /// <summary>The status to answer (and whether to stall), asked per request.</summary>
    public Func<ReceivedHook, int> Answer { get; set; } = _ => 200;

    public static async Task<HookReceiver> StartedAsync()
    {
        var receiver = new HookReceiver();
        await receiver.StartAsync();
        return receiver;
    }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{Port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(async http =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var hook = new ReceivedHook(http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                await reader.ReadToEndAsync(), DateTime.UtcNow);
            Received.Enqueue(hook);
            http.Response.StatusCode = Answer(hook);
            await http.Response.WriteAsync("received");
        });
        await app.StartAsync();
        _app = app;
    }

    public async Task StopAsync()
    {
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
        _app = null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}
