using System.Net;
using System.Security.Cryptography;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.ScaleOut;

/// <summary>
/// <c>Registry:Storage:S3:DirectDownload</c>: downloads answer 302 to a presigned URL that serves the bytes, and the
/// redirect itself still carries <c>X-Checksum-SHA256</c>. Needs the S3 store (REGISTRY_TEST_BACKEND=postgres-s3).
/// </summary>
public sealed class DirectDownloadTests
{
    [SkippableFact]
    public async Task Downloads_redirect_to_a_presigned_url_that_keeps_the_checksum()
    {
        Skip.IfNot(TestBackend.IsPostgresS3, "Presigned URLs exist only on the S3 store (REGISTRY_TEST_BACKEND=postgres-s3)");
        await using var server = await RegistryServer.StartAsync(new Dictionary<string, string> { ["Registry:Storage:S3:DirectDownload"] = "true" });
        await server.CreateGroupAsync("direct");
        var project = await server.CreateProjectAsync("direct", "app");
        var body = RandomNumberGenerator.GetBytes(70_000);
        var sha = Convert.ToHexStringLower(SHA256.HashData(body));
        using var root = server.Client(RegistryServer.RootToken);
        var url = Publishing.Url(project, "direct", "1.0", "dir/tool.bin");
        Assert.Equal(HttpStatusCode.Created, (await root.PutAsync(url, new ByteArrayContent(body))).StatusCode);

        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };
        noRedirects.DefaultRequestHeaders.Add("PRIVATE-TOKEN", RegistryServer.RootToken);
        using var redirect = await noRedirects.GetAsync(url);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal(sha, redirect.Headers.GetValues("X-Checksum-SHA256").Single());
        var location = redirect.Headers.Location!;
        Assert.StartsWith(TestBackend.S3Url, location.AbsoluteUri);
        // Presigned for five minutes from now: the link a client is handed cannot be replayed later.
        var query = System.Web.HttpUtility.ParseQueryString(location.Query);
        var expires = int.Parse(query["X-Amz-Expires"]!);
        Assert.InRange(expires, 295, 305); // five minutes; the SDK counts them on its own clock (301 seen)
        var signedAt = DateTime.ParseExact(query["X-Amz-Date"]!, "yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);
        Assert.InRange(signedAt, DateTime.UtcNow.AddMinutes(-2), DateTime.UtcNow.AddMinutes(1));
        Assert.Contains("response-content-disposition=", location.Query);

        // The presigned URL needs no registry token and serves the same bytes.
        using var plain = new HttpClient();
        using var fetched = await plain.GetAsync(location);
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        Assert.Equal(body, await fetched.Content.ReadAsByteArrayAsync());

        // Without credentials the registry still refuses before any redirect.
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(url)).StatusCode);
    }
}
