using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Registry.Schema.Data;
using Registry.Schema.Packages;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.GitLabUi;

/// <summary>
/// Packages for GitLab's UI documents to read: a private project with three displayed versions of <c>widget</c> (the
/// newest with two files), a hidden one, <c>gadget</c> and a package in the error state; a public project; a group
/// chain for the cascading settings; a maintainer and a reporter.
/// </summary>
public sealed class GitLabUiFixture : IAsyncLifetime
{
    public const string StatusMessage = "Invalid package: failed metadata extraction";

    public RegistryServer Server { get; private set; } = null!;
    public string Maintainer { get; private set; } = "";
    public string Reporter { get; private set; } = "";
    public Dictionary<string, long> Packages { get; } = new();
    public string Widget2 => Gid(Packages["widget/2.0.0"]);

    public static string Gid(long packageId) => $"gid://gitlab/Packages::Package/{packageId}";

    public async Task InitializeAsync()
    {
        Server = await RegistryServer.StartAsync();
        await Server.CreateGroupAsync("ui", "PRIVATE");
        await Server.CreateProjectAsync("ui", "app", "PRIVATE");
        await Server.CreateProjectAsync("ui", "trash", "PRIVATE");
        await Server.CreateGroupAsync("ui-pub", "PUBLIC");
        await Server.CreateProjectAsync("ui-pub", "lib", "PUBLIC");
        await Server.CreateGroupAsync("ui-fw", "PRIVATE");
        await Server.CreateGroupAsync("child", "PRIVATE", parentPath: "ui-fw");
        await Server.CreateProjectAsync("ui-fw/child", "app", "PRIVATE");
        await Server.CreateGroupAsync("ui-theory", "PRIVATE");

        Maintainer = await Server.CreateUserWithTokenAsync("ui-maintainer");
        await Server.AddProjectMemberAsync("ui/app", "ui-maintainer", "MAINTAINER");
        await Server.AddProjectMemberAsync("ui/trash", "ui-maintainer", "MAINTAINER");
        Reporter = await Server.CreateUserWithTokenAsync("ui-reporter");
        await Server.AddProjectMemberAsync("ui/app", "ui-reporter", "REPORTER");
        await Server.AddProjectMemberAsync("ui/trash", "ui-reporter", "REPORTER");

        await Publish("ui/app", "widget", "1.0.0", "a.txt");
        await Publish("ui/app", "widget", "1.1.0", "a.txt");
        await Publish("ui/app", "widget", "2.0.0", "a.txt");
        await Publish("ui/app", "widget", "2.0.0", "b.txt");
        await Publish("ui/app", "widget", "3.0.0", "a.txt", status: "hidden");
        await Publish("ui/app", "gadget", "0.1.0", "g.txt");
        await Publish("ui/app", "broken", "0.0.1", "x.txt");
        await Publish("ui-pub/lib", "open", "1.0.0", "o.txt");

        // Nothing here puts a package in the error state (GitLab's failed metadata extraction); set one as GitLab would.
        using var scope = Server.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var broken = Packages["broken/0.0.1"];
        await db.Packages.Where(p => p.Id == broken).ExecuteUpdateAsync(s => s
            .SetProperty(p => p.Status, PackageStatus.Error).SetProperty(p => p.StatusMessage, StatusMessage));
    }

