using System.Net;
using System.Text.Json;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.PackagesApi;

/// <summary>
/// Offset pages read through the keyset index (OffsetPageReader): a page asked again, or the next one, seeks from the
/// position the last read left, and must still be exactly the offset page of the list as it is now, writes included.
/// </summary>
public sealed class DeepPageTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private RegistryServer Server => fixture.Server;

    private static async Task<string[]> PageAsync(HttpClient client, long projectId, int page, string order = "order_by=name") =>
        (await client.GetOkAsync($"/api/v4/projects/{projectId}/packages?per_page=3&page={page}&{order}")).Names().ToArray();

    [Fact]
    public async Task Pages_asked_again_or_in_turn_follow_deletes_and_uploads_before_them()
    {
        await Server.CreateGroupAsync("deep-pages");
        var projectId = await Server.CreateProjectAsync("deep-pages", "app");
        using var client = Server.Client(RegistryServer.RootToken);
        for (var i = 0; i < 12; i++) await Server.PublishAsync(projectId, $"p{i:D2}", "1.0.0");

        var walked = new List<string>();
        for (var page = 1; page <= 4; page++) walked.AddRange(await PageAsync(client, projectId, page));
        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"p{i:D2}"), walked);
        Assert.Equal(["p06", "p07", "p08"], await PageAsync(client, projectId, 3));
        Assert.Equal(["p05", "p04", "p03"], await PageAsync(client, projectId, 3, "order_by=name&sort=desc"));
        Assert.Equal(["p05", "p04", "p03"], await PageAsync(client, projectId, 3, "order_by=name&sort=desc"));

        // A package before page 3 goes: the page starts one row later than where it started before.
        var p01 = (await client.GetOkAsync($"/api/v4/projects/{projectId}/packages?package_name=p01"))[0].GetProperty("id").GetInt64();
        using (var deleted = await client.DeleteAsync($"/api/v4/projects/{projectId}/packages/{p01}"))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(["p07", "p08", "p09"], await PageAsync(client, projectId, 3));
        Assert.Equal(["p10", "p11"], await PageAsync(client, projectId, 4));
        // Descending, p01 came after page 3: the page stays, and the last one is shorter.
        Assert.Equal(["p05", "p04", "p03"], await PageAsync(client, projectId, 3, "order_by=name&sort=desc"));
        Assert.Equal(["p02", "p00"], await PageAsync(client, projectId, 4, "order_by=name&sort=desc"));

        // One is published before it: the page moves back.
        await Server.PublishAsync(projectId, "p00a", "1.0.0");
        Assert.Equal(["p06", "p07", "p08"], await PageAsync(client, projectId, 3));
        Assert.Equal(["p09", "p10", "p11"], await PageAsync(client, projectId, 4));
    }
}
