using System.Net;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Operations;

public sealed class MetricsTests
{
    private const string GenericRoute = "/api/v4/projects/{id}/packages/generic/{**rest}";

    [Fact]
    public async Task A_known_sequence_of_requests_is_counted_exactly()
    {
        await using var server = await RegistryServer.StartAsync(new Dictionary<string, string>
        {
            ["Registry:SweepInterval"] = "00:00:01",
            ["Registry:MaxFileSize"] = "1000",
        });
        await server.CreateGroupAsync("metrics");
        await server.CreateProjectAsync("metrics", "tools");
        using var client = server.Client(RegistryServer.RootToken);
        var sizes = new[] { 100, 200, 300 };
        foreach (var (size, i) in sizes.Select((s, i) => (s, i)))
        {
            using var put = await client.PutAsync(Publishing.Url("metrics/tools", "pkg", "1.0.0", $"f{i}.bin"), new ByteArrayContent(new byte[size]));
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }
        // Refused: too large (declared, so never read) and a checksum mismatch (read, then discarded).
        using (var tooLarge = await client.PutAsync(Publishing.Url("metrics/tools", "pkg", "1.0.0", "big.bin"), new ByteArrayContent(new byte[2000])))
            Assert.Equal(HttpStatusCode.BadRequest, tooLarge.StatusCode);
        using (var mismatch = new HttpRequestMessage(HttpMethod.Put, Publishing.Url("metrics/tools", "pkg", "1.0.0", "bad.bin")))
        {
            mismatch.Content = new ByteArrayContent(new byte[100]);
            mismatch.Headers.Add("X-Checksum-Sha256", new string('0', 64));
            using var refused = await client.SendAsync(mismatch);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }
        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Publishing.Url("metrics/tools", "pkg", "1.0.0", "f0.bin"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(Publishing.Url("metrics/tools", "pkg", "1.0.0", "missing.bin"))).StatusCode);

        // A request's duration is recorded just after its response went out: wait for the last one to land.
        (string, string)[] puts = [("http_route", GenericRoute), ("http_request_method", "PUT"), ("http_response_status_code", "201")];
        (string, string)[] gets = [("http_route", GenericRoute), ("http_request_method", "GET"), ("http_response_status_code", "200")];
        (string, string)[] missing = [("http_route", GenericRoute), ("http_request_method", "GET"), ("http_response_status_code", "404")];
        var scrape = await Eventually.ReturnsAsync(() => MetricsScrape.TakeAsync(client), s => s.Sum("http_server_request_duration_seconds_count", missing) >= 1
            && s.Sum("registry_files_stored") >= 3, "the last request's duration and the stored totals are recorded");
        Assert.Equal(3, scrape.Sum("http_server_request_duration_seconds_count", puts));
        Assert.Equal(2, scrape.Sum("http_server_request_duration_seconds_count", gets));
        Assert.Equal(1, scrape.Sum("http_server_request_duration_seconds_count", missing));
        // The latency histogram has its buckets, cumulative up to +Inf.
        Assert.Equal(3, scrape.Sum("http_server_request_duration_seconds_bucket", [.. puts, ("le", "+Inf")]));

        Assert.Equal(2, scrape.Sum("http_server_request_duration_seconds_count", ("http_route", GenericRoute), ("http_response_status_code", "400")));
        Assert.Equal(700, scrape.Sum("registry_uploaded_bytes_total"));
        Assert.Equal(200, scrape.Sum("registry_downloaded_bytes_total"));
        Assert.Equal(1, scrape.Sum("registry_uploads_refused_total", ("reason", "size")));
        Assert.Equal(1, scrape.Sum("registry_uploads_refused_total", ("reason", "checksum")));
        Assert.Equal(2, scrape.Sum("registry_uploads_refused_total"));
        Assert.Equal(3, scrape.Sum("registry_files_published_total"));
        Assert.Equal(1, scrape.Sum("registry_packages_stored"));
        Assert.Equal(3, scrape.Sum("registry_files_stored"));
        Assert.Equal(600, scrape.Sum("registry_files_stored_size_bytes"));
        Assert.True(scrape.Sum("registry_sweeps_total", ("kind", "partial_uploads")) >= 1);
        Assert.True(scrape.Sum("registry_sweeps_total", ("kind", "destroyed_files")) >= 1);
        // The runtime's own instruments.
        Assert.True(scrape.Has("dotnet_process_memory_working_set_bytes"), scrape.Text);
        Assert.True(scrape.Has("dotnet_gc_heap_total_allocated_bytes_total"), scrape.Text);
        Assert.True(scrape.Has("dotnet_thread_pool_thread_count_total") || scrape.Has("dotnet_thread_pool_thread_count"), scrape.Text);
    }

    [Fact]
    public async Task Only_listed_networks_may_read_them()
    {
        await using var server = await RegistryServer.StartAsync(new Dictionary<string, string>
        {
            ["Registry:Metrics:AllowedNetworks:0"] = "10.0.0.0/8",
        });
        using var client = server.Client();
        using var refused = await client.GetAsync("/-/metrics");
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Empty(await refused.Content.ReadAsByteArrayAsync());
        // Health is not restricted.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/-/readiness")).StatusCode);
    }

    [Fact]
    public async Task Loopback_is_allowed_by_default()
    {
        await using var server = await RegistryServer.StartAsync();
        using var client = server.Client();
        var scrape = await MetricsScrape.TakeAsync(client);
        Assert.True(scrape.Has("dotnet_process_memory_working_set_bytes"));
    }
}