    public async Task<long> Publish(string project, string name, string version, string file, string? status = null)
    {
        var record = await Server.PublishAsync(project, name, version, file, $"{name} {version} {file}", status);
        var packageId = record.GetProperty("package_id").GetInt64();
        Packages[$"{name}/{version}"] = packageId;
        return record.GetProperty("id").GetInt64();
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// GitLab's own package-registry and group-settings UI documents (GitLabUi/Documents, unchanged) validate against
/// this schema and read the right data: lists, details, versions, files, errors, settings, destroy mutations.
/// </summary>
public sealed class GitLabUiDocumentTests(GitLabUiFixture fixture) : IClassFixture<GitLabUiFixture>
{
    private RegistryServer Server => fixture.Server;
    private string Root => Server.BaseAddress.ToString().TrimEnd('/');

    private const string PackageRegistry = "packages_and_registries/package_registry/graphql/";
    private const string GroupSettings = "packages_and_registries/settings/group/graphql/";

    private async Task<JsonElement> RunAsync(string document, object variables, string? token = RegistryServer.RootToken)
    {
        var response = await Server.GraphQLResponseAsync(GitLabUiDocuments.Load(document), variables, token);
        Assert.True(response.StatusCode == HttpStatusCode.OK && !response.HasErrors, $"{document}: {(int)response.StatusCode} {response.Body}");
        return response.Data;
    }

    public static IEnumerable<object[]> Documents() => GitLabUiDocuments.Operations().Select(d => new object[] { d });

    /// <summary>Every operation kept from GitLab's UI runs without a validation or execution error, with real arguments.</summary>
    [Theory]
    [MemberData(nameof(Documents))]
    public async Task Every_gitlab_ui_document_validates_and_runs(string document)
    {
        var data = await RunAsync(document, await VariablesForAsync(document));
        foreach (var payload in data.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object && p.Value.TryGetProperty("errors", out _)))
            Assert.True(payload.Value.GetProperty("errors").GetArrayLength() == 0, $"{document}: {payload.Value}");
    }

    private async Task<object> VariablesForAsync(string document)
    {
        var name = document[(document.LastIndexOf('/') + 1)..];
        return name switch
        {
            "get_packages.query.graphql" => new { fullPath = "ui/app", isGroupPage = false, sort = "CREATED_DESC", first = 20 },
            "get_packages_count.query.graphql" => new { fullPath = "ui", isGroupPage = true, packageName = "widget" },
            "get_package_errors_count.query.graphql" => new { fullPath = "ui/app", isGroupPage = false },
            "get_package_details.query.graphql" => new { id = fixture.Widget2, first = 20 },
            "get_package_versions.query.graphql" => new { id = fixture.Widget2, first = 20 },
            "get_package_files.query.graphql" => new { id = fixture.Widget2, first = 100 },
            "get_package_pipelines.query.graphql" => new { id = fixture.Widget2, first = 1 },
            "get_group_package_settings.query.graphql" => new { fullPath = "ui-fw/child/app" },
            "get_group_packages_settings.query.graphql" => new { fullPath = "ui" },
            "update_group_packages_settings.mutation.graphql" => new { input = new { namespacePath = "ui-theory", genericDuplicatesAllowed = true } },
            "update_package_forwarding_settings.mutation.graphql" => new { input = new { namespacePath = "ui-theory", npmPackageRequestsForwarding = false } },
            "destroy_package.mutation.graphql" => new { id = await TrashPackageAsync() },
            "destroy_packages.mutation.graphql" => new { ids = new[] { await TrashPackageAsync(), await TrashPackageAsync() } },
            "destroy_package_file.mutation.graphql" => new { id = await TrashFileAsync() },
            "destroy_package_files.mutation.graphql" => new { projectPath = "ui/trash", ids = new[] { await TrashFileAsync() } },
            _ => throw new InvalidOperationException($"{document} is a new GitLab UI document: give it arguments here"),
        };
    }

    private async Task<string> TrashPackageAsync()
    {
        await fixture.Publish("ui/trash", "trash", Guid.NewGuid().ToString("N")[..8], "t.txt");
        return GitLabUiFixture.Gid(fixture.Packages.Last(p => p.Key.StartsWith("trash/", StringComparison.Ordinal)).Value);
    }

    private async Task<string> TrashFileAsync() =>
        $"gid://gitlab/Packages::PackageFile/{await fixture.Publish("ui/trash", "trash-files", "1.0.0", Guid.NewGuid().ToString("N")[..8] + ".txt")}";

    [Fact]
    public async Task The_package_list_shows_each_package_with_its_links_and_what_the_caller_may_do()
    {
        var asMaintainer = await RunAsync(PackageRegistry + "queries/get_packages.query.graphql",
            new { fullPath = "ui/app", isGroupPage = false, sort = "NAME_ASC", first = 20 }, fixture.Maintainer);
        var packages = asMaintainer.GetProperty("project").GetProperty("packages");
        // Hidden packages stay out; the package in the error state is listed, as GitLab lists it.
        Assert.Equal(5, packages.GetProperty("count").GetInt32());
        var nodes = packages.GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal(["broken", "gadget", "widget", "widget", "widget"], nodes.Select(n => n.GetProperty("name").GetString()));
        foreach (var node in nodes)
        {
            var id = RegistryClient.IdOf(node.GetProperty("id").GetString()!);
            Assert.Equal($"/ui/app/-/packages/{id}", node.GetProperty("_links").GetProperty("webPath").GetString());
            Assert.Equal(Root + "/ui/app", node.GetProperty("project").GetProperty("webUrl").GetString());
            Assert.True(node.GetProperty("canDestroy").GetBoolean());
            Assert.Equal(0, node.GetProperty("tags").GetProperty("nodes").GetArrayLength());
            Assert.Equal(0, node.GetProperty("pipelines").GetProperty("nodes").GetArrayLength());
            Assert.Equal("GENERIC", node.GetProperty("packageType").GetString());
        }
        Assert.Equal("ERROR", nodes[0].GetProperty("status").GetString());

        var asReporter = await RunAsync(PackageRegistry + "queries/get_packages.query.graphql",
            new { fullPath = "ui/app", isGroupPage = false, first = 2 }, fixture.Reporter);
        var reporterPage = asReporter.GetProperty("project").GetProperty("packages");
        Assert.All(reporterPage.GetProperty("nodes").EnumerateArray(), n => Assert.False(n.GetProperty("canDestroy").GetBoolean()));
        Assert.True(reporterPage.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());

        var group = await RunAsync(PackageRegistry + "queries/get_packages.query.graphql",
            new { fullPath = "ui", isGroupPage = true, groupSort = "PROJECT_PATH_ASC", packageName = "widget", first = 20 }, fixture.Maintainer);
        Assert.Equal(3, group.GetProperty("group").GetProperty("packages").GetProperty("count").GetInt32());
        Assert.False(group.TryGetProperty("project", out _));
    }

    [Fact]
    public async Task The_counts_and_the_error_banner_read_real_numbers()
    {
        var count = await RunAsync(PackageRegistry + "queries/get_packages_count.query.graphql",
            new { fullPath = "ui", isGroupPage = true, packageName = "widget" }, fixture.Reporter);
        Assert.Equal(3, count.GetProperty("group").GetProperty("packages").GetProperty("count").GetInt32());
        var hidden = await RunAsync(PackageRegistry + "queries/get_packages_count.query.graphql",
            new { fullPath = "ui/app", isGroupPage = false, packageStatus = "HIDDEN" }, fixture.Reporter);
        Assert.Equal(1, hidden.GetProperty("project").GetProperty("packages").GetProperty("count").GetInt32());

        var errors = await RunAsync(PackageRegistry + "queries/get_package_errors_count.query.graphql",
            new { fullPath = "ui/app", isGroupPage = false }, fixture.Reporter);
        var failed = errors.GetProperty("project").GetProperty("packages");
        Assert.Equal(1, failed.GetProperty("count").GetInt32());
        Assert.Equal("broken", failed.GetProperty("nodes")[0].GetProperty("name").GetString());
        Assert.Equal(GitLabUiFixture.StatusMessage, failed.GetProperty("nodes")[0].GetProperty("statusMessage").GetString());
    }

    [Fact]
    public async Task The_details_page_reads_the_package_its_files_and_its_other_versions()
    {
        var data = await RunAsync(PackageRegistry + "queries/get_package_details.query.graphql", new { id = fixture.Widget2, first = 20 }, fixture.Maintainer);
        var package = data.GetProperty("package");
        Assert.Equal("2.0.0", package.GetProperty("version").GetString());
        Assert.True(package.GetProperty("canDestroy").GetBoolean());
        Assert.False(package.GetProperty("publicPackage").GetBoolean());
        Assert.Equal("ui/app", package.GetProperty("project").GetProperty("fullPath").GetString());
        Assert.Equal(["b.txt", "a.txt"], package.GetProperty("packageFiles").GetProperty("nodes").Strings("fileName"));
        foreach (var url in new[] { "npmUrl", "mavenUrl", "conanUrl", "nugetUrl", "pypiUrl", "pypiSetupUrl", "composerUrl", "composerConfigRepositoryUrl", "metadata" })
            Assert.Equal(JsonValueKind.Null, package.GetProperty(url).ValueKind);
        Assert.Equal(0, package.GetProperty("dependencyLinks").GetProperty("nodes").GetArrayLength());
        var versions = package.GetProperty("versions");
        // The other displayed versions of the name: not itself, not the hidden 3.0.0, not gadget.
        Assert.Equal(2, versions.GetProperty("count").GetInt32());
        Assert.Equal(["1.0.0", "1.1.0"], versions.GetProperty("nodes").Strings("version"));
        Assert.Equal($"/ui/app/-/packages/{fixture.Packages["widget/1.0.0"]}",
            versions.GetProperty("nodes")[0].GetProperty("_links").GetProperty("webPath").GetString());

        var asReporter = await RunAsync(PackageRegistry + "queries/get_package_details.query.graphql", new { id = fixture.Widget2 }, fixture.Reporter);
        Assert.False(asReporter.GetProperty("package").GetProperty("canDestroy").GetBoolean());

        var open = await RunAsync(PackageRegistry + "queries/get_package_details.query.graphql",
            new { id = GitLabUiFixture.Gid(fixture.Packages["open/1.0.0"]) }, token: null);
        Assert.True(open.GetProperty("package").GetProperty("publicPackage").GetBoolean());
        Assert.False(open.GetProperty("package").GetProperty("canDestroy").GetBoolean());
    }

    [Fact]
    public async Task Versions_page_like_every_connection()
    {
        var seen = new List<string>();
        string? after = null;
        for (var page = 0; page < 5; page++)
        {
            var data = await RunAsync(PackageRegistry + "queries/get_package_versions.query.graphql",
                new { id = GitLabUiFixture.Gid(fixture.Packages["widget/1.0.0"]), first = 1, after }, fixture.Reporter);
            var versions = data.GetProperty("package").GetProperty("versions");
            Assert.Equal(2, versions.GetProperty("count").GetInt32());
            foreach (var node in versions.GetProperty("nodes").EnumerateArray())
            {
                seen.Add(node.GetProperty("version").GetString()!);
                Assert.False(node.GetProperty("userPermissions").GetProperty("destroyPackage").GetBoolean());
                Assert.Equal(JsonValueKind.Null, node.GetProperty("statusMessage").ValueKind);
            }
            var info = versions.GetProperty("pageInfo");
            if (!info.GetProperty("hasNextPage").GetBoolean()) break;
            after = info.GetProperty("endCursor").GetString();
        }
        Assert.Equal(["1.1.0", "2.0.0"], seen);

        var last = await RunAsync(PackageRegistry + "queries/get_package_versions.query.graphql",
            new { id = GitLabUiFixture.Gid(fixture.Packages["widget/1.0.0"]), last = 1 }, fixture.Maintainer);
        var lastPage = last.GetProperty("package").GetProperty("versions");
        Assert.Equal(["2.0.0"], lastPage.GetProperty("nodes").Strings("version"));
        Assert.True(lastPage.GetProperty("pageInfo").GetProperty("hasPreviousPage").GetBoolean());
        Assert.True(lastPage.GetProperty("nodes")[0].GetProperty("userPermissions").GetProperty("destroyPackage").GetBoolean());
    }

    [Fact]
    public async Task The_files_and_pipelines_documents_read_the_package()
    {
        var files = await RunAsync(PackageRegistry + "queries/get_package_files.query.graphql", new { id = fixture.Widget2, first = 1 }, fixture.Reporter);
        var connection = files.GetProperty("package").GetProperty("packageFiles");
        Assert.True(connection.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
        var file = connection.GetProperty("nodes")[0];
        Assert.Equal("b.txt", file.GetProperty("fileName").GetString());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("widget 2.0.0 b.txt"u8)), file.GetProperty("fileSha256").GetString());
        Assert.Equal("/api/v4/projects/", file.GetProperty("downloadPath").GetString()![..17]);

        var pipelines = await RunAsync(PackageRegistry + "queries/get_package_pipelines.query.graphql", new { id = fixture.Widget2, first = 1 }, fixture.Reporter);
        Assert.Equal(0, pipelines.GetProperty("package").GetProperty("pipelines").GetProperty("nodes").GetArrayLength());
    }

