using System.Net;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.AccessTokens;

/// <summary>A CI job token acts for one project only (docs/api-contract.md, Access), even where its user could read more.</summary>
public sealed class JobTokenScopeTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private RegistryServer Server => fixture.Server;

    [Fact]
    public async Task A_job_token_reads_only_its_own_project_and_public_ones()
    {
        await Server.CreateGroupAsync("jt-scope", "INTERNAL");
        var own = await Server.CreateProjectAsync("jt-scope", "own", "PRIVATE");
        var @internal = await Server.CreateProjectAsync("jt-scope", "internal", "INTERNAL");
        var @public = await Server.CreateProjectAsync("jt-scope", "public", "PUBLIC");
        var devToken = await Server.CreateUserWithTokenAsync("jt-scope-dev");
        await Server.AddProjectMemberAsync("jt-scope/own", "jt-scope-dev", "DEVELOPER");
        using var root = Server.Client(RegistryServer.RootToken);
        foreach (var project in new[] { own, @internal, @public })
            Assert.Equal(HttpStatusCode.Created, (await root.PutAsync(Publishing.Url(project, "p", "1.0", "f.txt"), new StringContent("x"))).StatusCode);

        var job = await Server.CreateCiJobTokenAsync("jt-scope/own", devToken);
        using var client = Server.Client(h => h.Add("JOB-TOKEN", job));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Publishing.Url(own, "p", "1.0", "f.txt"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Publishing.Url(@public, "p", "1.0", "f.txt"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(Publishing.Url(@internal, "p", "1.0", "f.txt"))).StatusCode);

        // The same user with a personal token does read the internal project.
        using var personal = Server.Client(devToken);
        Assert.Equal(HttpStatusCode.OK, (await personal.GetAsync(Publishing.Url(@internal, "p", "1.0", "f.txt"))).StatusCode);
    }
}
