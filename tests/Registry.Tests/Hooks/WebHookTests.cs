using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Registry.Schema;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Hooks;

/// <summary>A server whose dispatcher retries fast, with the local network allowed for the receivers on 127.0.0.1.</summary>
public sealed class HookFixture : IAsyncLifetime
{
    public static readonly Dictionary<string, string> FastHooks = new()
    {
        ["Registry:Hooks:PollInterval"] = "00:00:00.200",
        ["Registry:Hooks:FirstRetryDelay"] = "00:00:00.500",
        ["Registry:Hooks:MaxRetryDelay"] = "00:00:01",
        ["Registry:Hooks:FirstDisablePeriod"] = "00:00:01",
        ["Registry:Hooks:Timeout"] = "00:00:03",
    };

    public RegistryServer Server { get; private set; } = null!;
    public LogCapture Logs { get; } = new();
    public string Maintainer { get; private set; } = "";
    public string Developer { get; private set; } = "";
    public string Owner { get; private set; } = "";
    public string Outsider { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Server = await RegistryServer.StartAsync(FastHooks, configureServices: Logs.AddTo);
        await AllowLocalAsync(Server, true);
        await Server.CreateGroupAsync("hk");
        await Server.CreateProjectAsync("hk", "app");
        Maintainer = await Server.CreateUserWithTokenAsync("hk-maint");
        Developer = await Server.CreateUserWithTokenAsync("hk-dev");
        Owner = await Server.CreateUserWithTokenAsync("hk-owner");
        Outsider = await Server.CreateUserWithTokenAsync("hk-outsider");
        await Server.AddGroupMemberAsync("hk", "hk-maint", "MAINTAINER");
        await Server.AddGroupMemberAsync("hk", "hk-dev", "DEVELOPER");
        await Server.AddGroupMemberAsync("hk", "hk-owner", "OWNER");
    }