    [Fact]
    public async Task A_settings_script_sets_every_format_in_one_call_and_only_generic_is_enforced()
    {
        await Server.CreateGroupAsync("ui-all-formats");
        await Server.CreateProjectAsync("ui-all-formats", "app");
        var defaults = await RunAsync(GroupSettings + "queries/get_group_packages_settings.query.graphql", new { fullPath = "ui-all-formats" });
        var before = defaults.GetProperty("group").GetProperty("packageSettings");
        Assert.True(before.GetProperty("mavenDuplicatesAllowed").GetBoolean());
        Assert.Equal("SNAPSHOT", before.GetProperty("mavenDuplicateExceptionRegex").GetString());
        Assert.True(before.GetProperty("genericDuplicatesAllowed").GetBoolean());

        var update = await RunAsync(GroupSettings + "mutations/update_group_packages_settings.mutation.graphql", new
        {
            input = new
            {
                namespacePath = "ui-all-formats",
                mavenDuplicatesAllowed = false, mavenDuplicateExceptionRegex = "-RC$",
                genericDuplicatesAllowed = false, genericDuplicateExceptionRegex = ".*-SNAPSHOT",
                nugetDuplicatesAllowed = false, nugetDuplicateExceptionRegex = "beta",
                terraformModuleDuplicatesAllowed = true, terraformModuleDuplicateExceptionRegex = "dev",
                npmPackageRequestsForwarding = true, lockPypiPackageRequestsForwarding = true,
            },
        });
        var payload = update.GetProperty("updateNamespacePackageSettings");
        Assert.Equal(0, payload.GetProperty("errors").GetArrayLength());
        Assert.False(payload.GetProperty("packageSettings").GetProperty("mavenDuplicatesAllowed").GetBoolean());
        Assert.Equal("-RC$", payload.GetProperty("packageSettings").GetProperty("mavenDuplicateExceptionRegex").GetString());

        // GitLab's settings fragment reads everything back.
        var all = await Server.GraphQLAsync(GitLabUiDocuments.Load(GroupSettings + "fragments/package_settings_fields.fragment.graphql") +
            "\nquery($p: ID!) { group(fullPath: $p) { packageSettings { ...PackageSettingsFields } } }", new { p = "ui-all-formats" });
        var s = all.GetProperty("group").GetProperty("packageSettings");
        Assert.False(s.GetProperty("nugetDuplicatesAllowed").GetBoolean());
        Assert.Equal("beta", s.GetProperty("nugetDuplicateExceptionRegex").GetString());
        Assert.True(s.GetProperty("terraformModuleDuplicatesAllowed").GetBoolean());
        Assert.Equal("dev", s.GetProperty("terraformModuleDuplicateExceptionRegex").GetString());
        Assert.True(s.GetProperty("npmPackageRequestsForwarding").GetBoolean());
        Assert.Equal(JsonValueKind.Null, s.GetProperty("mavenPackageRequestsForwarding").ValueKind);
        Assert.True(s.GetProperty("lockPypiPackageRequestsForwarding").GetBoolean());
        Assert.False(s.GetProperty("pypiPackageRequestsForwardingLocked").GetBoolean());
        Assert.Equal(".*-SNAPSHOT", s.GetProperty("genericDuplicateExceptionRegex").GetString());

        // The generic settings are enforced: a duplicate is refused, one matching the exception is accepted.
        await Server.PublishAsync("ui-all-formats/app", "dup", "1.0.0", "f.txt", "one");
        using var refused = await Server.UploadAsync("ui-all-formats/app", "dup", "1.0.0", "f.txt", "two"u8.ToArray());
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        await Server.PublishAsync("ui-all-formats/app", "dup", "1.0-SNAPSHOT", "f.txt", "one");
        await Server.PublishAsync("ui-all-formats/app", "dup", "1.0-SNAPSHOT", "f.txt", "two");

        // A bad regex for another format is refused like a bad generic one, and nothing changes.
        var bad = await RunAsync(GroupSettings + "mutations/update_group_packages_settings.mutation.graphql",
            new { input = new { namespacePath = "ui-all-formats", mavenDuplicateExceptionRegex = "(unclosed", genericDuplicatesAllowed = true } });
        Assert.Contains("Maven duplicate exception regex", bad.GetProperty("updateNamespacePackageSettings").Errors().Single());
        Assert.False((await Server.ReadSettingsAsync("ui-all-formats")).Allowed);
    }

