using System.Security.Cryptography;
using Microsoft.Playwright;
using Registry.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Registry.Tests.Web;

/// <summary>
/// The Upload files panel sends a large file with tus (tus-js-client): a PATCH whose connection drops is retried from
/// the server's offset, never from the start, and the published file is intact.
/// </summary>
public sealed class ResumableUploadBrowserTests(WebUiFixture fixture, ITestOutputHelper output) : IClassFixture<WebUiFixture>
{
    private RegistryServer Server => fixture.Server;

    [Fact]
    public async Task A_large_file_resumes_after_a_dropped_connection_without_sending_the_finished_part_again()
    {
        await Server.CreateGroupAsync("resume");
        await Server.CreateProjectAsync("resume", "app");
        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = Server.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(HeadlessChromium.Deadline);
        page.Console += (_, m) => { if (m.Type == "error") output.WriteLine("console error: " + m.Text); };
        await page.GotoAsync("/users/sign_in");
        await page.GetByLabel("Username").FillAsync("root");
        await page.GetByLabel("Password").FillAsync(RegistryServer.RootPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).WaitForAsync();

        // Every PATCH the page sends, by offset; the second one's connection is dropped once, before it reaches the server.
        var patches = new List<long>();
        var dropped = false;
        await page.RouteAsync("**/packages/tus/**", async route =>
        {
            if (route.Request.Method == "PATCH")
            {
                var offset = long.Parse(route.Request.Headers["upload-offset"]);
                lock (patches) patches.Add(offset);
                if (offset > 0 && !dropped)
                {
                    dropped = true;
                    await route.AbortAsync("connectionreset");
                    return;
                }
            }
            await route.ContinueAsync();
        });

        await page.GotoAsync("/resume/app/-/packages");
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload files" }).ClickAsync();
        await page.GetByLabel("Package name").FillAsync("resumed");
        await page.GetByLabel("Version").FillAsync("1.0.0");
        // Two PATCHes' worth (the page sends 8 MiB each): every byte also crosses Playwright's protocol, twice.
        var content = new byte[8 * 1024 * 1024 + 5];
        new Random(25).NextBytes(content);
        await page.Locator("#upload-files").SetInputFilesAsync(new FilePayload { Name = "image.iso", MimeType = "application/octet-stream", Buffer = content });
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("upload-item").Filter(new() { HasText = "Uploaded" })).ToHaveCountAsync(1);

        Assert.True(dropped);
        const long chunk = 8 * 1024 * 1024;
        // 0 once; the dropped PATCH again from 8 MiB (after a HEAD), never the finished part from 0.
        Assert.Equal([0, chunk, chunk], patches);
        using var api = Server.Client(RegistryServer.RootToken);
        var stored = await api.GetByteArrayAsync(Publishing.Url("resume/app", "resumed", "1.0.0", "image.iso"));
        Assert.Equal(SHA256.HashData(content), SHA256.HashData(stored));
        await context.CloseAsync();
    }
}
