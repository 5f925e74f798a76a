using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Registry.Server.Hooks;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Hooks;

/// <summary>
/// <c>Registry:Hooks:KeyRingSecret</c> protects the Data Protection key ring in the database, which decrypts the hooks'
/// tokens and signing secrets: with the same secret a restart (and on SQLite a copy of the data folder) keeps
/// deliveries signed and carrying the token; with a wrong or missing secret nothing is sent, the API still answers,
/// one warning says what to fix, and the deliveries wait until the right secret is back.
/// </summary>
public sealed class KeyRingSecretTests
{
    private const string Secret = "the-operators-key-ring-secret-1";
    private const string Token = "key-ring-hook-token";

    private static Dictionary<string, string> With(string? secret)
    {
        var settings = new Dictionary<string, string>(HookFixture.FastHooks);
        if (secret is not null) settings["Registry:Hooks:KeyRingSecret"] = secret;
        return settings;
    }

    private static bool IsSecretWarning(LogEntry e) =>
        e.Level == LogLevel.Warning && e.Category.EndsWith(nameof(HookDispatcher)) && e.Message.Contains("KeyRingSecret");

    private static async Task<ReceivedHook> DeliveryOfAsync(HookReceiver receiver, string file) =>
        await Eventually.ReturnsAsync(() => Task.FromResult(receiver.Received.FirstOrDefault(r => r.Body.Contains($"\"{file}\""))),
            r => r is not null, $"the delivery of {file}") ?? throw new InvalidOperationException();

    [Fact]
    public async Task Hooks_keep_their_token_and_signature_across_restarts_and_wait_out_a_wrong_or_missing_secret()
    {
        await using var receiver = await HookReceiver.StartedAsync();
        await using var first = await RegistryServer.StartAsync(With(Secret));
        await HookFixture.AllowLocalAsync(first, true);
        await first.CreateGroupAsync("kr");
        await first.CreateProjectAsync("kr", "app");
        string signing;
        using (var root = first.Client(RegistryServer.RootToken))
        using (var created = await root.PostAsJsonAsync("/api/v4/projects/kr%2Fapp/hooks", new { url = receiver.Url, token = Token }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            signing = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("signing_secret").GetString()!;
        }
        await first.StopKeepingDataAsync();

        // Same data, same secret: the secrets written before the restart are read back.
        // (Servers on the same data are stopped, not disposed: disposing removes the data.)
        var same = await RegistryServer.StartAsync(With(Secret), restartOf: first);
        await same.PublishAsync("kr/app", "pkg", "1.0.0", "same.txt", "1");
        HookAssert.Delivery(await DeliveryOfAsync(receiver, "same.txt"), signing, Token);
        await same.StopKeepingDataAsync();

        // A wrong secret, then none: nothing is sent, the API answers, and a warning (never an error) says why.
        foreach (var (secret, file) in new[] { ("a-wrong-key-ring-secret-9999", "wrong.txt"), ((string?)null, "missing.txt") })
        {
            var logs = new LogCapture();
            var misconfigured = await RegistryServer.StartAsync(With(secret), configureServices: logs.AddTo, restartOf: first);
            await misconfigured.PublishAsync("kr/app", "pkg", "1.0.0", file, "2");
            await Eventually.HoldsAsync(() => logs.Entries.Any(IsSecretWarning),
                $"a warning about the key ring secret ({file})");
            using var root = misconfigured.Client(RegistryServer.RootToken);
            using (var list = await root.GetAsync("/api/v4/projects/kr%2Fapp/hooks")) Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            var hookId = (await root.GetFromJsonAsync<JsonElement>("/api/v4/projects/kr%2Fapp/hooks"))[0].GetProperty("id").GetInt64();
            var events = await Eventually.ReturnsAsync(() => root.GetStringAsync($"/api/v4/projects/kr%2Fapp/hooks/{hookId}/events"),
                t => t.Contains("cannot be decrypted"), "the waiting delivery shows why");
            Assert.Contains("executable", await root.GetStringAsync($"/api/v4/projects/kr%2Fapp/hooks/{hookId}")); // not the receiver's fault
            Assert.DoesNotContain(receiver.Received, r => r.Body.Contains($"\"{file}\""));
            Assert.Empty(logs.AtLeast(LogLevel.Error));
            Assert.Single(logs.Entries, IsSecretWarning); // once, not a storm
            Assert.DoesNotContain(logs.Entries, e => e.Message.Contains("dispatch round failed"));
            await misconfigured.StopKeepingDataAsync();
        }

        // The right secret again, on SQLite from a copy of the data folder (a backup restored elsewhere): what waited is
        // delivered with its token and signature, and so is what comes next.
        var dataPath = first.DataPath;
        if (!TestBackend.IsPostgresS3)
        {
            dataPath = Path.Combine(Path.GetTempPath(), "registry-tests", Guid.NewGuid().ToString("N"));
            CopyFolder(first.DataPath, dataPath);
        }
        await using var restored = TestBackend.IsPostgresS3
            ? await RegistryServer.StartAsync(With(Secret), restartOf: first)
            : await RegistryServer.StartAsync(With(Secret), dataPath: dataPath);
        foreach (var file in new[] { "wrong.txt", "missing.txt" })
            HookAssert.Delivery(await DeliveryOfAsync(receiver, file), signing, Token);
        await restored.PublishAsync("kr/app", "pkg", "1.0.0", "restored.txt", "3");
        HookAssert.Delivery(await DeliveryOfAsync(receiver, "restored.txt"), signing, Token);
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(dir.Replace(from, to));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, file.Replace(from, to));
    }
}
