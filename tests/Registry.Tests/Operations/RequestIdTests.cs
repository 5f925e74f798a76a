using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Registry.Server.Middleware;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Operations;

public sealed class RequestIdTests
{
    /// <summary>EF Core's command lines are written inside the request, so each carries its correlation id.</summary>
    private static readonly Dictionary<string, string> CommandLogging = new()
    {
        ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "Information",
    };

    [Fact]
    public async Task A_well_formed_client_id_is_kept_and_carried_by_every_log_line_of_the_request()
    {
        var logs = new LogCapture();
        await using var server = await RegistryServer.StartAsync(CommandLogging, configureServices: logs.AddTo);
        using var client = server.Client(RegistryServer.RootToken);
        var id = "client-req." + Guid.NewGuid().ToString("N")[..12];
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v4/projects/1/packages");
        request.Headers.Add("X-Request-Id", id);
        using var response = await client.SendAsync(request);

        Assert.Equal(id, Assert.Single(response.Headers.GetValues("X-Request-Id")));
        var lines = logs.Entries.Where(e => Equals(e.Scopes.GetValueOrDefault("CorrelationId"), id)).ToList();
        Assert.NotEmpty(lines);
        Assert.Contains(lines, l => l.Category.StartsWith("Microsoft.EntityFrameworkCore.Database.Command", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("has spaces in it")]
    [InlineData("semi;colon")]
    [InlineData("")]
    public async Task A_malformed_client_id_is_replaced(string sent)
    {
        await using var server = await RegistryServer.StartAsync();
        using var client = server.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/-/liveness");
        request.Headers.TryAddWithoutValidation("X-Request-Id", sent);
        using var response = await client.SendAsync(request);
        var id = Assert.Single(response.Headers.GetValues("X-Request-Id"));
        Assert.NotEqual(sent, id);
        Assert.True(RequestIdMiddleware.IsWellFormed(id), id);
    }

    [Fact]
    public async Task Every_response_has_an_id_errors_and_graphql_errors_included()
    {
        await using var server = await RegistryServer.StartAsync();
        using var client = server.Client();
        var ids = new HashSet<string>();
        foreach (var path in new[] { "/api/v4/projects/1/packages", "/api/v4/projects/nope%2Fnope/packages/generic/a/1/f", "/nowhere", "/-/readiness" })
        {
            using var response = await client.GetAsync(path);
            Assert.True(ids.Add(Assert.Single(response.Headers.GetValues("X-Request-Id"))), path);
        }

        using var graphql = await client.PostAsync("/api/graphql", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));
        var id = Assert.Single(graphql.Headers.GetValues("X-Request-Id"));
        var error = (await graphql.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0];
        Assert.Equal(id, error.GetProperty("extensions").GetProperty("correlationId").GetString());

        // Validation errors too (an unknown field, an unknown argument), which never reach execution.
        foreach (var query in new[] { "{ currentUser { noSuchField } }", "{ currentUser(noSuchArgument: 1) { username } }" })
        {
            using var invalid = await client.PostAsJsonAsync("/api/graphql", new { query });
            var invalidId = Assert.Single(invalid.Headers.GetValues("X-Request-Id"));
            var errors = (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray().ToList();
            Assert.True(errors.Count > 0, query + " answered no error");
            Assert.All(errors, e => Assert.Equal(invalidId, e.GetProperty("extensions").GetProperty("correlationId").GetString()));
        }
    }

    [Fact]
    public async Task Json_console_logs_carry_the_id()
    {
        var settings = new Dictionary<string, string>(CommandLogging)
        {
            ["Logging:Console:FormatterName"] = "json",
            ["Logging:Console:FormatterOptions:IncludeScopes"] = "true",
        };
        await using var process = ServerProcess.Start("json-logs", new Dictionary<string, string>(), settings);
        await process.WaitReadyAsync();
        using var client = process.Client(RegistryClient.RootToken);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v4/projects/1/packages");
        request.Headers.Add("X-Request-Id", "json-log-check-42");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);

        var lines = await Eventually.ReturnsAsync(() => Task.FromResult(process.Log.Split('\n').Where(l => l.StartsWith('{'))
                .Select(l => JsonDocument.Parse(l).RootElement)
                .Where(l => l.TryGetProperty("Scopes", out var scopes) && scopes.EnumerateArray()
                    .Any(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("CorrelationId", out var c) && c.GetString() == "json-log-check-42"))
                .ToList()),
            found => found.Count > 0, "a JSON log line carries the request id");
        Assert.All(lines, l => Assert.Equal("Information", l.GetProperty("LogLevel").GetString()));
    }
}
