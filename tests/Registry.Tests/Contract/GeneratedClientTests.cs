using System.Diagnostics;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Contract;

/// <summary>
/// A TypeScript client generated from the served <c>openapi.json</c> (openapi-typescript, from npm) and called through
/// openapi-fetch publishes, lists and deletes a package. The client is type-checked against the generated types first,
/// so a route whose document lost its path, method, parameter or response schema fails the compile.
/// </summary>
public sealed class GeneratedClientTests
{
    [Fact]
    public async Task A_client_generated_from_the_document_publishes_lists_and_deletes_a_package()
    {
        await using var server = await RegistryServer.StartAsync();
        await server.CreateGroupAsync("gen");
        await server.CreateProjectAsync("gen", "app");
        var root = RepositoryRoot.Path;
        var tsc = Path.Combine(root, "src", "Registry.Web", "node_modules", ".bin", "tsc");
        Assert.True(File.Exists(tsc), "TypeScript comes with the web UI's npm packages (src/Registry.Web, built by dotnet build)");
        var work = Directory.CreateTempSubdirectory("registry-openapi-client-");
        try
        {
            using (var client = server.Client())
                await File.WriteAllTextAsync(Path.Combine(work.FullName, "openapi.json"), await client.GetStringAsync("/api/v4/openapi.json"));
            await RunAsync(Path.Combine(root, "node_modules", ".bin", "openapi-typescript"), work.FullName, "openapi.json", "-o", "api.d.ts");
            File.Copy(Path.Combine(root, "tests", "Registry.Tests", "Contract", "generated-client.ts"), Path.Combine(work.FullName, "client.ts"));
            // The client imports openapi-fetch from the repository's node_modules.
            Directory.CreateSymbolicLink(Path.Combine(work.FullName, "node_modules"), Path.Combine(root, "node_modules"));
            await File.WriteAllTextAsync(Path.Combine(work.FullName, "package.json"), """{"type":"module"}""");
            await RunAsync(tsc, work.FullName, "--strict", "--target", "es2022", "--module", "nodenext", "--moduleResolution", "nodenext",
                "--skipLibCheck", "client.ts");
            var output = await RunAsync("node", work.FullName, "client.js", server.BaseAddress.ToString().TrimEnd('/'), RegistryServer.RootToken);
            Assert.Contains("published 201", output);
            Assert.Contains("listed gen-tool 1.2.3", output);
            Assert.Contains("deleted 204", output);
            Assert.Contains("listed 0", output);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task<string> RunAsync(string file, string directory, params string[] args)
    {
        var start = new ProcessStartInfo(file, args) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{Path.GetFileName(file)} {string.Join(' ', args)} failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
        return await stdout;
    }
}
