using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Web;

/// <summary>
/// Password sign-in for the web UI, its session cookie and the CSRF rule, through real HTTP: what a browser sends,
/// and what another site could make a browser send.
/// </summary>
public sealed class SignInTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private RegistryServer Server => fixture.Server;

    [Fact]
    public async Task Root_signs_in_with_the_configured_password_and_gets_an_HttpOnly_SameSite_session_cookie()
    {
        using var browser = new BrowserSession(Server);
        var response = await browser.SignInAsync("root", RegistryServer.RootPassword);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("_registry_session=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.False(string.IsNullOrEmpty(browser.CsrfToken));

        // Reads need no CSRF token: a GraphQL GET with only the cookie is root.
        var me = await browser.Http.GetFromJsonAsync<JsonElement>("/api/graphql?query=" + Uri.EscapeDataString("{ currentUser { username admin } }"));
        Assert.Equal("root", me.GetProperty("data").GetProperty("currentUser").GetProperty("username").GetString());
        // ... and the page the server sends carries the same CSRF token in its meta tag.
        var html = await browser.Http.GetStringAsync("/acme/tools/-/packages");
        Assert.Contains($"<meta name=\"csrf-token\" content=\"{browser.CsrfToken}\">", html);
    }

    [Fact]
    public async Task Wrong_password_and_unknown_user_are_refused_alike_and_set_no_cookie()
    {
        await Server.CreateUserAsync("signin-wrong", password: "correct horse battery");
        foreach (var (user, password) in new[] { ("signin-wrong", "not the password"), ("nobody-here", "whatever-password"), ("signin-wrong", "") })
        {
            using var browser = new BrowserSession(Server);
            var response = await browser.SignInAsync(user, password);
            Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest, $"{user}: {response.StatusCode}");
            Assert.False(response.Headers.Contains("Set-Cookie"));
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (password != "") Assert.Equal("Invalid username or password.", body.GetProperty("message").GetString());
        }
        // A form post from another site cannot sign anybody in: only JSON is accepted.
        using var form = new BrowserSession(Server);
        var formPost = await form.Http.PostAsync("/users/sign_in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = "signin-wrong", ["password"] = "correct horse battery",
        }));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, formPost.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await new BrowserSession(Server).SignInAsync("signin-wrong", "correct horse battery")).StatusCode);
    }

    [Fact]
    public async Task A_user_without_a_password_cannot_sign_in_and_a_too_short_password_creates_no_user()
    {
        await Server.CreateUserAsync("token-only");
        using var browser = new BrowserSession(Server);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SignInAsync("token-only", "anything-at-all")).StatusCode);

        var data = await Server.GraphQLAsync("mutation($i: CreateUserInput!) { createUser(input: $i) { user { username } errors } }",
            new { i = new { username = "short-pw", password = "short" } });
        Assert.Contains("too short", data.GetProperty("createUser").GetProperty("errors")[0].GetString());
        var users = await Server.GraphQLAsync("{ users(search: \"short-pw\") { count } }");
        Assert.Equal(0, users.GetProperty("users").GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Cookie_authenticated_writes_need_the_CSRF_token()
    {
        await Server.CreateGroupAsync("csrf-group");
        var projectId = await Server.CreateProjectAsync("csrf-group", "app");
        using var browser = await BrowserSession.SignedInAsync(Server, "root", RegistryServer.RootPassword);
        const string create = "mutation($i: CreateGroupInput!) { createGroup(input: $i) { group { fullPath } errors } }";

        // Without the token (what a forged cross-site request would be) the cookie does not count: the mutation is
        // refused and nothing is created. A wrong token is the same.
        var refused = await browser.GraphQLAsync(create, new { i = new { path = "csrf-forged" } }, withCsrf: false);
        Assert.Contains("signed in", refused.GetProperty("data").GetProperty("createGroup").GetProperty("errors")[0].GetString());
        using (var wrong = new HttpRequestMessage(HttpMethod.Post, "/api/graphql") { Content = JsonContent.Create(new { query = create, variables = new { i = new { path = "csrf-forged" } } }) })
        {
            wrong.Headers.Add("X-CSRF-Token", browser.CsrfToken + "x");
            var body = await (await browser.Http.SendAsync(wrong)).Content.ReadFromJsonAsync<JsonElement>();
            Assert.NotEqual(0, body.GetProperty("data").GetProperty("createGroup").GetProperty("errors").GetArrayLength());
        }
        Assert.Equal(JsonValueKind.Null, (await Server.GraphQLAsync("{ group(fullPath: \"csrf-forged\") { id } }")).GetProperty("group").ValueKind);

        var accepted = await browser.GraphQLAsync(create, new { i = new { path = "csrf-real" } });
        Assert.Equal("csrf-real", accepted.GetProperty("data").GetProperty("createGroup").GetProperty("group").GetProperty("fullPath").GetString());

        // REST writes likewise: a PUT with only the cookie is unauthenticated; with the token it publishes.
        var url = Publishing.Url(projectId, "csrf", "1.0.0", "a.txt");
        var forged = await browser.Http.PutAsync(url, new ByteArrayContent([1, 2, 3]));
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        using var put = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent([1, 2, 3]) };
        put.Headers.Add("X-CSRF-Token", browser.CsrfToken);
        Assert.Equal(HttpStatusCode.Created, (await browser.Http.SendAsync(put)).StatusCode);
        // Downloads are reads: the cookie alone is enough.
        Assert.Equal([1, 2, 3], await browser.Http.GetByteArrayAsync(url));

        // Token headers never needed it.
        using var tokenClient = Server.Client(RegistryServer.RootToken);
        Assert.Equal(HttpStatusCode.Created, (await tokenClient.PutAsync(Publishing.Url(projectId, "csrf", "1.0.0", "b.txt"), new ByteArrayContent([4]))).StatusCode);
    }

    [Fact]
    public async Task Sign_out_needs_the_CSRF_token_and_ends_the_session_for_every_copy_of_the_cookie()
    {
        using var browser = await BrowserSession.SignedInAsync(Server, "root", RegistryServer.RootPassword);
        var secret = browser.SessionCookie(Server.BaseAddress)!;

        Assert.Equal(HttpStatusCode.Forbidden, (await browser.Http.PostAsync("/users/sign_out", null)).StatusCode);
        Assert.Equal("root", await CurrentUserWithCookieAsync(secret));

        using var signOut = new HttpRequestMessage(HttpMethod.Post, "/users/sign_out");
        signOut.Headers.Add("X-CSRF-Token", browser.CsrfToken);
        Assert.Equal(HttpStatusCode.NoContent, (await browser.Http.SendAsync(signOut)).StatusCode);
        // A copy of the cookie kept elsewhere (another tab, a thief) no longer works: the session is gone from the database.
        Assert.Null(await CurrentUserWithCookieAsync(secret));
    }

    private async Task<string?> CurrentUserWithCookieAsync(string secret, RegistryServer? server = null)
    {
        using var client = (server ?? Server).Client();
        client.DefaultRequestHeaders.Add("Cookie", "_registry_session=" + secret);
        var body = await client.GetFromJsonAsync<JsonElement>("/api/graphql?query=" + Uri.EscapeDataString("{ currentUser { username } }"));
        var user = body.GetProperty("data").GetProperty("currentUser");
        return user.ValueKind == JsonValueKind.Null ? null : user.GetProperty("username").GetString();
    }

    [Fact]
    public async Task Repeated_failed_sign_ins_lock_the_account_until_an_administrator_resets_the_password()
    {
        await using var server = await RegistryServer.StartAsync(new Dictionary<string, string>
        {
            ["Registry:MaxFailedSignIns"] = "3", ["Registry:SignInLockout"] = "01:00:00",
        });
        await server.GraphQLAsync("mutation { a: createUser(input: {username: \"locked\", password: \"right-password\"}) { errors } b: createUser(input: {username: \"bystander\", password: \"right-password\"}) { errors } }");

        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await new BrowserSession(server).SignInAsync("locked", "wrong-password")).StatusCode);
        // Now even the right password is refused, with a wait.
        var locked = await new BrowserSession(server).SignInAsync("locked", "right-password");
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.True(locked.Headers.RetryAfter?.Delta > TimeSpan.FromMinutes(59), locked.Headers.RetryAfter?.ToString());
        Assert.Contains("locked", (await locked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
        // Other accounts are not affected.
        Assert.Equal(HttpStatusCode.OK, (await new BrowserSession(server).SignInAsync("bystander", "right-password")).StatusCode);

        // An administrator's reset unlocks it.
        var reset = await server.GraphQLAsync("mutation { setPassword(input: {username: \"locked\", password: \"a-new-password\"}) { user { username } errors } }");
        Assert.Equal(0, reset.GetProperty("setPassword").GetProperty("errors").GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, (await new BrowserSession(server).SignInAsync("locked", "a-new-password")).StatusCode);
    }

    /// <summary>
    /// Failures lock the account for the address they come from, not for everybody: otherwise anyone could keep any
    /// account (root's included) locked out forever with a script.
    /// </summary>
    [Fact]
    public async Task An_attacker_failing_from_one_address_does_not_lock_the_owner_out_from_another()
    {
        await using var server = await RegistryServer.StartAsync(new Dictionary<string, string>
        {
            ["Registry:MaxFailedSignIns"] = "3", ["Registry:SignInLockout"] = "01:00:00",
        });
        await server.CreateUserAsync("targeted", password: "owner-password");
        var attacker = IPAddress.Parse("127.0.0.2");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            using var session = new BrowserSession(server, attacker);
            statuses.Add((await session.SignInAsync("targeted", "guess-" + i)).StatusCode);
        }
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 3), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 5)], statuses);
        using (var lockedOut = new BrowserSession(server, attacker))
            Assert.Equal(HttpStatusCode.TooManyRequests, (await lockedOut.SignInAsync("targeted", "owner-password")).StatusCode);

        // The owner, from another address, signs in while the attacker's address stays locked.
        using (var owner = new BrowserSession(server, IPAddress.Loopback))
            Assert.Equal(HttpStatusCode.OK, (await owner.SignInAsync("targeted", "owner-password")).StatusCode);
        using (var stillLocked = new BrowserSession(server, attacker))
            Assert.Equal(HttpStatusCode.TooManyRequests, (await stillLocked.SignInAsync("targeted", "owner-password")).StatusCode);
    }

    [Fact]
    public async Task Failures_interleaved_with_a_success_do_not_add_up_to_a_lock()
    {
        await using var server = await RegistryServer.StartAsync(new Dictionary<string, string> { ["Registry:MaxFailedSignIns"] = "3" });
        await server.GraphQLAsync("mutation { createUser(input: {username: \"typo\", password: \"right-password\"}) { errors } }");
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 2; i++) await new BrowserSession(server).SignInAsync("typo", "wrong-password");
            Assert.Equal(HttpStatusCode.OK, (await new BrowserSession(server).SignInAsync("typo", "right-password")).StatusCode);
        }
    }

    [Fact]
    public async Task Users_change_their_own_password_with_the_current_one_and_only_administrators_set_others()
    {
        await Server.CreateUserAsync("pw-alice", password: "alice-password-1");
        await Server.CreateUserAsync("pw-bob", password: "bob-password-1");
        using var alice = await BrowserSession.SignedInAsync(Server, "pw-alice", "alice-password-1");
        using var aliceElsewhere = await BrowserSession.SignedInAsync(Server, "pw-alice", "alice-password-1");
        const string set = "mutation($i: SetPasswordInput!) { setPassword(input: $i) { user { username } errors } }";

        Assert.Equal("Current password is invalid", Error(await alice.GraphQLAsync(set, new { i = new { currentPassword = "nope", password = "alice-password-2" } })));
        Assert.Equal("Only administrators can set other users' passwords",
            Error(await alice.GraphQLAsync(set, new { i = new { username = "pw-bob", password = "hijacked-password" } })));
        Assert.Null(Error(await alice.GraphQLAsync(set, new { i = new { currentPassword = "alice-password-1", password = "alice-password-2" } })));

        // The session that changed it goes on; the other one is signed out; the new password signs in.
        Assert.Equal("pw-alice", await CurrentUserWithCookieAsync(alice.SessionCookie(Server.BaseAddress)!));
        Assert.Null(await CurrentUserWithCookieAsync(aliceElsewhere.SessionCookie(Server.BaseAddress)!));
        Assert.Equal(HttpStatusCode.Unauthorized, (await new BrowserSession(Server).SignInAsync("pw-alice", "alice-password-1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await new BrowserSession(Server).SignInAsync("pw-alice", "alice-password-2")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await new BrowserSession(Server).SignInAsync("pw-bob", "bob-password-1")).StatusCode);
    }

    private static string? Error(JsonElement body)
    {
        var errors = body.GetProperty("data").GetProperty("setPassword").GetProperty("errors");
        return errors.GetArrayLength() == 0 ? null : errors[0].GetString();
    }

    [Fact]
    public async Task A_session_opened_on_one_instance_works_on_another_and_sign_out_ends_it_on_both()
    {
        // The second instance shares the first's database (and, on SQLite, its data folder), as instances behind a
        // load balancer do; it keeps nothing in memory about sessions.
        await using var a = await RegistryServer.StartAsync();
        await using var b = await RegistryServer.StartAsync(dataPath: a.DataPath, restartOf: a);
        using var browser = await BrowserSession.SignedInAsync(a, "root", RegistryServer.RootPassword);
        var secret = browser.SessionCookie(a.BaseAddress)!;
        Assert.Equal("root", await CurrentUserWithCookieAsync(secret, b));

        using var signOut = new HttpRequestMessage(HttpMethod.Post, new Uri(b.BaseAddress, "/users/sign_out"));
        signOut.Headers.Add("Cookie", "_registry_session=" + secret);
        signOut.Headers.Add("X-CSRF-Token", browser.CsrfToken);
        using var client = new HttpClient();
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(signOut)).StatusCode);
        Assert.Null(await CurrentUserWithCookieAsync(secret, a));
    }

    [Fact]
    public async Task Passwords_and_session_secrets_are_not_stored_in_plain_text()
    {
        await using var server = await RegistryServer.StartAsync();
        await server.GraphQLAsync("mutation { createUser(input: {username: \"plain\", password: \"plain-text-password-42\"}) { errors } }");
        using var browser = await BrowserSession.SignedInAsync(server, "plain", "plain-text-password-42");
        var secret = browser.SessionCookie(server.BaseAddress)!;
        foreach (var (name, bytes) in await TestBackend.DatabaseImagesAsync(server))
        {
            Assert.False(Contains(bytes, "plain-text-password-42"), $"{name} holds a password in plain text");
            Assert.False(Contains(bytes, RegistryServer.RootPassword), $"{name} holds root's password in plain text");
            Assert.False(Contains(bytes, secret), $"{name} holds a session secret in plain text");
        }
    }

    private static bool Contains(byte[] haystack, string needle) => haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0;

    [Fact]
    public async Task Without_a_configured_password_root_gets_a_generated_one_logged_once()
    {
        var log = new LogCapture();
        await using var first = await RegistryServer.StartAsync(new Dictionary<string, string> { ["Registry:RootPassword"] = "" }, configureServices: log.AddTo);
        var lines = log.Entries.Where(e => e.Message.Contains("root user's password", StringComparison.Ordinal)).ToList();
        var line = Assert.Single(lines);
        Assert.Equal(LogLevel.Warning, line.Level);
        var password = line.Message[(line.Message.LastIndexOf(' ') + 1)..];
        Assert.True(password.Length >= 16, password);
        Assert.Equal(HttpStatusCode.OK, (await new BrowserSession(first).SignInAsync("root", password)).StatusCode);

        // A restart on the same data neither logs a new one nor changes it.
        await first.StopKeepingDataAsync();
        var again = new LogCapture();
        await using var second = await RegistryServer.StartAsync(new Dictionary<string, string> { ["Registry:RootPassword"] = "" },
            configureServices: again.AddTo, restartOf: first);
        Assert.DoesNotContain(again.Entries, e => e.Message.Contains("root user's password", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await new BrowserSession(second).SignInAsync("root", password)).StatusCode);
    }
}
