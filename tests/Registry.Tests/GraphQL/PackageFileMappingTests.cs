using System.Security.Cryptography;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.GraphQL;

/// <summary>REST's <c>select=package_file</c> record and GraphQL's <c>PackageFile</c> describe the same file the same way.</summary>
public sealed class PackageFileMappingTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private RegistryServer Server => fixture.Server;

    [Fact]
    public async Task Rest_record_and_graphql_package_file_agree()
    {
        await Server.CreateGroupAsync("map");
        await Server.CreateProjectAsync("map", "app");
        var content = RandomNumberGenerator.GetBytes(12345);
        var rest = await Server.PublishAsync("map/app", "mapped", "2.0.0", "dir/mapped.tar.gz", content);

        var data = await Server.GraphQLAsync("""
            query($id: PackagesPackageID!) {
              package(id: $id) { id name version packageFiles { nodes { id fileName size fileSha256 fileMd5 fileSha1 createdAt downloadPath } } }
            }
            """, new { id = $"gid://gitlab/Packages::Package/{rest.GetProperty("package_id").GetInt64()}" });
        var package = data.GetProperty("package");
        Assert.Equal("mapped", package.GetProperty("name").GetString());
        var file = Assert.Single(package.GetProperty("packageFiles").GetProperty("nodes").EnumerateArray());

        Assert.Equal($"gid://gitlab/Packages::PackageFile/{rest.GetProperty("id").GetInt64()}", file.GetProperty("id").GetString());
        Assert.Equal(rest.GetProperty("id").GetInt64(), RegistryClient.IdOf(file.GetProperty("id").GetString()!));
        Assert.Equal(rest.GetProperty("size").GetInt64().ToString(), file.GetProperty("size").GetString());
        Assert.Equal("12345", file.GetProperty("size").GetString());
        Assert.Equal(rest.GetProperty("file_sha256").GetString(), file.GetProperty("fileSha256").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), file.GetProperty("fileSha256").GetString());
        Assert.Equal(rest.GetProperty("file_md5").GetString(), file.GetProperty("fileMd5").GetString());
        Assert.Equal(rest.GetProperty("file_sha1").GetString(), file.GetProperty("fileSha1").GetString());
        Assert.Equal(rest.GetProperty("file_name").GetString(), file.GetProperty("fileName").GetString());
        Assert.Equal(rest.GetProperty("created_at").GetDateTime(), file.GetProperty("createdAt").GetDateTime().ToUniversalTime(), TimeSpan.FromMilliseconds(1));

        // downloadPath downloads exactly this file.
        using var client = Server.Client(RegistryServer.RootToken);
        Assert.Equal(content, await client.GetByteArrayAsync(file.GetProperty("downloadPath").GetString()));
    }
}
