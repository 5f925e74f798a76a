using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Registry.Tests.Infrastructure;

/// <summary>A response read off the wire: status, headers (names lower-cased) and the de-chunked body.</summary>
public sealed record RawResponse(HttpStatusCode StatusCode, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public int Status => (int)StatusCode;
    public string Text => Encoding.UTF8.GetString(Body);
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var v) ? v : null;
}

/// <summary>
/// HTTP/1.1 over a plain socket, for what <see cref="HttpClient"/> will not do: send the request target exactly as
/// given (what <c>curl --path-as-is</c> sends; <see cref="Uri"/> would collapse <c>..</c> and unescape <c>%2e</c>),
/// stop after the headers (<c>Expect: 100-continue</c>), break off mid-body, or stall. Every read waits at most
/// <see cref="Eventually.Deadline"/>.
/// </summary>
public static class RawHttp
{
    public static async Task<RawResponse> SendAsync(Uri baseAddress, string method, string target,
        IDictionary<string, string>? headers = null, byte[]? body = null)
    {
        using var tcp = await ConnectAsync(baseAddress);
        var stream = tcp.GetStream();
        var all = new Dictionary<string, string>(headers ?? new Dictionary<string, string>());
        if (body is not null || method is "PUT" or "POST") all["Content-Length"] = (body?.Length ?? 0).ToString();
        all["Connection"] = "close";
        await WriteHeadAsync(stream, baseAddress, method, target, all);
        if (body is { Length: > 0 }) await stream.WriteAsync(body);
        await stream.FlushAsync();
        return await ReadResponseAsync(stream, "the response to " + method + " " + target, head: method == "HEAD");
    }

    public static Task<RawResponse> PutAsync(Uri baseAddress, string target, string token, byte[] body) =>
        SendAsync(baseAddress, "PUT", target, new Dictionary<string, string> { ["PRIVATE-TOKEN"] = token }, body);

    public static Task<RawResponse> GetAsync(Uri baseAddress, string target, string token) =>
        SendAsync(baseAddress, "GET", target, new Dictionary<string, string> { ["PRIVATE-TOKEN"] = token });

    /// <summary>
    /// Sends a PUT's headers with <c>Expect: 100-continue</c> and no body, and returns the final answer: a server that
    /// refuses before reading the body answers at once; one that wants the body would send 100 and then wait, which
    /// fails the test at the deadline.
    /// </summary>
    public static async Task<RawResponse> SendHeadersOnlyAsync(Uri baseAddress, string target, long contentLength, string? token)
    {
        using var tcp = await ConnectAsync(baseAddress);
        var stream = tcp.GetStream();
        var headers = new Dictionary<string, string> { ["Content-Length"] = contentLength.ToString(), ["Expect"] = "100-continue" };
        if (token is not null) headers["PRIVATE-TOKEN"] = token;
        await WriteHeadAsync(stream, baseAddress, "PUT", target, headers);
        return await ReadResponseAsync(stream, "the answer to a PUT's headers (Expect: 100-continue, no body sent)");
    }

    /// <summary>
    /// Declares <paramref name="contentLength"/>, sends <paramref name="send"/> random bytes of it, waits until
    /// <paramref name="receiving"/> holds (the server shows the upload in progress), then breaks the connection off.
    /// </summary>
    public static async Task SendPartialBodyAsync(Uri baseAddress, string target, long contentLength, int send, string token,
        Func<Task<bool>> receiving)
    {
        using var tcp = await ConnectAsync(baseAddress);
        var stream = tcp.GetStream();
        await WriteHeadAsync(stream, baseAddress, "PUT", target,
            new Dictionary<string, string> { ["Content-Length"] = contentLength.ToString(), ["PRIVATE-TOKEN"] = token });
        await stream.WriteAsync(RandomNumberGenerator.GetBytes(send));
        await stream.FlushAsync();
        await Eventually.HoldsAsync(receiving, "the server shows the upload in progress before it is broken off");
        tcp.LingerState = new LingerOption(true, 0); // a reset, as a killed client or a dropped link gives
        tcp.Client.Shutdown(SocketShutdown.Both);
        tcp.Close();
    }

    /// <summary>Sends the headers and <paramref name="send"/> bytes of a longer body, then sends nothing; returns the answer.</summary>
    public static async Task<RawResponse> SendThenStallAsync(Uri baseAddress, string target, long contentLength, int send, string token)
    {
        using var tcp = await ConnectAsync(baseAddress);
        var stream = tcp.GetStream();
        await WriteHeadAsync(stream, baseAddress, "PUT", target,
            new Dictionary<string, string> { ["Content-Length"] = contentLength.ToString(), ["PRIVATE-TOKEN"] = token });
        await stream.WriteAsync(RandomNumberGenerator.GetBytes(send));
        await stream.FlushAsync();
        return await ReadResponseAsync(stream, "the answer to a stalled upload");
    }

