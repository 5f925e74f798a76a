using System.Net;
using System.Net.Http.Headers;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Generic;

/// <summary>
/// Range and conditional downloads beyond the plain cases (docs/api-contract.md, Generic packages: Range, ETag = the SHA-256 and
/// If-None-Match honoured): suffix, open-ended, unsatisfiable and multiple ranges, If-Range, HEAD with a range,
/// If-None-Match with <c>*</c>, weak tags and lists. Each asserts the status, the range headers, the ETag and the bytes.
/// </summary>
public sealed class DownloadConditionsTests(DownloadConditionsTests.Fixture fixture) : IClassFixture<DownloadConditionsTests.Fixture>
{
    public const long Size = 10_000;

    public sealed class Fixture : IAsyncLifetime
    {
        public RegistryServer Server { get; private set; } = null!;
        public string Url { get; private set; } = "";
        public byte[] Content { get; } = GeneratedContent.Bytes(Size, seed: 77);
        public string Sha { get; } = GeneratedContent.Sha256(Size, seed: 77);

        public async Task InitializeAsync()
        {
            Server = await RegistryServer.StartAsync();
            var project = await Server.CreateUniqueProjectAsync("cond");
            await Server.PublishAsync(project, "cond", "1.0.0", "c.bin", Content);
            Url = Publishing.Url(project, "cond", "1.0.0", "c.bin");
        }

        public Task DisposeAsync() => Server.DisposeAsync().AsTask();
    }

    private string ETag => $"\"{fixture.Sha}\"";

    private async Task<(HttpResponseMessage Response, byte[] Body)> SendAsync(HttpMethod method, Action<HttpRequestHeaders> headers)
    {
        using var client = fixture.Server.Client(RegistryServer.RootToken);
        var request = new HttpRequestMessage(method, fixture.Url);
        headers(request.Headers);
        var response = await client.SendAsync(request);
        return (response, await response.Content.ReadAsByteArrayAsync());
    }

    private void AssertFileHeaders(HttpResponseMessage response)
    {
        Assert.Equal(ETag, response.Headers.ETag?.ToString());
        Assert.Equal(fixture.Sha, response.Headers.GetValues("X-Checksum-SHA256").Single());
        Assert.Equal("bytes", response.Headers.AcceptRanges.Single());
    }

    [Theory]
    [InlineData("bytes=-100", Size - 100, Size - 1)]       // suffix: the last 100 bytes
    [InlineData("bytes=-20000", 0, Size - 1)]              // a suffix longer than the file is the whole file
    [InlineData("bytes=9000-", 9000, Size - 1)]            // open-ended
    [InlineData("bytes=9990-20000", 9990, Size - 1)]       // an end past the file is cut at its end
    [InlineData("bytes=0-0", 0, 0)]
    public async Task Satisfiable_ranges_are_206_with_their_bytes(string range, long from, long to)
    {
        var (response, body) = await SendAsync(HttpMethod.Get, h => h.TryAddWithoutValidation("Range", range));
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal($"bytes {from}-{to}/{Size}", response.Content.Headers.ContentRange?.ToString());
        Assert.Equal(to - from + 1, response.Content.Headers.ContentLength);
        Assert.Equal(fixture.Content[(int)from..(int)(to + 1)], body);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.ToString());
        AssertFileHeaders(response);
    }

    [Theory]
    [InlineData("bytes=10000-")]
    [InlineData("bytes=20000-20010")]
    public async Task Unsatisfiable_range_is_416_with_the_size(string range)
    {
        var (response, body) = await SendAsync(HttpMethod.Get, h => h.TryAddWithoutValidation("Range", range));
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
        Assert.Equal($"bytes */{Size}", response.Content.Headers.ContentRange?.ToString());
        Assert.Empty(body);
    }

    [Fact]
    public async Task Multiple_ranges_get_the_whole_file()
    {
        // multipart/byteranges is not offered: the whole representation is a valid answer to any Range (RFC 9110).
        var (response, body) = await SendAsync(HttpMethod.Get, h => h.TryAddWithoutValidation("Range", "bytes=0-1,5-6"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Content.Headers.ContentRange);
        Assert.Equal(fixture.Content, body);
        AssertFileHeaders(response);
    }

    [Fact]
    public async Task If_range_with_the_current_tag_gets_the_range_and_with_another_tag_the_whole_file()
    {
        var (partial, slice) = await SendAsync(HttpMethod.Get, h =>
        {
            h.TryAddWithoutValidation("Range", "bytes=100-199");
            h.TryAddWithoutValidation("If-Range", ETag);
        });
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(fixture.Content[100..200], slice);

        var (whole, all) = await SendAsync(HttpMethod.Get, h =>
        {
            h.TryAddWithoutValidation("Range", "bytes=100-199");
            h.TryAddWithoutValidation("If-Range", "\"0000\"");
        });
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Null(whole.Content.Headers.ContentRange);
        Assert.Equal(fixture.Content, all);
        AssertFileHeaders(whole);
    }

    [Fact]
    public async Task Head_with_a_range_describes_the_range_without_a_body()
    {
        var (response, body) = await SendAsync(HttpMethod.Head, h => h.TryAddWithoutValidation("Range", "bytes=-10"));
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal($"bytes {Size - 10}-{Size - 1}/{Size}", response.Content.Headers.ContentRange?.ToString());
        Assert.Equal(10, response.Content.Headers.ContentLength);
        Assert.Empty(body);
        AssertFileHeaders(response);
    }

    [Theory]
    [InlineData("*")]
    [InlineData("W/\"{sha}\"")]
    [InlineData("\"0000\", \"{sha}\"")]
    [InlineData("\"0000\",W/\"{sha}\"")]
    public async Task If_none_match_that_matches_is_304_with_the_etag_and_no_body(string condition)
    {
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Head })
        {
            var (response, body) = await SendAsync(method, h => h.TryAddWithoutValidation("If-None-Match", condition.Replace("{sha}", fixture.Sha)));
            Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
            Assert.Equal(ETag, response.Headers.ETag?.ToString());
            Assert.Empty(body);
        }
    }

    [Theory]
    [InlineData("\"0000\"")]
    [InlineData("\"0000\", \"1111\"")]
    [InlineData("\"{sha}-suffix\"")]
    public async Task If_none_match_that_does_not_match_gets_the_file(string condition)
    {
        var (response, body) = await SendAsync(HttpMethod.Get, h => h.TryAddWithoutValidation("If-None-Match", condition.Replace("{sha}", fixture.Sha)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(fixture.Content, body);
        AssertFileHeaders(response);
    }
}
