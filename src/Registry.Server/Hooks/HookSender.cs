using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Registry.Schema;
using Registry.Schema.Hooks;

namespace Registry.Server.Hooks;

/// <summary>What one attempt came to.</summary>
/// <param name="Retry">whether to try again (timeouts, connection errors, 5xx, 429)</param>
/// <param name="RetryAfter">the receiver's <c>Retry-After</c>, if any</param>
/// <param name="SecretsUnreadable">not sent: the key ring could not decrypt the hook's secrets (the operator's fault, not the receiver's)</param>
public sealed record DeliveryOutcome(bool Success, bool Retry, int? Status, string? RequestHeaders, string? ResponseHeaders,
    string? ResponseBody, double DurationSeconds, string? Error, TimeSpan? RetryAfter, bool SecretsUnreadable = false);

/// <summary>
/// Sends one delivery: GitLab's hook headers plus a Standard Webhooks signature. The connection goes to an address
/// that <see cref="UrlGuard"/> checked in the same step (resolved once, so DNS rebinding cannot slip past), without
/// proxies, redirects or connection reuse, and at most <see cref="HookOptions.MaxResponseBytes"/> of the answer is read.
/// </summary>
public sealed class HookSender : IDisposable
{
    private static readonly HttpRequestOptionsKey<bool> AllowLocal = new("registry.allow-local");
    private readonly HttpClient _verifying;
    private readonly HttpClient _trusting;
    private readonly UrlGuard _guard;
    private readonly HookOptions _options;
    private readonly TimeProvider _clock;