    /// <summary>A PUT with <c>Transfer-Encoding: chunked</c> whose chunked body is sent exactly as given (malformed or not).</summary>
    public static async Task<RawResponse> SendChunkedAsync(Uri baseAddress, string target, string token, string chunkedBody)
    {
        using var tcp = await ConnectAsync(baseAddress);
        var stream = tcp.GetStream();
        await WriteHeadAsync(stream, baseAddress, "PUT", target,
            new Dictionary<string, string> { ["Transfer-Encoding"] = "chunked", ["PRIVATE-TOKEN"] = token });
        await stream.WriteAsync(Encoding.ASCII.GetBytes(chunkedBody));
        await stream.FlushAsync();
        return await ReadResponseAsync(stream, "the answer to a chunked PUT");
    }

    public static async Task<TcpClient> ConnectAsync(Uri baseAddress)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(baseAddress.Host, baseAddress.Port);
        return tcp;
    }

    private static async Task WriteHeadAsync(NetworkStream stream, Uri baseAddress, string method, string target, IDictionary<string, string> headers)
    {
        var head = new StringBuilder();
        head.Append($"{method} {target} HTTP/1.1\r\n");
        head.Append($"Host: {baseAddress.Authority}\r\n");
        foreach (var (name, value) in headers) head.Append($"{name}: {value}\r\n");
        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
        await stream.FlushAsync();
    }

    /// <summary>
    /// Reads one complete final response (interim 1xx answers are skipped): up to its Content-Length, its last chunk,
    /// or the connection's end. A reset after a complete answer is fine (the server may close early).
    /// </summary>
    public static async Task<RawResponse> ReadResponseAsync(NetworkStream stream, string what, bool head = false)
    {
        using var deadline = new CancellationTokenSource(Eventually.Deadline);
        var received = new MemoryStream();
        var buffer = new byte[65536];
        var closed = false;
        while (true)
        {
            if (TryParse(received.ToArray(), closed, head, out var response)) return response!;
            if (closed) Assert.Fail($"The connection ended before {what} was complete; received: {Printable(received.ToArray())}");
            int read;
            try
            {
                read = await stream.ReadAsync(buffer, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"No {what} within {Eventually.Deadline.TotalSeconds:0} s; received: {Printable(received.ToArray())}");
                throw;
            }
            catch (IOException)
            {
                read = 0; // reset by the server
            }
            if (read == 0) closed = true;
            else received.Write(buffer, 0, read);
        }
    }

    private static bool TryParse(byte[] raw, bool closed, bool head, out RawResponse? response)
    {
        response = null;
        var start = 0;
        while (true)
        {
            var headerEnd = IndexOf(raw, "\r\n\r\n"u8, start);
            if (headerEnd < 0) return false;
            var lines = Encoding.ASCII.GetString(raw, start, headerEnd - start).Split("\r\n");
            var status = int.Parse(lines[0].Split(' ')[1]);
            var bodyStart = headerEnd + 4;
            if (status is >= 100 and < 200)
            {
                start = bodyStart; // 100 Continue: the final answer follows
                continue;
            }
            var headers = new Dictionary<string, string>();
            foreach (var line in lines.Skip(1))
            {
                var colon = line.IndexOf(':');
                var name = line[..colon].Trim().ToLowerInvariant();
                var value = line[(colon + 1)..].Trim();
                headers[name] = headers.TryGetValue(name, out var prior) ? prior + ", " + value : value;
            }
            var rest = raw.AsSpan(bodyStart).ToArray();
            byte[]? body;
            if (head)
                body = [];
            else if (headers.TryGetValue("transfer-encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
                body = Dechunk(rest);
            else if (headers.TryGetValue("content-length", out var cl))
                body = rest.Length >= long.Parse(cl) ? rest[..(int)long.Parse(cl)] : null;
            else
                body = closed || status is 204 or 304 ? rest : null;
            if (body is null) return false;
            response = new RawResponse((HttpStatusCode)status, headers, body);
            return true;
        }
    }

    /// <summary>The de-chunked body, or null while the last chunk has not arrived.</summary>
    private static byte[]? Dechunk(byte[] chunked)
    {
        using var output = new MemoryStream();
        var pos = 0;
        while (true)
        {
            var lineEnd = IndexOf(chunked, "\r\n"u8, pos);
            if (lineEnd < 0) return null;
            var size = Convert.ToInt32(Encoding.ASCII.GetString(chunked, pos, lineEnd - pos).Split(';')[0], 16);
            if (size == 0) return output.ToArray();
            if (lineEnd + 2 + size + 2 > chunked.Length) return null;
            output.Write(chunked, lineEnd + 2, size);
            pos = lineEnd + 2 + size + 2;
        }
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle, int start)
    {
        var i = haystack.AsSpan(start).IndexOf(needle);
        return i < 0 ? -1 : start + i;
    }

    private static string Printable(byte[] raw) => Encoding.ASCII.GetString(raw, 0, Math.Min(raw.Length, 2000));
}
