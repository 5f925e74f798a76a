using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Registry.Tests.Infrastructure;

/// <summary>A response read off the wire: status, headers (names lower-cased) and the de-chunked body.</summary>
public sealed record RawResponse(HttpStatusCode StatusCode, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Text => Encoding.UTF8.GetString(Body);
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var v) ? v : null;
}

/// <summary>
/// HTTP/1.1 over a plain socket, the request target written exactly as given: what <c>curl --path-as-is</c> sends.
/// <see cref="HttpClient"/> and <see cref="Uri"/> would collapse <c>..</c> and unescape <c>%2e</c>, hiding what a
/// hostile client can really send.
/// </summary>
public static class RawHttp
{
    public static async Task<RawResponse> SendAsync(Uri baseAddress, string method, string target,
        IDictionary<string, string>? headers = null, byte[]? body = null)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(baseAddress.Host, baseAddress.Port);
        await using var stream = tcp.GetStream();

        var request = new StringBuilder();
        request.Append($"{method} {target} HTTP/1.1\r\n");
        request.Append($"Host: {baseAddress.Authority}\r\n");
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) request.Append($"{name}: {value}\r\n");
        if (body is not null || method is "PUT" or "POST") request.Append($"Content-Length: {body?.Length ?? 0}\r\n");
        request.Append("Connection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()));
        if (body is { Length: > 0 }) await stream.WriteAsync(body);
        await stream.FlushAsync();

        using var received = new MemoryStream();
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            try { await stream.CopyToAsync(received, cts.Token); }
            catch (IOException) when (received.Length > 0) { } // the server may reset after answering early
        }
        return Parse(received.ToArray());
    }

    public static Task<RawResponse> PutAsync(Uri baseAddress, string target, string token, byte[] body) =>
        SendAsync(baseAddress, "PUT", target, new Dictionary<string, string> { ["PRIVATE-TOKEN"] = token }, body);

    public static Task<RawResponse> GetAsync(Uri baseAddress, string target, string token) =>
        SendAsync(baseAddress, "GET", target, new Dictionary<string, string> { ["PRIVATE-TOKEN"] = token });

    private static RawResponse Parse(byte[] raw)
    {
        var headerEnd = IndexOf(raw, "\r\n\r\n"u8.ToArray(), 0);
        if (headerEnd < 0) throw new InvalidOperationException("No complete HTTP response: " + Encoding.ASCII.GetString(raw));
        var lines = Encoding.ASCII.GetString(raw, 0, headerEnd).Split("\r\n");
        var status = (HttpStatusCode)int.Parse(lines[0].Split(' ')[1]);
        var headers = new Dictionary<string, string>();
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            var name = line[..colon].Trim().ToLowerInvariant();
            var value = line[(colon + 1)..].Trim();
            headers[name] = headers.TryGetValue(name, out var prior) ? prior + ", " + value : value;
        }
        var body = raw.AsSpan(headerEnd + 4).ToArray();
        if (headers.TryGetValue("transfer-encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            body = Dechunk(body);
        return new RawResponse(status, headers, body);
    }

    private static byte[] Dechunk(byte[] chunked)
    {
        using var output = new MemoryStream();
        var pos = 0;
        while (pos < chunked.Length)
        {
            var lineEnd = IndexOf(chunked, "\r\n"u8.ToArray(), pos);
            var sizeText = Encoding.ASCII.GetString(chunked, pos, lineEnd - pos).Split(';')[0];
            var size = Convert.ToInt32(sizeText, 16);
            if (size == 0) break;
            output.Write(chunked, lineEnd + 2, size);
            pos = lineEnd + 2 + size + 2;
        }
        return output.ToArray();
    }

    private static int IndexOf(byte[] haystack, byte[] needle, int start)
    {
        var i = haystack.AsSpan(start).IndexOf(needle);
        return i < 0 ? -1 : start + i;
    }
}