    [Fact]
    public async Task Forwarding_settings_cascade_from_the_group_above_and_a_lock_holds_below()
    {
        var before = await RunAsync(PackageRegistry + "queries/get_group_package_settings.query.graphql", new { fullPath = "ui-fw/child/app" });
        var settings = before.GetProperty("project").GetProperty("group").GetProperty("packageSettings");
        Assert.Equal(JsonValueKind.Null, settings.GetProperty("mavenPackageRequestsForwarding").ValueKind);

        var locked = await RunAsync(GroupSettings + "mutations/update_package_forwarding_settings.mutation.graphql",
            new { input = new { namespacePath = "ui-fw", mavenPackageRequestsForwarding = false, lockMavenPackageRequestsForwarding = true, pypiPackageRequestsForwarding = true } });
        Assert.Equal(0, locked.GetProperty("updateNamespacePackageSettings").GetProperty("errors").GetArrayLength());

        var after = await RunAsync(PackageRegistry + "queries/get_group_package_settings.query.graphql", new { fullPath = "ui-fw/child/app" });
        var child = after.GetProperty("project").GetProperty("group").GetProperty("packageSettings");
        Assert.False(child.GetProperty("mavenPackageRequestsForwarding").GetBoolean());
        Assert.True(child.GetProperty("pypiPackageRequestsForwarding").GetBoolean());

        var refused = await RunAsync(GroupSettings + "mutations/update_package_forwarding_settings.mutation.graphql",
            new { input = new { namespacePath = "ui-fw/child", mavenPackageRequestsForwarding = true } });
        Assert.Contains("locked by an ancestor", refused.GetProperty("updateNamespacePackageSettings").Errors().Single());
        var allowed = await RunAsync(GroupSettings + "mutations/update_package_forwarding_settings.mutation.graphql",
            new { input = new { namespacePath = "ui-fw/child", pypiPackageRequestsForwarding = false } });
        var childSettings = allowed.GetProperty("updateNamespacePackageSettings").GetProperty("packageSettings");
        Assert.True(childSettings.GetProperty("mavenPackageRequestsForwardingLocked").GetBoolean());
        Assert.False(childSettings.GetProperty("mavenPackageRequestsForwarding").GetBoolean());
        Assert.False(childSettings.GetProperty("pypiPackageRequestsForwardingLocked").GetBoolean());
        Assert.False(childSettings.GetProperty("pypiPackageRequestsForwarding").GetBoolean());
    }

