using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Registry.Schema.Data;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.ScaleOut;

/// <summary>
/// Transfers that exercise the S3 store's multipart path. Needs PostgreSQL + S3
/// (<c>REGISTRY_TEST_BACKEND=postgres-s3</c>); in the SQLite + file system configuration they are reported as skipped
/// (the file store's equivalents are in <see cref="Generic.TransferTests"/>).
/// </summary>
public sealed class S3TransferTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string NeedsBackend = "Multipart uploads exist only on the S3 store (REGISTRY_TEST_BACKEND=postgres-s3)";
    private RegistryServer Server => fixture.Server;

    [SkippableFact]
    public async Task Upload_broken_off_during_a_multipart_upload_leaves_no_object_no_part_and_no_row()
    {
        Skip.IfNot(TestBackend.IsPostgresS3, NeedsBackend);
        var project = await Server.CreateUniqueProjectAsync("s3broken");
        var url = Publishing.Url(project, "s3broken", "1.0.0", "half.bin");
        var before = (await TestBackend.BlobKeysAsync(Server)).ToHashSet();
        Assert.Equal(0, TestBackend.OpenMultipartUploads(Server));

        // 24 MiB declared, 12 MiB sent: more than the 8 MiB part size, so a multipart upload is open with a part on the wire.
        await RawHttp.SendPartialBodyAsync(Server.BaseAddress, url, contentLength: 24L * 1024 * 1024, send: 12 * 1024 * 1024, RegistryServer.RootToken,
            receiving: () => Task.FromResult(TestBackend.OpenMultipartUploads(Server) > 0));

        await Eventually.HoldsAsync(async () => TestBackend.OpenMultipartUploads(Server) == 0
            && (await TestBackend.BlobKeysAsync(Server)).ToHashSet().SetEquals(before), "the broken-off multipart upload is aborted and nothing is stored");
        using var client = Server.Client(RegistryServer.RootToken);
        using var get = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        using var scope = Server.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        Assert.False(await db.Packages.AnyAsync(p => p.ProjectId == project && p.Name == "s3broken"));
        Assert.False(await db.PackageFiles.AnyAsync(f => f.FileName == "half.bin"));
    }

    [SkippableFact]
    public async Task Hundred_MiB_through_S3_is_byte_exact()
    {
        Skip.IfNot(TestBackend.IsPostgresS3, NeedsBackend);
        var project = await Server.CreateUniqueProjectAsync("s3big");
        using var client = Server.Client(RegistryServer.RootToken);
        const long size = 100L * 1024 * 1024;
        var url = Publishing.Url(project, "s3big", "1.0.0", "big.bin");

        // Generated and hashed as streams on both sides: no 100 MiB array in the test either.
        using (var put = await client.PutAsync(url, new GeneratedContent(size, seed: 100)))
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(0, TestBackend.OpenMultipartUploads(Server));

        var expected = GeneratedContent.Sha256(size, seed: 100);
        using var get = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(size, get.Content.Headers.ContentLength);
        Assert.Equal(expected, get.Headers.GetValues("X-Checksum-SHA256").Single());
        var (actual, length) = await StreamHash.Sha256Async(await get.Content.ReadAsStreamAsync());
        Assert.Equal(size, length);
        Assert.Equal(expected, actual);

        // A range in the middle of a later part, to check the parts were assembled in order.
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(size - 8L * 1024 * 1024 - 10, size - 8L * 1024 * 1024 + 9);
        using var range = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, range.StatusCode);
        var slice = await range.Content.ReadAsByteArrayAsync();
        Assert.Equal(20, slice.Length);
        Assert.Equal(GeneratedContent.Slice(size, seed: 100, size - 8L * 1024 * 1024 - 10, 20), slice);
    }
}
