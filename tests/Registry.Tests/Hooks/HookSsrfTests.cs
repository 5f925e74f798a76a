using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Hooks;

/// <summary>
/// Server-side request forgery: with GitLab's "allow local requests" setting off (the default), hook URLs that point
/// at the local network are refused when saved and again when delivered, by the address connected to.
/// </summary>
public sealed class HookSsrfTests : IAsyncLifetime
{
    private RegistryServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await RegistryServer.StartAsync(HookFixture.FastHooks);
        await _server.CreateGroupAsync("ssrf");
        await _server.CreateProjectAsync("ssrf", "app");
    }

    public Task DisposeAsync() => _server.DisposeAsync().AsTask();

    private async Task<(HttpStatusCode, string)> CreateAsync(string url)
    {
        using var client = _server.Client(RegistryServer.RootToken);
        using var response = await client.PostAsJsonAsync("/api/v4/projects/ssrf%2Fapp/hooks", new { url });
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("http://localhost:{port}/hook")]   // a name that resolves to 127.0.0.1
    [InlineData("http://127.0.0.1:{port}/hook")]
    [InlineData("http://[::1]:{port}/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://10.1.2.3/hook")]
    [InlineData("http://192.168.1.1/hook")]
    [InlineData("http://172.16.0.1/hook")]
    [InlineData("http://[fd00::1]/hook")]
    [InlineData("http://0.0.0.0:{port}/hook")]
    [InlineData("ftp://example.org/hook")]
    [InlineData("file:///etc/passwd")]
    [InlineData("not a url")]
    public async Task Local_addresses_and_other_schemes_are_refused_while_local_requests_are_not_allowed(string url)
    {
        await using var receiver = await HookReceiver.StartedAsync();
        var (status, body) = await CreateAsync(url.Replace("{port}", receiver.Port.ToString()));
        Assert.True(status == HttpStatusCode.UnprocessableEntity || status == HttpStatusCode.BadRequest, $"{(int)status} {body}");
        Assert.Contains("blocked", body);
    }

    [Fact]
    public async Task The_registry_itself_is_refused_even_when_local_requests_are_allowed()
    {
        await HookFixture.AllowLocalAsync(_server, true);
        try
        {
            var (status, body) = await CreateAsync($"{_server.BaseAddress.GetLeftPart(UriPartial.Authority)}/api/v4/projects");
            Assert.True(status == HttpStatusCode.UnprocessableEntity, $"{(int)status} {body}");
        }
        finally { await HookFixture.AllowLocalAsync(_server, false); }
    }

    [Fact]
    public async Task A_hook_saved_while_allowed_is_not_delivered_once_local_requests_are_refused_again()
    {
        await using var receiver = await HookReceiver.StartedAsync();
        await HookFixture.AllowLocalAsync(_server, true);
        var (status, body) = await CreateAsync($"http://localhost:{receiver.Port}/hook");
        Assert.Equal(HttpStatusCode.Created, status);
        var id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetInt64();
        await HookFixture.AllowLocalAsync(_server, false);
        using var client = _server.Client(RegistryServer.RootToken);
        using (var r = await client.PostAsync($"/api/v4/projects/ssrf%2Fapp/hooks/{id}/test/package_events", null))
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        var events = await Eventually.ReturnsAsync(async () => await client.GetFromJsonAsync<JsonElement>($"/api/v4/projects/ssrf%2Fapp/hooks/{id}/events"),
            e => e.GetArrayLength() == 1 && e[0].GetProperty("state").GetString() == "failed", "the delivery refused");
        Assert.Contains("blocked", events[0].GetProperty("internal_error_message").GetString());
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task Only_administrators_read_and_change_the_application_setting()
    {
        var user = await _server.CreateUserWithTokenAsync("ssrf-user");
        using var anonymous = _server.Client();
        using (var r = await anonymous.GetAsync("/api/v4/application/settings")) Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        using var someone = _server.Client(user);
        using (var r = await someone.PutAsync("/api/v4/application/settings?allow_local_requests_from_web_hooks_and_services=true", null))
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        using var root = _server.Client(RegistryServer.RootToken);
        var settings = await root.GetFromJsonAsync<JsonElement>("/api/v4/application/settings");
        Assert.False(settings.GetProperty("allow_local_requests_from_web_hooks_and_services").GetBoolean());
    }
}