    public HookSender(UrlGuard guard, IOptions<HookOptions> options, TimeProvider clock)
    {
        _guard = guard;
        _options = options.Value;
        _clock = clock;
        _verifying = new HttpClient(Handler(verify: true)) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        _trusting = new HttpClient(Handler(verify: false)) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    private SocketsHttpHandler Handler(bool verify)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false, UseProxy = false, UseCookies = false, PooledConnectionLifetime = TimeSpan.Zero,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectCallback = ConnectAsync,
        };
        if (!verify) handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        return handler;
    }

    /// <summary>Resolves once, checks every address, and connects to the first checked one.</summary>
    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        context.InitialRequestMessage.Options.TryGetValue(AllowLocal, out var allowLocal);
        var uri = new UriBuilder("http", context.DnsEndPoint.Host, context.DnsEndPoint.Port).Uri;
        var addresses = await _guard.ResolveAndCheckAsync(uri, allowLocal, ct);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(addresses[0], context.DnsEndPoint.Port), ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public const string SecretsUnreadableError =
        "The hook's secrets cannot be decrypted: Registry:Hooks:KeyRingSecret is missing or not the one the key ring was written with";

    public async Task<DeliveryOutcome> SendAsync(WebHook hook, WebHookDelivery delivery, HookSecrets secrets, bool allowLocal, string root,
        CancellationToken ct)
    {
        string signing;
        string? token;
        Dictionary<string, string>? customHeaders;
        try
        {
            signing = secrets.Unprotect(hook.EncryptedSigningSecret);
            token = hook.EncryptedToken is { } encryptedToken ? secrets.Unprotect(encryptedToken) : null;
            customHeaders = hook.EncryptedCustomHeaders is { } custom ? JsonSerializer.Deserialize<Dictionary<string, string>>(secrets.Unprotect(custom)) : null;
        }
        catch (CryptographicException)
        {
            // Data Protection turns every failure to read its key ring (a key encrypted under another or no
            // KeyRingSecret, a key ring lost) into this. Nothing is sent rather than a request without its token and signature.
            return new DeliveryOutcome(false, true, null, null, null, null, 0, SecretsUnreadableError, null, SecretsUnreadable: true);
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, hook.Url);
        request.Options.Set(AllowLocal, allowLocal);
        request.Headers.ConnectionClose = true;
        request.Headers.TryAddWithoutValidation("User-Agent", "GitLab/17.0.0 (generic package registry)");
        var timestamp = _clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var messageId = "msg_" + delivery.Uuid.ToString("N");
        Set(request, "X-Gitlab-Event", "Package Hook");
        Set(request, "X-Gitlab-Webhook-UUID", hook.Uuid.ToString());
        Set(request, "X-Gitlab-Event-UUID", delivery.EventUuid.ToString());
        Set(request, "X-Gitlab-Instance", root);
        Set(request, "Idempotency-Key", delivery.Uuid.ToString());
        Set(request, "webhook-id", messageId);
        Set(request, "webhook-timestamp", timestamp);
        Set(request, "webhook-signature", Signature(signing, messageId, timestamp, delivery.RequestBody));
        // Recorded before the token and the custom headers (which may hold credentials) are added: no secret lands in the log.
        var requestHeaders = JsonSerializer.Serialize(request.Headers.ToDictionary(h => h.Key, h => string.Join(", ", h.Value)));
        foreach (var (name, value) in customHeaders ?? [])
            if (!IsOwnHeader(name)) request.Headers.TryAddWithoutValidation(name, value);
        if (token is not null) Set(request, "X-Gitlab-Token", token);
        request.Content = new StringContent(delivery.RequestBody, Encoding.UTF8, "application/json");

        var watch = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            var client = hook.EnableSslVerification ? _verifying : _trusting;
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var body = await ReadLimitedAsync(response, timeout.Token);
            var status = (int)response.StatusCode;
            var headers = JsonSerializer.Serialize(response.Headers.Concat(response.Content.Headers)
                .ToDictionary(h => h.Key, h => Trim(string.Join(", ", h.Value), 512)));
            var success = status is >= 200 and < 300;
            var retry = status is >= 500 or 429;
            return new DeliveryOutcome(success, retry, status, requestHeaders, headers, body, watch.Elapsed.TotalSeconds,
                success ? null : $"HTTP {status}", RetryAfterOf(response));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Failed(requestHeaders, watch, "Timed out", retry: true);
        }
        catch (HttpRequestException e) when (e.InnerException is RegistryError blocked)
        {
            // The address was refused at delivery (the URL now resolves somewhere it may not go): no retry.
            return Failed(requestHeaders, watch, blocked.Message, retry: false);
        }
        catch (HttpRequestException e)
        {
            return Failed(requestHeaders, watch, e.Message, retry: true);
        }
    }

    /// <summary>Standard Webhooks: <c>v1,</c> and the base64 HMAC-SHA256 of <c>id.timestamp.body</c> under the secret's key bytes.</summary>
    public static string Signature(string secret, string messageId, string timestamp, string body)
    {
        var mac = HMACSHA256.HashData(HookSecrets.SigningKey(secret), Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.{body}"));
        return "v1," + Convert.ToBase64String(mac);
    }

    /// <summary>A custom header may not replace the ones that identify and sign the delivery.</summary>
    private static bool IsOwnHeader(string name) =>
        name.StartsWith("X-Gitlab-", StringComparison.OrdinalIgnoreCase) || name.StartsWith("webhook-", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Idempotency-Key", StringComparison.OrdinalIgnoreCase);

    private static void Set(HttpRequestMessage request, string name, string value)
    {
        request.Headers.Remove(name);
        request.Headers.TryAddWithoutValidation(name, value);
    }

    private DeliveryOutcome Failed(string requestHeaders, Stopwatch watch, string error, bool retry) =>
        new(false, retry, null, requestHeaders, null, null, watch.Elapsed.TotalSeconds, error, null);

    private TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not { } ra) return null;
        if (ra.Delta is { } delta) return delta;
        if (ra.Date is { } date) return date - _clock.GetUtcNow();
        return null;
    }

    private async Task<string> ReadLimitedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[_options.MaxResponseBytes];
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(total), ct);
            if (read == 0) break;
            total += read;
        }
        return Encoding.UTF8.GetString(buffer, 0, total);
    }

    private static string Trim(string text, int max) => text.Length <= max ? text : text[..max];

    public void Dispose()
    {
        _verifying.Dispose();
        _trusting.Dispose();
    }
}
