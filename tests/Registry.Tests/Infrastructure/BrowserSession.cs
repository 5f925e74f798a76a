using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Registry.Tests.Infrastructure;

/// <summary>
/// An HTTP client that signs in as the web UI does (<c>POST /users/sign_in</c>) and then holds the session cookie, as a
/// browser would; <see cref="CsrfToken"/> is what the UI sends in <c>X-CSRF-Token</c>.
/// </summary>
public sealed class BrowserSession : IDisposable
{
    public HttpClient Http { get; }
    public CookieContainer Cookies { get; } = new();
    public string? CsrfToken { get; private set; }

    /// <param name="from">the client address to connect from (any 127.x.y.z works on loopback); the system's choice when null</param>
    public BrowserSession(RegistryServer server, IPAddress? from = null)
    {
        var handler = new SocketsHttpHandler { CookieContainer = Cookies, AllowAutoRedirect = false };
        if (from is not null) handler.ConnectCallback = (context, ct) => ConnectFromAsync(from, context.DnsEndPoint, ct);
        Http = new HttpClient(handler) { BaseAddress = server.BaseAddress };
    }

    private static async ValueTask<Stream> ConnectFromAsync(IPAddress from, DnsEndPoint to, CancellationToken ct)
    {
        var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(from, 0));
            await socket.ConnectAsync(IPAddress.Parse(to.Host), to.Port, ct);
            return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async Task<HttpResponseMessage> SignInAsync(string username, string password)
    {
        var response = await Http.PostAsJsonAsync("/users/sign_in", new { username, password });
        if (response.IsSuccessStatusCode)
            CsrfToken = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("csrf_token").GetString();
        return response;
    }

    public static async Task<BrowserSession> SignedInAsync(RegistryServer server, string username, string password)
    {
        var session = new BrowserSession(server);
        var response = await session.SignInAsync(username, password);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"sign-in as {username}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return session;
    }

    /// <summary>A GraphQL POST with the session cookie; with the CSRF token unless <paramref name="withCsrf"/> is false.</summary>
    public async Task<JsonElement> GraphQLAsync(string query, object? variables = null, bool withCsrf = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/graphql") { Content = JsonContent.Create(new { query, variables }) };
        if (withCsrf && CsrfToken is not null) request.Headers.Add("X-CSRF-Token", CsrfToken);
        using var response = await Http.SendAsync(request);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public string? SessionCookie(Uri baseAddress) => Cookies.GetCookies(baseAddress)["_registry_session"]?.Value;

    public void Dispose() => Http.Dispose();
}
