using System.Diagnostics;
using System.Text.Json;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Clients;

/// <summary>
/// A registry with GitLab's usual names (group <c>acme</c>, project <c>acme/tools</c>), a maintainer with a personal
/// token, a CI job token minted for them, a deploy token; the project access token is created by python-gitlab itself.
/// </summary>
public sealed class PythonGitLabFixture : IAsyncLifetime
{
    public RegistryServer Server { get; private set; } = null!;
    public string Personal { get; private set; } = "";
    public string Job { get; private set; } = "";
    public (string Token, string Username) Deploy { get; private set; }

    public async Task InitializeAsync()
    {
        Server = await RegistryServer.StartAsync();
        await Server.CreateGroupAsync("acme", "PRIVATE");
        await Server.CreateProjectAsync("acme", "tools", "PRIVATE");
        Personal = await Server.CreateUserWithTokenAsync("py-maintainer");
        await Server.AddProjectMemberAsync("acme/tools", "py-maintainer", "MAINTAINER");
        Job = await Server.CreateCiJobTokenAsync("acme/tools", Personal);
        Deploy = await Server.CreateDeployTokenAsync("acme/tools", "READ_PACKAGE_REGISTRY", "WRITE_PACKAGE_REGISTRY");
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// GitLab's own Python client, Debian's <c>python3-gitlab</c> 3.12, unchanged (tests/run.sh installs it; it runs on
/// Debian's <c>/usr/bin/python3</c>, not the pyenv one on PATH): <c>gl.auth()</c>, <c>projects.get</c> by path and id
/// (not lazy), <c>groups.get</c>, generic upload and download, package list, get, files and deletes, with a personal
/// token, a CI job token, a deploy token and a project access token; and its command line.
/// </summary>
public sealed class PythonGitLabTests(PythonGitLabFixture fixture) : IClassFixture<PythonGitLabFixture>
{
    private const string Python = "/usr/bin/python3";
    private RegistryServer Server => fixture.Server;
    private static string Script => Path.Combine(RepositoryRoot.Path, "tests", "Registry.Tests", "Clients", "python_gitlab_client.py");

    private static readonly Lazy<string?> Missing = new(() =>
    {
        if (!File.Exists(Python)) return $"{Python} is missing (tests/run.sh installs Debian's python3-gitlab)";
        var (code, _, error) = RunProcess(["-c", "import gitlab; assert gitlab.__version__.startswith('3.')"], new Dictionary<string, string>());
        return code == 0 ? null : "Debian's python3-gitlab 3.x is not installed (tests/run.sh installs it): " + error;
    });

    /// <summary>
    /// Skips where python-gitlab is missing (a bare <c>dotnet test</c>), but fails on CI: tests/run.sh installs it there,
    /// so its absence is a broken set-up, not a reason to pass.
    /// </summary>
    private static void RequireClient()
    {
        if (Missing.Value is null) return;
        Assert.False(Environment.GetEnvironmentVariable("CI") == "true", Missing.Value);
        Skip.If(true, Missing.Value);
    }

    private static (int Code, string Output, string Error) RunProcess(IEnumerable<string> arguments, IDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        foreach (var (k, v) in environment) start.Environment[k] = v;
        // Debian's interpreter with Debian's packages only: nothing from a pyenv or a user site leaks in.
        start.Environment.Remove("PYTHONPATH");
        start.Environment["PYTHONNOUSERSITE"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3))) { process.Kill(true); throw new TimeoutException("python-gitlab did not finish in 3 minutes"); }
        return (process.ExitCode, output.Result, error.Result);
    }

    private async Task<JsonElement> RunScriptAsync(string kind, string token, Dictionary<string, string>? extra = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["REGISTRY_URL"] = Server.BaseAddress.ToString().TrimEnd('/'),
            ["TOKEN"] = token,
            ["PROJECT_PATH"] = "acme/tools",
            ["GROUP_PATH"] = "acme",
        };
        foreach (var (k, v) in extra ?? []) environment[k] = v;
        var (code, output, error) = await Task.Run(() => RunProcess([Script, kind], environment));
        Assert.True(code == 0, $"python-gitlab ({kind}) exited {code}: {error}");
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    private static JsonElement Ok(JsonElement results, string call)
    {
        var result = results.GetProperty(call);
        Assert.True(result.GetProperty("ok").GetBoolean(), $"{call}: {result}");
        return result.GetProperty("value");
    }

    private static void Refused(JsonElement results, string call, string error, int status)
    {
        var result = results.GetProperty(call);
        Assert.False(result.GetProperty("ok").GetBoolean(), $"{call} should have failed: {result}");
        Assert.Equal(error, result.GetProperty("error").GetString());
        Assert.Equal(status, result.GetProperty("status").GetInt32());
    }