    [Fact]
    public async Task The_destroy_mutations_delete_for_maintainers_and_refuse_reporters()
    {
        var package = await TrashPackageAsync();
        var refused = await RunAsync(PackageRegistry + "mutations/destroy_package.mutation.graphql", new { id = package }, fixture.Reporter);
        Assert.NotEmpty(refused.GetProperty("destroyPackage").Errors());
        var done = await RunAsync(PackageRegistry + "mutations/destroy_package.mutation.graphql", new { id = package }, fixture.Maintainer);
        Assert.Empty(done.GetProperty("destroyPackage").Errors());
        var gone = await Server.GraphQLAsync("query($id: PackagesPackageID!) { package(id: $id) { id } }", new { id = package });
        Assert.Equal(JsonValueKind.Null, gone.GetProperty("package").ValueKind);

        var file = await TrashFileAsync();
        var files = await RunAsync(PackageRegistry + "mutations/destroy_package_files.mutation.graphql",
            new { projectPath = "ui/trash", ids = new[] { file } }, fixture.Maintainer);
        Assert.Empty(files.GetProperty("destroyPackageFiles").Errors());
        var again = await RunAsync(PackageRegistry + "mutations/destroy_package_file.mutation.graphql", new { id = file }, fixture.Maintainer);
        Assert.NotEmpty(again.GetProperty("destroyPackageFile").Errors());
    }
}
