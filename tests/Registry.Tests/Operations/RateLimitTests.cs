using System.Net;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Operations;

public sealed class RateLimitTests
{
    [Fact]
    public async Task Api_reads_over_the_limit_answer_429_with_retry_after_per_token()
    {
        await using var server = await RegistryServer.StartAsync(new Dictionary<string, string>
        {
            ["Registry:RateLimits:ApiRead:Limit"] = "20",
            ["Registry:RateLimits:ApiRead:Period"] = "00:01:00",
            ["Registry:RateLimits:Upload:Limit"] = "1",
        });
        // Set-up over GraphQL spends the root token's reads (fewer than 20): other tokens are tested below.
        await server.CreateGroupAsync("limits", visibility: "PUBLIC");
        await server.CreateProjectAsync("limits", "app", visibility: "PUBLIC");
        var alice = await server.CreateUserWithTokenAsync("alice");
        var bob = await server.CreateUserWithTokenAsync("bob");
        using var aliceClient = server.Client(alice);
        const string list = "/api/v4/projects/limits%2Fapp/packages";

        for (var i = 0; i < 20; i++)
            Assert.Equal(HttpStatusCode.OK, (await aliceClient.GetAsync(list)).StatusCode);
        using var limited = await aliceClient.GetAsync(list);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        var retryAfter = limited.Headers.RetryAfter!.Delta!.Value;
        Assert.InRange(retryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        Assert.Equal("Retry later\n", await limited.Content.ReadAsStringAsync());
        Assert.Equal("20", Assert.Single(limited.Headers.GetValues("RateLimit-Limit")));
        Assert.Single(limited.Headers.GetValues("X-Request-Id"));

        // Another token, and anonymous callers (by address), have their own windows; probes are never limited.
        using var bobClient = server.Client(bob);
        Assert.Equal(HttpStatusCode.OK, (await bobClient.GetAsync(list)).StatusCode);
        using var anonymous = server.Client();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(list)).StatusCode);
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.OK, (await aliceClient.GetAsync("/-/readiness")).StatusCode);

        // Uploads are their own class with their own limit.
        var upload = Publishing.Url("limits/app", "pkg", "1.0.0", "a.bin");
        await server.AddProjectMemberAsync("limits/app", "alice", "DEVELOPER");
        Assert.Equal(HttpStatusCode.Created, (await aliceClient.PutAsync(upload, new ByteArrayContent([1]))).StatusCode);
        using var second = await aliceClient.PutAsync(upload, new ByteArrayContent([2]));
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal("throttle_uploads", Assert.Single(second.Headers.GetValues("RateLimit-Name")));
    }

    /// <summary>
    /// A made-up token is no caller of its own: counted per presented string, a flood sending a new random token with
    /// every request was never limited. It counts against its address, as an anonymous request does.
    /// </summary>
    [Fact]
    public async Task Requests_with_made_up_tokens_are_limited_by_address_like_anonymous_ones()
    {
        const int limit = 50, flood = 2000;
        await using var server = await RegistryServer.StartAsync(new Dictionary<string, string>
        {
            ["Registry:RateLimits:ApiRead:Limit"] = limit.ToString(),
            ["Registry:RateLimits:ApiRead:Period"] = "00:10:00",
        });
        var alice = await server.CreateUserWithTokenAsync("flood-alice");
        using var client = server.Client();
        var next = 0;
        var limited = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= flood)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v4/projects/1/packages");
                request.Headers.Add("PRIVATE-TOKEN", "glpat-" + Guid.NewGuid().ToString("N"));
                using var response = await client.SendAsync(request);
                if (response.StatusCode == HttpStatusCode.TooManyRequests) Interlocked.Increment(ref limited);
            }
        }));
        Assert.Equal(flood - limit, limited);

        // The address's window is spent for anonymous requests too; a real token has a window of its own.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync("/api/v4/projects/1/packages")).StatusCode);
        using var aliceClient = server.Client(alice);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await aliceClient.GetAsync("/api/v4/projects/1/packages")).StatusCode);
    }

    [Fact]
    public async Task Nothing_is_limited_by_default()
    {
        await using var server = await RegistryServer.StartAsync();
        using var client = server.Client();
        var statuses = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            using var response = await client.GetAsync("/api/v4/projects/1/packages");
            return response.StatusCode;
        }));
        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses);
    }
}