    /// <summary>What every token kind does alike: the project by path and id, and the whole package round trip.</summary>
    private void AssertPackageRoundTrip(JsonElement results, string kind)
    {
        var project = Ok(results, "projects.get by path");
        Assert.Equal("acme/tools", project.GetProperty("path_with_namespace").GetString());
        Assert.Equal(Server.BaseAddress.ToString().TrimEnd('/') + "/acme/tools", project.GetProperty("web_url").GetString());
        Assert.Equal("acme/tools", Ok(results, "projects.get by id").GetString());
        Assert.Equal("201 Created", Ok(results, "generic_packages.upload").GetString());
        Assert.Equal("201 Created", Ok(results, "generic_packages.upload second file").GetString());
        Assert.Equal($"hello from {kind}", Ok(results, "generic_packages.download").GetString());
        Assert.Contains($"py-{kind}", Ok(results, "packages.list").EnumerateArray().Select(e => e.GetString()));
        var package = Ok(results, "packages.get");
        Assert.Equal("1.0.0", package.GetProperty("version").GetString());
        Assert.Equal("generic", package.GetProperty("package_type").GetString());
        Assert.Equal(["bye.txt", "hello.txt"], Ok(results, "package_files.list").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["hello.txt"], Ok(results, "package_files delete").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(0, Ok(results, "packages.delete").GetArrayLength());
    }

    [SkippableFact]
    public async Task A_personal_token_script_works_unchanged_and_creates_a_project_access_token_that_works_too()
    {
        RequireClient();
        var results = await RunScriptAsync("personal", fixture.Personal);
        var user = Ok(results, "auth");
        Assert.Equal("py-maintainer", user.GetProperty("username").GetString());
        Assert.False(user.GetProperty("bot").GetBoolean());
        var version = Ok(results, "version");
        Assert.Equal(Registry.Server.Instance.GitLabCompatibility.Version, version[0].GetString());
        Assert.Equal(Registry.Server.Instance.GitLabCompatibility.Revision, version[1].GetString());
        Assert.Equal("acme", Ok(results, "groups.get").GetString());
        AssertPackageRoundTrip(results, "personal");
        Assert.Equal(["acme/tools"], Ok(results, "projects.list membership").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["acme"], Ok(results, "groups.list").EnumerateArray().Select(e => e.GetString()));
        var created = Ok(results, "access_tokens.create");
        Assert.Equal(40, created.GetProperty("access_level").GetInt32());
        Assert.Equal(["python-gitlab"], Ok(results, "access_tokens.list").EnumerateArray().Select(e => e.GetString()));

        // The project access token python-gitlab just created, in the same client.
        var bot = await RunScriptAsync("project-token", created.GetProperty("token").GetString()!);
        var botUser = Ok(bot, "auth");
        Assert.True(botUser.GetProperty("bot").GetBoolean());
        Assert.StartsWith("project_", botUser.GetProperty("username").GetString());
        Assert.Equal("acme", Ok(bot, "groups.get").GetString());
        AssertPackageRoundTrip(bot, "project-token");
    }

    [SkippableFact]
    public async Task A_job_token_script_handles_packages_and_gl_auth_is_401_as_on_gitlab()
    {
        RequireClient();
        var results = await RunScriptAsync("job", fixture.Job);
        Refused(results, "auth", "GitlabAuthenticationError", 401);
        // python-gitlab's version() turns the 401 into ("unknown", "unknown").
        Assert.Equal(["unknown", "unknown"], Ok(results, "version").EnumerateArray().Select(e => e.GetString()));
        AssertPackageRoundTrip(results, "job");
    }

    [SkippableFact]
    public async Task A_deploy_token_script_handles_packages_and_sees_no_private_group()
    {
        RequireClient();
        var results = await RunScriptAsync("deploy", fixture.Deploy.Token, new() { ["DEPLOY_USERNAME"] = fixture.Deploy.Username });
        Refused(results, "auth", "GitlabAuthenticationError", 401);
        Refused(results, "groups.get", "GitlabGetError", 404);
        AssertPackageRoundTrip(results, "deploy");
    }

    [SkippableFact]
    public async Task The_command_line_lists_the_projects_packages_with_a_personal_token()
    {
        RequireClient();
        await Server.PublishAsync("acme/tools", "cli-pkg", "2.0.0", "cli.txt", "from the command line test");
        // Not in the server's data folder: on PostgreSQL + S3 the server never creates it.
        var config = Path.Combine(Path.GetTempPath(), $"python-gitlab-{Guid.NewGuid():N}.cfg");
        await File.WriteAllTextAsync(config, $"""
            [global]
            default = registry
            timeout = 60

            [registry]
            url = {Server.BaseAddress.ToString().TrimEnd('/')}
            private_token = {fixture.Personal}
            api_version = 4
            """);
        var (code, output, error) = await Task.Run(() => RunProcess(["-m", "gitlab", "-o", "json", "project-package", "list", "--project-id", "acme/tools"],
            new Dictionary<string, string> { ["PYTHON_GITLAB_CFG"] = config }));
        Assert.True(code == 0, $"gitlab project-package list exited {code}: {error}");
        var packages = JsonDocument.Parse(output).RootElement;
        var cli = Assert.Single(packages.EnumerateArray(), p => p.GetProperty("name").GetString() == "cli-pkg");
        Assert.Equal("2.0.0", cli.GetProperty("version").GetString());

        // A wrong token stops the command line at gl.auth(), with GitLab's message.
        await File.WriteAllTextAsync(config, (await File.ReadAllTextAsync(config)).Replace(fixture.Personal, "glpat-wrong-wrong-wrong"));
        var (refused, _, why) = await Task.Run(() => RunProcess(["-m", "gitlab", "-o", "json", "project-package", "list", "--project-id", "acme/tools"],
            new Dictionary<string, string> { ["PYTHON_GITLAB_CFG"] = config }));
        Assert.NotEqual(0, refused);
        Assert.Contains("401", why);
        File.Delete(config);
    }
}