    public static async Task AllowLocalAsync(IRegistryEndpoint server, bool allow)
    {
        using var root = server.Client(RegistryServer.RootToken);
        using var response = await root.PutAsync($"/api/v4/application/settings?allow_local_requests_from_web_hooks_and_services={allow}", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public Task DisposeAsync() => Server.DisposeAsync().AsTask();
}

/// <summary>
/// Package webhooks (issue 24) with a real receiver on loopback: GitLab's hook API, the events of every path that
/// publishes or deletes, GitLab's headers and the Standard Webhooks signature, retries, SSRF refusals, permissions,
/// and secrets that never come back.
/// </summary>
public sealed class WebHookTests(HookFixture fixture) : IClassFixture<HookFixture>
{
    private RegistryServer Server => fixture.Server;
    private const string Hooks = "/api/v4/projects/hk%2Fapp/hooks";

    private async Task<JsonElement> CreateHookAsync(string url, string token = "hook-token-value-123", string hooksUrl = Hooks, string? as_ = null)
    {
        using var client = Server.Client(as_ ?? fixture.Maintainer);
        using var response = await client.PostAsJsonAsync(hooksUrl, new { url, token, package_events = true, name = "ci" });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private async Task DeleteHookAsync(JsonElement hook, string hooksUrl = Hooks)
    {
        using var client = Server.Client(RegistryServer.RootToken);
        using var _ = await client.DeleteAsync($"{hooksUrl}/{hook.GetProperty("id").GetInt64()}");
    }

    private static void AssertSigned(ReceivedHook hook, string secret) => HookAssert.Signed(hook, secret);

    private static void AssertDelivery(ReceivedHook hook, string secret, string token = "hook-token-value-123") =>
        HookAssert.Delivery(hook, secret, token);

    private static async Task<List<ReceivedHook>> WaitForAsync(HookReceiver receiver, Func<JsonElement, bool> match, int count, string what) =>
        await Eventually.ReturnsAsync(() => Task.FromResult(receiver.Received.Where(r => r.Body.Length > 0 && match(JsonDocument.Parse(r.Body).RootElement)).ToList()),
            l => l.Count >= count, what);

    [Fact]
    public async Task Publishing_and_every_delete_path_deliver_signed_package_events_with_GitLab_headers()
    {
        await using var receiver = await HookReceiver.StartedAsync();
        var hook = await CreateHookAsync(receiver.Url);
        var secret = hook.GetProperty("signing_secret").GetString()!;
        Assert.StartsWith("whsec_", secret);
        try
        {
            // Generic PUT.
            var file = await Server.PublishAsync("hk/app", "evt", "1.0.0", "a.txt", "hello", token: fixture.Developer);
            var published = (await WaitForAsync(receiver, b => b.GetProperty("event_type").GetString() == "package_file_published"
                && b.GetProperty("package").GetProperty("name").GetString() == "evt", 1, "the publish event")).Single();
            AssertSigned(published, secret);
            Assert.Equal("Package Hook", published.Headers["X-Gitlab-Event"]);
            Assert.Equal("hook-token-value-123", published.Headers["X-Gitlab-Token"]);
            Assert.True(Guid.TryParse(published.Headers["X-Gitlab-Webhook-UUID"], out _));
            Assert.True(Guid.TryParse(published.Headers["X-Gitlab-Event-UUID"], out _));
            Assert.True(Guid.TryParse(published.Headers["Idempotency-Key"], out _));
            Assert.StartsWith("application/json", published.Headers["Content-Type"]);
            var body = JsonDocument.Parse(published.Body).RootElement;
            Assert.Equal("package", body.GetProperty("object_kind").GetString());
            Assert.Equal("hk-dev", body.GetProperty("user").GetProperty("username").GetString());
            Assert.Equal("hk/app", body.GetProperty("project").GetProperty("path_with_namespace").GetString());
            Assert.Equal($"{Server.BaseAddress.GetLeftPart(UriPartial.Authority)}/hk/app", body.GetProperty("project").GetProperty("web_url").GetString());
            var package = body.GetProperty("package");
            Assert.Equal(file.GetProperty("package_id").GetInt64(), package.GetProperty("id").GetInt64());
            Assert.Equal("1.0.0", package.GetProperty("version").GetString());
            Assert.Equal("generic", package.GetProperty("package_type").GetString());
            var pf = body.GetProperty("package_file");
            Assert.Equal(file.GetProperty("id").GetInt64(), pf.GetProperty("id").GetInt64());
            Assert.Equal(file.GetProperty("file_sha256").GetString(), pf.GetProperty("file_sha256").GetString());
            // The download URL serves the file with a token.
            using (var reader = new HttpClient())
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, pf.GetProperty("download_url").GetString());
                request.Headers.Add("PRIVATE-TOKEN", fixture.Developer);
                using var download = await reader.SendAsync(request);
                Assert.Equal("hello", await download.Content.ReadAsStringAsync());
            }

            // Packages API: delete one file, then the package; GraphQL: destroyPackage.
            await Server.PublishAsync("hk/app", "evt", "1.0.0", "b.txt", "second", token: fixture.Developer);
            using var maint = Server.Client(fixture.Maintainer);
            var packageId = file.GetProperty("package_id").GetInt64();
            using (var r = await maint.DeleteAsync($"/api/v4/projects/hk%2Fapp/packages/{packageId}/package_files/{file.GetProperty("id").GetInt64()}"))
                Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
            var fileDeleted = (await WaitForAsync(receiver, b => b.GetProperty("event_type").GetString() == "package_file_deleted", 1, "the file delete")).Single();
            AssertDelivery(fileDeleted, secret);
            Assert.Equal("a.txt", JsonDocument.Parse(fileDeleted.Body).RootElement.GetProperty("package_file").GetProperty("file_name").GetString());
            using (var r = await maint.DeleteAsync($"/api/v4/projects/hk%2Fapp/packages/{packageId}"))
                Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
            var packageDeleted = (await WaitForAsync(receiver, b => b.GetProperty("event_type").GetString() == "package_deleted", 1, "the package delete")).Single();
            AssertDelivery(packageDeleted, secret);
            var deletedBody = JsonDocument.Parse(packageDeleted.Body).RootElement;
            Assert.Equal(packageId, deletedBody.GetProperty("package").GetProperty("id").GetInt64());
            Assert.False(deletedBody.TryGetProperty("package_file", out _));
            Assert.Equal("hk-maint", deletedBody.GetProperty("user").GetProperty("username").GetString());

            var gql = await Server.PublishAsync("hk/app", "evt-gql", "2.0.0", "c.txt", "third", token: fixture.Developer);
            var gid = $"gid://gitlab/Packages::Package/{gql.GetProperty("package_id").GetInt64()}";
            var destroyed = await Server.MutateAsync("destroyPackage", new { id = gid }, fixture.Maintainer);
            Assert.Empty(destroyed.Errors());
            var gqlDeleted = (await WaitForAsync(receiver, b => b.GetProperty("event_type").GetString() == "package_deleted"
                && b.GetProperty("package").GetProperty("name").GetString() == "evt-gql", 1, "the GraphQL delete")).Single();
            AssertDelivery(gqlDeleted, secret);
            Assert.Equal("hk-maint", JsonDocument.Parse(gqlDeleted.Body).RootElement.GetProperty("user").GetProperty("username").GetString());
            // Every delivery of one event came once, each with its own key.
            var keys = receiver.Received.Select(r => r.Headers["Idempotency-Key"]).ToList();
            Assert.Equal(keys.Count, keys.Distinct().Count());
        }
        finally
        {
            await DeleteHookAsync(hook);
        }
    }

    [Fact]
    public async Task The_cleanup_policy_delivers_file_delete_events_without_a_user()
    {
        await Server.CreateProjectAsync("hk", "lifecycle");
        const string hooks = "/api/v4/projects/hk%2Flifecycle/hooks";
        await using var receiver = await HookReceiver.StartedAsync();
        var hook = await CreateHookAsync(receiver.Url, hooksUrl: hooks);
        await Server.PublishAsync("hk/lifecycle", "old", "1.0.0", "x.txt", "one");
        await Server.PublishAsync("hk/lifecycle", "old", "1.0.0", "x.txt", "two"); // a duplicate the cleanup policy removes
        var cleanup = await Server.MutateAsync("updatePackagesCleanupPolicy", new { projectPath = "hk/lifecycle", keepNDuplicatedPackageFiles = "ONE_PACKAGE_FILE" });
        Assert.Empty(cleanup.Errors());
        Assert.Empty((await Server.MutateAsync("runPackagesCleanupPolicy", new { projectPath = "hk/lifecycle" })).Errors());
        var deleted = (await WaitForAsync(receiver, b => b.GetProperty("event_type").GetString() == "package_file_deleted", 1,
            "the cleanup policy's delete")).Single();
        AssertDelivery(deleted, hook.GetProperty("signing_secret").GetString()!);
        var body = JsonDocument.Parse(deleted.Body).RootElement;
        Assert.Equal(JsonValueKind.Null, body.GetProperty("user").ValueKind);
        Assert.Equal("hk/lifecycle", body.GetProperty("project").GetProperty("path_with_namespace").GetString());
        Assert.Equal("old", body.GetProperty("package").GetProperty("name").GetString());
        Assert.Equal("x.txt", body.GetProperty("package_file").GetProperty("file_name").GetString());
        Assert.Equal(Sha256("one"), body.GetProperty("package_file").GetProperty("file_sha256").GetString()); // the older duplicate
        await DeleteHookAsync(hook, hooks);
    }

    [Fact]
    public async Task A_retention_run_delivers_package_delete_events_for_what_it_deleted()
    {
        await Server.CreateProjectAsync("hk", "retained");
        const string project = "/api/v4/projects/hk%2Fretained";
        await using var receiver = await HookReceiver.StartedAsync();
        var hook = await CreateHookAsync(receiver.Url, hooksUrl: $"{project}/hooks");
        var old = await Server.PublishAsync("hk/retained", "nightly", "1.0.0", "n.bin", "old build");
        await Server.PublishAsync("hk/retained", "nightly", "2.0.0", "n.bin", "new build");
        using var maint = Server.Client(fixture.Maintainer);
        // Retention keeps a name's newest version unless the rule says delete_newest_version: 1.0.0 goes, 2.0.0 stays.
        using (var r = await maint.PostAsJsonAsync($"{project}/packages/retention/rules", new { package_name_pattern = "nightly", older_than_days = 0 }))
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        using (var r = await maint.PostAsync($"{project}/packages/retention/run", null))
        {
            var text = await r.Content.ReadAsStringAsync();
            Assert.True(r.StatusCode == HttpStatusCode.OK, $"{(int)r.StatusCode} {text}");
            var ran = JsonDocument.Parse(text).RootElement;
            Assert.Equal(1, ran.GetArrayLength());
            Assert.Contains("1.0.0", text);
        }
        var deleted = (await WaitForAsync(receiver, b => b.GetProperty("event_type").GetString() == "package_deleted", 1,
            "the retention run's delete")).Single();
        AssertDelivery(deleted, hook.GetProperty("signing_secret").GetString()!);
        var body = JsonDocument.Parse(deleted.Body).RootElement;
        Assert.Equal(old.GetProperty("package_id").GetInt64(), body.GetProperty("package").GetProperty("id").GetInt64());
        Assert.Equal("1.0.0", body.GetProperty("package").GetProperty("version").GetString());
        Assert.Equal("hk/retained", body.GetProperty("project").GetProperty("path_with_namespace").GetString());
        Assert.False(body.TryGetProperty("package_file", out _));
        Assert.Equal(JsonValueKind.Null, body.GetProperty("user").ValueKind); // retention deletes as the system, as its audit event says
        await DeleteHookAsync(hook, $"{project}/hooks");
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public async Task A_receiver_that_is_down_then_answers_503_then_recovers_gets_every_event_with_a_stable_idempotency_key()
    {
        await Server.CreateProjectAsync("hk", "flaky");
        const string hooks = "/api/v4/projects/hk%2Fflaky/hooks";
        await using var receiver = new HookReceiver(); // not started: connection refused
        var hook = await CreateHookAsync(receiver.Url, hooksUrl: hooks);
        for (var i = 0; i < 3; i++) await Server.PublishAsync("hk/flaky", "flaky", "1.0.0", $"f{i}.txt", $"c{i}");
        await Task.Delay(1500);
        var failing = 0;
        receiver.Answer = _ => Interlocked.Increment(ref failing) <= 3 ? 503 : 200;
        await receiver.StartAsync();
        var got = await WaitForAsync(receiver, _ => true, 6, "three 503s and then every event");
        var byEvent = got.GroupBy(r => r.Headers["X-Gitlab-Event-UUID"]).ToList();
        Assert.Equal(3, byEvent.Count);
        foreach (var attempts in byEvent)
            Assert.Single(attempts.Select(a => a.Headers["Idempotency-Key"]).Distinct());
        var files = byEvent.Select(g => JsonDocument.Parse(g.First().Body).RootElement.GetProperty("package_file").GetProperty("file_name").GetString()).Order();
        Assert.Equal(["f0.txt", "f1.txt", "f2.txt"], files);
        // The hook recovered: executable again.
        using var client = Server.Client(fixture.Maintainer);
        var state = await Eventually.ReturnsAsync(async () => await client.GetFromJsonAsync<JsonElement>($"{hooks}/{hook.GetProperty("id").GetInt64()}"),
            h => h.GetProperty("alert_status").GetString() == "executable", "the hook executable again");
        await DeleteHookAsync(hook, hooks);
    }

    [Fact]
    public async Task Test_lists_deliveries_and_resend_repeats_one_with_its_idempotency_key()
    {
        await using var receiver = await HookReceiver.StartedAsync();
        var hook = await CreateHookAsync(receiver.Url);
        var id = hook.GetProperty("id").GetInt64();
        using var client = Server.Client(fixture.Maintainer);
        using (var r = await client.PostAsync($"{Hooks}/{id}/test/package_events", null))
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        var first = (await WaitForAsync(receiver, b => b.GetProperty("package").GetProperty("name").GetString() == "sample-package", 1, "the test event")).Single();
        AssertSigned(first, hook.GetProperty("signing_secret").GetString()!);
        var events = await Eventually.ReturnsAsync(async () => await client.GetFromJsonAsync<JsonElement>($"{Hooks}/{id}/events"),
            e => e.GetArrayLength() == 1 && e[0].GetProperty("response_status").GetString() == "200", "the delivery listed");
        Assert.Equal("received", events[0].GetProperty("response_body").GetString());
        using (var r = await client.PostAsync($"{Hooks}/{id}/events/{events[0].GetProperty("id").GetInt64()}/resend", null))
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        await Eventually.HoldsAsync(() => receiver.Received.Count == 2, "the resent delivery");
        Assert.Equal(first.Headers["Idempotency-Key"], receiver.Received.Last().Headers["Idempotency-Key"]);
        Assert.Equal(first.Body, receiver.Received.Last().Body);
        using (var r = await client.PostAsync($"{Hooks}/{id}/test/push_events", null))
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        await DeleteHookAsync(hook);
    }

    [Fact]
    public async Task The_token_and_the_signing_secret_never_come_back_in_answers_or_logs()
    {
        await using var receiver = await HookReceiver.StartedAsync();
        const string token = "very-secret-token-value-9876";
        var hook = await CreateHookAsync(receiver.Url, token);
        var secret = hook.GetProperty("signing_secret").GetString()!;
        var id = hook.GetProperty("id").GetInt64();
        Assert.False(hook.TryGetProperty("token", out _));
        using var client = Server.Client(fixture.Maintainer);
        using (var r = await client.PutAsJsonAsync($"{Hooks}/{id}", new { url = receiver.Url, custom_headers = new[] { new { key = "X-Api-Key", value = "custom-secret-value-555" } } }))
        {
            var text = await r.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Contains("X-Api-Key", text);
        }
        using (var r = await client.PostAsync($"{Hooks}/{id}/test/package_events", null)) Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        var got = await Eventually.ReturnsAsync(() => Task.FromResult(receiver.Received.ToList()), l => l.Count == 1, "the test delivery");
        Assert.Equal("custom-secret-value-555", got[0].Headers["X-Api-Key"]);
        Assert.Equal(token, got[0].Headers["X-Gitlab-Token"]);
        await Eventually.ReturnsAsync(async () => await client.GetStringAsync($"{Hooks}/{id}/events"), t => t.Contains("\"200\""), "the delivery logged");
        var answers = string.Join("\n", await client.GetStringAsync(Hooks), await client.GetStringAsync($"{Hooks}/{id}"),
            await client.GetStringAsync($"{Hooks}/{id}/events"));
        foreach (var value in new[] { token, secret, secret["whsec_".Length..], "custom-secret-value-555" })
        {
            Assert.DoesNotContain(value, answers);
            Assert.DoesNotContain(fixture.Logs.Entries, e => e.Message.Contains(value) || (e.Exception?.ToString().Contains(value) ?? false));
        }
        await DeleteHookAsync(hook);
    }

    [Theory]
    [InlineData("developer", "project", HttpStatusCode.Forbidden)]
    [InlineData("maintainer", "project", HttpStatusCode.Created)]
    [InlineData("outsider", "project", HttpStatusCode.NotFound)]
    [InlineData("anonymous", "project", HttpStatusCode.Unauthorized)]
    [InlineData("maintainer", "group", HttpStatusCode.Forbidden)]
    [InlineData("owner", "group", HttpStatusCode.Created)]
    [InlineData("admin", "group", HttpStatusCode.Created)]
    [InlineData("outsider", "group", HttpStatusCode.NotFound)]
    public async Task Maintainers_manage_project_hooks_and_owners_group_hooks(string who, string on, HttpStatusCode expected)
    {
        var token = who switch
        {
            "developer" => fixture.Developer,
            "maintainer" => fixture.Maintainer,
            "owner" => fixture.Owner,
            "outsider" => fixture.Outsider,
            "admin" => RegistryServer.RootToken,
            _ => null,
        };
        var url = on == "project" ? Hooks : "/api/v4/groups/hk/hooks";
        using var client = Server.Client(token);
        using var response = await client.PostAsJsonAsync(url, new { url = "http://127.0.0.1:9/x" });
        Assert.Equal(expected, response.StatusCode);
        using var list = await client.GetAsync(url);
        Assert.Equal(expected == HttpStatusCode.Created ? HttpStatusCode.OK : expected, list.StatusCode);
        if (response.StatusCode == HttpStatusCode.Created)
            await DeleteHookAsync(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement, url);
    }

    [Fact]
    public async Task A_group_hook_fires_for_a_project_below_the_group()
    {
        await Server.CreateGroupAsync("sub", parentPath: "hk");
        await Server.CreateProjectAsync("hk/sub", "deep");
        await using var receiver = await HookReceiver.StartedAsync();
        var hook = await CreateHookAsync(receiver.Url, hooksUrl: "/api/v4/groups/hk/hooks", as_: fixture.Owner);
        Assert.Equal("hk", (await Server.GraphQLAsync("{ group(fullPath: \"hk\") { fullPath } }")).GetProperty("group").GetProperty("fullPath").GetString());
        await Server.PublishAsync("hk/sub/deep", "grp", "1.0.0", "g.txt", "g");
        var got = (await WaitForAsync(receiver, b => b.GetProperty("package").GetProperty("name").GetString() == "grp", 1, "the group hook's event")).Single();
        Assert.Equal("hk/sub/deep", JsonDocument.Parse(got.Body).RootElement.GetProperty("project").GetProperty("path_with_namespace").GetString());
        await DeleteHookAsync(hook, "/api/v4/groups/hk/hooks");
    }

    /// <summary>
    /// Whether a project has a hook that takes its events is kept a moment when it has one, never when it has none: a
    /// hook added right after a publish that found none gets the very next publish.
    /// </summary>
    [Fact]
    public async Task A_hook_added_right_after_a_publish_that_found_none_gets_the_next_publish()
    {
        await Server.CreateGroupAsync("late");
        await Server.CreateProjectAsync("late", "app");
        await Server.PublishAsync("late/app", "late", "1.0.0", "before.txt", "b");
        await using var receiver = await HookReceiver.StartedAsync();
        const string hooks = "/api/v4/projects/late%2Fapp/hooks";
        var hook = await CreateHookAsync(receiver.Url, hooksUrl: hooks, as_: RegistryServer.RootToken);
        await Server.PublishAsync("late/app", "late", "1.0.0", "after.txt", "a");
        var got = await WaitForAsync(receiver, b => b.GetProperty("package").GetProperty("name").GetString() == "late", 1, "the new hook's first event");
        Assert.Equal("after.txt", JsonDocument.Parse(got.Single().Body).RootElement.GetProperty("package_file").GetProperty("file_name").GetString());
        await DeleteHookAsync(hook, hooks);
    }

    /// <summary>
    /// Uploads that finish together are recorded in one transaction (group commit), and the batch's events are inserted
    /// together just before its commit: every upload of a burst has its event, exactly once.
    /// </summary>
    [Fact]
    public async Task Uploads_recorded_together_each_have_exactly_one_event()
    {
        await Server.CreateProjectAsync("hk", "burst");
        await using var receiver = await HookReceiver.StartedAsync();
        const string hooks = "/api/v4/projects/hk%2Fburst/hooks";
        var hook = await CreateHookAsync(receiver.Url, hooksUrl: hooks, as_: RegistryServer.RootToken);
        var names = Enumerable.Range(0, 32).Select(i => $"f{i:D2}.txt").ToList();
        await Task.WhenAll(names.Select(n => Server.PublishAsync("hk/burst", "burst", "1.0.0", n, n)));
        await WaitForAsync(receiver, b => b.GetProperty("package").GetProperty("name").GetString() == "burst", names.Count, "an event per upload");
        await Task.Delay(TimeSpan.FromSeconds(1)); // an event recorded twice would come by now
        var files = receiver.Received.Select(r => JsonDocument.Parse(r.Body).RootElement)
            .Where(b => b.GetProperty("package").GetProperty("name").GetString() == "burst")
            .Select(b => b.GetProperty("package_file").GetProperty("file_name").GetString()!).Order().ToList();
        Assert.Equal(names, files);
        await DeleteHookAsync(hook, hooks);
    }

    [Fact]
    public async Task GraphQL_creates_lists_tests_resends_updates_and_deletes_a_hook()
    {
        await using var receiver = await HookReceiver.StartedAsync();
        var created = await Server.MutateAsync("createWebhook", new { projectPath = "hk/app", url = receiver.Url, token = "gql-token-abcdef", name = "gql" },
            fixture.Maintainer, "webhook { id url name packageEvents alertStatus } signingSecret errors");
        Assert.Empty(created.Errors());
        var id = created.GetProperty("webhook").GetProperty("id").GetString()!;
        Assert.StartsWith("whsec_", created.GetProperty("signingSecret").GetString());
        // The project or group must be visible (else as missing), exactly one of them named, and the role the service's.
        var hiddenProject = await Server.MutateAsync("createWebhook", new { projectPath = "hk/app", url = receiver.Url }, fixture.Outsider);
        Assert.Equal([RegistryError.ResourceNotAvailable], hiddenProject.Errors());
        var hiddenGroup = await Server.MutateAsync("createWebhook", new { groupPath = "hk", url = receiver.Url }, fixture.Outsider);
        Assert.Equal([RegistryError.ResourceNotAvailable], hiddenGroup.Errors());
        var both = await Server.MutateAsync("createWebhook", new { projectPath = "hk/app", groupPath = "hk", url = receiver.Url }, fixture.Maintainer);
        Assert.Equal(["Give exactly one of projectPath and groupPath"], both.Errors());
        Assert.NotEmpty((await Server.MutateAsync("createWebhook", new { groupPath = "hk", url = receiver.Url }, fixture.Maintainer)).Errors());
        var groupHook = await Server.MutateAsync("createWebhook", new { groupPath = "hk", url = receiver.Url }, fixture.Owner, "webhook { id } errors");
        Assert.Empty(groupHook.Errors());
        Assert.Empty((await Server.MutateAsync("deleteWebhook", new { id = groupHook.GetProperty("webhook").GetProperty("id").GetString() }, fixture.Owner)).Errors());
        // A Developer may not see or change hooks.
        var hidden = await Server.GraphQLAsync("{ project(fullPath: \"hk/app\") { webhooks { id } } }", token: fixture.Developer);
        Assert.Equal(JsonValueKind.Null, hidden.GetProperty("project").GetProperty("webhooks").ValueKind);
        Assert.NotEmpty((await Server.MutateAsync("testWebhook", new { id }, fixture.Developer)).Errors());

        var tested = await Server.MutateAsync("testWebhook", new { id }, fixture.Maintainer, "delivery { id idempotencyKey } errors");
        Assert.Empty(tested.Errors());
        await Eventually.HoldsAsync(() => receiver.Received.Count == 1, "the test event");
        var list = await Eventually.ReturnsAsync(() => Server.GraphQLAsync("{ project(fullPath: \"hk/app\") { webhooks { id url deliveries { id state responseStatus test } } } }",
            token: fixture.Maintainer), d => d.GetProperty("project").GetProperty("webhooks").EnumerateArray()
                .Any(h => h.GetProperty("id").GetString() == id && h.GetProperty("deliveries").EnumerateArray().Any(x => x.GetProperty("state").GetString() == "DELIVERED")),
            "the delivery listed as delivered");
        var delivery = list.GetProperty("project").GetProperty("webhooks").EnumerateArray().Single(h => h.GetProperty("id").GetString() == id)
            .GetProperty("deliveries")[0];
        Assert.Equal(200, delivery.GetProperty("responseStatus").GetInt32());
        Assert.Empty((await Server.MutateAsync("resendWebhookDelivery", new { id = delivery.GetProperty("id").GetString() }, fixture.Maintainer)).Errors());
        await Eventually.HoldsAsync(() => receiver.Received.Count == 2, "the resent event");
        Assert.Equal(receiver.Received.First().Headers["Idempotency-Key"], receiver.Received.Last().Headers["Idempotency-Key"]);

        var updated = await Server.MutateAsync("updateWebhook", new { id, name = "renamed", packageEvents = false }, fixture.Maintainer,
            "webhook { name packageEvents } errors");
        Assert.Empty(updated.Errors());
        Assert.Equal("renamed", updated.GetProperty("webhook").GetProperty("name").GetString());
        Assert.False(updated.GetProperty("webhook").GetProperty("packageEvents").GetBoolean());
        Assert.Empty((await Server.MutateAsync("deleteWebhook", new { id }, fixture.Maintainer)).Errors());
        var after = await Server.GraphQLAsync("{ project(fullPath: \"hk/app\") { webhooks { id } } }", token: fixture.Maintainer);
        Assert.DoesNotContain(after.GetProperty("project").GetProperty("webhooks").EnumerateArray(), h => h.GetProperty("id").GetString() == id);
    }
}
