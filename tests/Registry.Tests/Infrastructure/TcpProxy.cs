using System.Net;
using System.Net.Sockets;

namespace Registry.Tests.Infrastructure;

/// <summary>
/// A TCP forwarder on 127.0.0.1 to another loopback port, which a test can cut (every connection closed, new ones
/// refused) and restore on the same port: a database server going away and coming back, for one server under test only.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly int _targetPort;
    private readonly List<Socket> _open = [];
    private Socket? _listener;
    private Task? _accepting;

    public int Port { get; }

    public TcpProxy(int targetPort)
    {
        _targetPort = targetPort;
        Listen(0);
        Port = ((IPEndPoint)_listener!.LocalEndPoint!).Port;
    }

    private void Listen(int port)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        listener.Listen(64);
        _listener = listener;
        _accepting = AcceptAsync(listener);
    }

    private async Task AcceptAsync(Socket listener)
    {
        while (true)
        {
            Socket client;
            try { client = await listener.AcceptAsync(); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { return; }
            var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try { await upstream.ConnectAsync(IPAddress.Loopback, _targetPort); }
            catch (SocketException) { client.Dispose(); upstream.Dispose(); continue; }
            lock (_open) _open.AddRange([client, upstream]);
            _ = PumpAsync(client, upstream);
            _ = PumpAsync(upstream, client);
        }
    }

    private static async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer);
                if (n == 0) break;
                await to.SendAsync(buffer.AsMemory(0, n));
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        from.Dispose();
        to.Dispose();
    }

    /// <summary>Closes the listener and every forwarded connection: the target looks stopped.</summary>
    public async Task CutAsync()
    {
        _listener?.Dispose();
        if (_accepting is not null) await _accepting;
        _listener = null;
        lock (_open)
        {
            foreach (var s in _open) s.Dispose();
            _open.Clear();
        }
    }

    /// <summary>Listens again on the same port.</summary>
    public void Restore() => Listen(Port);

    public async ValueTask DisposeAsync() => await CutAsync();
}
