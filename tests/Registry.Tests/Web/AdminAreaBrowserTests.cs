using System.Net;
using Microsoft.Playwright;
using Registry.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Registry.Tests.Web;

/// <summary>
/// The admin area as an operator uses it (issue 27, item 10), in Debian's chromium: block and unblock a user (whose
/// token the API refuses meanwhile), create a project in a namespace picked from a list, and delete a project and a
/// group after a confirmation that says, as the server counted, what goes; every row links to what it lists.
/// </summary>
public sealed class AdminAreaBrowserTests(WebUiFixture fixture, ITestOutputHelper output) : IClassFixture<WebUiFixture>
{
    private RegistryServer Server => fixture.Server;

    [Fact]
    public async Task An_administrator_blocks_and_unblocks_a_user_and_deletes_a_project_and_a_group_after_a_confirmation_of_what_goes()
    {
        await Server.CreateGroupAsync("admui");
        await Server.CreateProjectAsync("admui", "app");
        await Server.PublishAsync("admui/app", "tool", "1.0", "a.bin", new byte[1000]);
        await Server.PublishAsync("admui/app", "tool", "1.0", "b.bin", new byte[24]);
        var token = await Server.CreateUserWithTokenAsync("admui-person");

        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = Server.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(HeadlessChromium.Deadline);
        page.PageError += (_, e) => output.WriteLine("page error: " + e);
        await page.GotoAsync("/users/sign_in");
        await page.GetByLabel("Username").FillAsync("root");
        await page.GetByLabel("Password").FillAsync(RegistryServer.RootPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).WaitForAsync();

        // Block: the person's token is refused from then on; unblock restores it.
        await page.GotoAsync("/admin");
        var row = page.GetByTestId("user-row").Filter(new() { HasText = "@admui-person" });
        await Assertions.Expect(row.GetByRole(AriaRole.Link)).ToHaveAttributeAsync("href", "/admui-person");
        await row.GetByRole(AriaRole.Button, new() { Name = "Block" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Blocked admui-person: their tokens and sessions no longer work.");
        await Assertions.Expect(row.GetByTestId("blocked-badge")).ToBeVisibleAsync();
        Assert.Equal(HttpStatusCode.Forbidden, await UserStatusAsync(token));
        await row.GetByRole(AriaRole.Button, new() { Name = "Unblock" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Unblocked admui-person: their tokens work again.");
        await Assertions.Expect(row.GetByTestId("blocked-badge")).ToHaveCountAsync(0);
        Assert.Equal(HttpStatusCode.OK, await UserStatusAsync(token));
        // Nobody blocks themselves: root's own row offers neither.
        var own = page.GetByTestId("user-row").Filter(new() { HasText = "@root" });
        await Assertions.Expect(own.GetByRole(AriaRole.Button, new() { Name = "Block" })).ToHaveCountAsync(0);

        // A new project in a namespace picked from the list.
        await page.GotoAsync("/admin/projects");
        await page.GetByLabel("Group or user namespace").SelectOptionAsync("admui");
        await page.GetByLabel("Project path").FillAsync("made");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create project" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Project admui/made created.");

        // Delete the project with packages: the dialog counts them before anything goes.
        var projectRow = page.GetByTestId("project-row").Filter(new() { HasText = "admui/app" });
        await Assertions.Expect(projectRow.GetByRole(AriaRole.Link, new() { Name = "Members" })).ToHaveAttributeAsync("href", "/admui/app/-/project_members");
        await projectRow.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog.GetByTestId("deletion-summary")).ToHaveTextAsync("This deletes 1 package, 2 files (1.00 KiB). This cannot be undone.");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Deleted project admui/app: 1 package, 2 files (1.00 KiB).");
        await Assertions.Expect(projectRow).ToHaveCountAsync(0);
        using (var root = Server.Client(RegistryServer.RootToken))
        using (var gone = await root.GetAsync("/api/v4/projects/" + Uri.EscapeDataString("admui/app")))
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);

        // Delete the group: what is left in it (the new, empty project) is named first; Cancel keeps it.
        await page.GotoAsync("/admin/groups");
        var groupRow = page.GetByTestId("group-row").Filter(new() { HasText = "admui" });
        await groupRow.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Assertions.Expect(dialog.GetByTestId("deletion-summary"))
            .ToHaveTextAsync("This deletes 1 project, 1 group, 0 packages, 0 files (0 B). This cannot be undone.");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Assertions.Expect(groupRow).ToHaveCountAsync(1);
        await groupRow.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Assertions.Expect(dialog.GetByTestId("deletion-summary")).ToContainTextAsync("1 project, 1 group");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Deleted group admui: 1 project, 1 group, 0 packages, 0 files (0 B).");
        await Assertions.Expect(groupRow).ToHaveCountAsync(0);
        await context.CloseAsync();
    }

    private async Task<HttpStatusCode> UserStatusAsync(string token)
    {
        using var client = Server.Client(token);
        using var response = await client.GetAsync("/api/v4/user");
        return response.StatusCode;
    }
}
