using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Contract;

/// <summary>
/// Walks <c>openapi.json</c> and calls every operation it documents, with real data: the status each call answers must
/// be one the document lists for it, and a JSON body must match the schema documented for that status. A route that
/// answers what its mapping does not declare (201 documented as 200, a body with no schema) fails here. A new route
/// needs only values for its path parameters and, for a write, a body (<see cref="Bodies"/>).
/// </summary>
public sealed class OpenApiConformanceTests
{
    private const string Project = "oa/app";
    private static int _unique;
    private static string Unique() => Interlocked.Increment(ref _unique).ToString();

    /// <summary>Request bodies of the operations that take one, by method and path template.</summary>
    private static readonly Dictionary<string, Func<HttpContent>> Bodies = new()
    {
        ["PUT /api/v4/projects/{id}/packages/generic/{rest}"] = () => new ByteArrayContent([1, 2, 3]),
        ["POST /api/v4/projects/{id}/packages/protection/rules"] = () => JsonContent.Create(new
        {
            package_name_pattern = $"oa-protected-{Unique()}-*", package_type = "generic", minimum_access_level_for_push = "maintainer",
        }),
        ["PATCH /api/v4/projects/{id}/packages/protection/rules/{package_protection_rule_id}"] = () => JsonContent.Create(new { minimum_access_level_for_push = "owner" }),
        ["POST /api/v4/projects/{id}/packages/retention/rules"] = () => JsonContent.Create(new { package_name_pattern = $"oa-nightly-{Unique()}*", older_than_days = 30 }),
        ["PATCH /api/v4/projects/{id}/packages/retention/rules/{rule_id}"] = () => JsonContent.Create(new { enabled = false }),
        ["POST /api/v4/projects/{id}/packages/retention/run"] = () => JsonContent.Create(new { }),
        ["POST /api/v4/projects/{id}/access_tokens"] = () => JsonContent.Create(new { name = "oa-" + Unique(), scopes = new[] { "read_api" }, access_level = 20, expires_at = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd") }),
        ["POST /api/v4/groups/{id}/access_tokens"] = () => JsonContent.Create(new { name = "oa-" + Unique(), scopes = new[] { "read_api" }, access_level = 20, expires_at = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd") }),
        // Hooks point at a closed port on loopback (local requests are allowed by the seed): nothing listens, nothing leaves the machine.
        ["POST /api/v4/projects/{id}/hooks"] = () => JsonContent.Create(new { url = ClosedLoopbackUrl, package_events = true }),
        ["PUT /api/v4/projects/{id}/hooks/{hook_id}"] = () => JsonContent.Create(new { name = "oa-hook-" + Unique() }),
        ["POST /api/v4/groups/{id}/hooks"] = () => JsonContent.Create(new { url = ClosedLoopbackUrl, package_events = true }),
        ["PUT /api/v4/groups/{id}/hooks/{hook_id}"] = () => JsonContent.Create(new { name = "oa-hook-" + Unique() }),
        ["PUT /api/v4/application/settings"] = () => JsonContent.Create(new { allow_local_requests_from_web_hooks_and_services = true }),
        ["PATCH /api/v4/projects/{id}/packages/tus/{upload_id}"] = () =>
        {
            var content = new ByteArrayContent([7, 8, 9]);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/offset+octet-stream");
            return content;
        },
    };

    private const string ClosedLoopbackUrl = "http://127.0.0.1:9/oa-hook";

    /// <summary>The tus protocol's own headers, which its operations need beside the body.</summary>
    private static void AddProtocolHeaders(string key, HttpRequestMessage request)
    {
        if (!key.Contains("/packages/tus/") && key != "POST /api/v4/projects/{id}/packages/generic/{rest}") return;
        request.Headers.Add("Tus-Resumable", "1.0.0");
        if (key.StartsWith("POST ", StringComparison.Ordinal)) request.Headers.Add("Upload-Length", "3");
        if (key.StartsWith("PATCH ", StringComparison.Ordinal)) request.Headers.Add("Upload-Offset", "0");
    }

    [Fact]
    public async Task Every_documented_operation_answers_a_documented_status_with_a_body_matching_its_schema()
    {
        await using var server = await RegistryServer.StartAsync();
        using var client = server.Client(RegistryServer.RootToken);
        var values = await SeedAsync(server, client);

        using var documentResponse = await client.GetAsync("/api/v4/openapi.json");
        var document = JsonDocument.Parse(await documentResponse.Content.ReadAsStringAsync()).RootElement;
        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => (Path: path.Name, Method: op.Name.ToUpperInvariant(), Operation: op.Value)))
            // Reads first, then writes, deletes last: each works on what the reads left in place.
            .OrderBy(o => o.Method switch { "GET" or "HEAD" => 0, "DELETE" => 2, _ => 1 }).ToList();
        Assert.True(operations.Count >= 38, $"only {operations.Count} operations documented");

        var wrong = new List<string>();
        foreach (var (template, method, operation) in operations)
        {
            var key = $"{method} {template}";
            var url = Regex.Replace(template, @"\{\**([A-Za-z_]+)\}", m => values(key, m.Groups[1].Value));
            using var request = new HttpRequestMessage(new HttpMethod(method), url);
            if (Bodies.TryGetValue(key, out var body)) request.Content = body();
            AddProtocolHeaders(key, request);
            using var response = await client.SendAsync(request);
            var status = ((int)response.StatusCode).ToString();
            var text = await response.Content.ReadAsStringAsync();
            var responses = operation.GetProperty("responses");
            if (!responses.TryGetProperty(status, out var documented))
            {
                wrong.Add($"{key}: answered {status}, documents {string.Join(", ", responses.EnumerateObject().Select(r => r.Name))}; {Truncate(text)}");
                continue;
            }
            if ((int)response.StatusCode >= 300) wrong.Add($"{key}: the walk's call failed with {status}: {Truncate(text)}");
            if (method == "HEAD" || !documented.TryGetProperty("content", out var content)) continue;
            if (!content.TryGetProperty("application/json", out var json) || !json.TryGetProperty("schema", out var schema)) continue;
            if (response.Content.Headers.ContentType?.MediaType != "application/json")
            {
                // A GET of a generic file documents its bytes; it answers them.
                continue;
            }
            var errors = new List<string>();
            SchemaCheck.Validate(document, schema, JsonDocument.Parse(text).RootElement, "$", errors);
            if (errors.Count > 0) wrong.Add($"{key} ({status}): {string.Join("; ", errors.Take(5))}");
        }
        Assert.True(wrong.Count == 0, string.Join('\n', wrong));

        // Every operation declares its success: none is left at the generator's default 200 with no body schema
        // when it answers something else (201, 204).
        foreach (var (template, method, operation) in operations)
        {
            var successes = operation.GetProperty("responses").EnumerateObject().Where(r => r.Name.StartsWith('2')).ToList();
            Assert.True(successes.Count > 0, $"{method} {template} documents no success");
        }
    }

    private static string Truncate(string text) => text.Length > 200 ? text[..200] + "..." : text;

    /// <summary>Seeds one project with packages for each kind of call; returns the value of a path parameter for an operation.</summary>
    private static async Task<Func<string, string, string>> SeedAsync(RegistryServer server, HttpClient client)
    {
        var groupId = await server.CreateGroupAsync("oa");
        var projectId = await server.CreateProjectAsync("oa", "app");
        var main = await server.PublishAsync(Project, "oa-pkg", "1.0.0", "f.bin", [1, 2, 3]);
        var forPackageDelete = await server.PublishAsync(Project, "oa-gone", "1.0.0", "g.bin", [4]);
        var forFileDelete = await server.PublishAsync(Project, "oa-file-gone", "1.0.0", "h.bin", [5]);
        await server.PublishAsync(Project, "oa-generic-gone", "1.0.0", "i.bin", [6]);

        async Task<long> CreatedIdAsync(string url, string template)
        {
            using var created = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, url) { Content = Bodies[template]() });
            var text = await created.Content.ReadAsStringAsync();
            Assert.True(created.IsSuccessStatusCode, $"{url}: {(int)created.StatusCode} {text}");
            return JsonDocument.Parse(text).RootElement.GetProperty("id").GetInt64();
        }
        var protectionRule = await CreatedIdAsync($"/api/v4/projects/{projectId}/packages/protection/rules", "POST /api/v4/projects/{id}/packages/protection/rules");
        var retentionRule = await CreatedIdAsync($"/api/v4/projects/{projectId}/packages/retention/rules", "POST /api/v4/projects/{id}/packages/retention/rules");
        var projectToken = await CreatedIdAsync($"/api/v4/projects/{projectId}/access_tokens", "POST /api/v4/projects/{id}/access_tokens");
        var groupToken = await CreatedIdAsync($"/api/v4/groups/{groupId}/access_tokens", "POST /api/v4/groups/{id}/access_tokens");
        using (var allow = await client.PutAsync("/api/v4/application/settings", Bodies["PUT /api/v4/application/settings"]()))
            Assert.True(allow.IsSuccessStatusCode, await allow.Content.ReadAsStringAsync());
        var projectHook = await CreatedIdAsync($"/api/v4/projects/{projectId}/hooks", "POST /api/v4/projects/{id}/hooks");
        var groupHook = await CreatedIdAsync($"/api/v4/groups/{groupId}/hooks", "POST /api/v4/groups/{id}/hooks");
        async Task<long> DeliveryIdAsync(string hooks, long hook)
        {
            using (var test = await client.PostAsync($"{hooks}/{hook}/test/package_events", null))
                Assert.True(test.IsSuccessStatusCode, await test.Content.ReadAsStringAsync());
            var events = JsonDocument.Parse(await client.GetStringAsync($"{hooks}/{hook}/events")).RootElement;
            return events.EnumerateArray().First().GetProperty("id").GetInt64();
        }
        var projectDelivery = await DeliveryIdAsync($"/api/v4/projects/{projectId}/hooks", projectHook);
        var groupDelivery = await DeliveryIdAsync($"/api/v4/groups/{groupId}/hooks", groupHook);
        // tus: one upload finished at creation (GET and HEAD read it), one empty (PATCH fills it), one to terminate.
        async Task<string> UploadAsync(string name, byte[]? bytes)
        {
            using var create = new HttpRequestMessage(HttpMethod.Post, $"/api/v4/projects/{projectId}/packages/generic/{name}/1.0.0/t.bin");
            create.Headers.Add("Tus-Resumable", "1.0.0");
            create.Headers.Add("Upload-Length", "3");
            if (bytes is not null)
            {
                create.Content = new ByteArrayContent(bytes);
                create.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/offset+octet-stream");
            }
            using var created = await client.SendAsync(create);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            return created.Headers.Location!.AbsolutePath.TrimEnd('/').Split('/')[^1];
        }
        var finishedUpload = await UploadAsync("oa-tus-done", [1, 2, 3]);
        var emptyUpload = await UploadAsync("oa-tus-patch", null);
        var abandonedUpload = await UploadAsync("oa-tus-gone", null);
        // The administrator's routes act on things of their own: a group and a project to delete, users to block and delete.
        var goneGroup = await server.CreateGroupAsync("oa-gone-group");
        var goneProject = await server.CreateProjectAsync("oa", "gone-project");
        await server.PublishAsync("oa/gone-project", "oa-pkg", "1.0.0", "f.bin", [9]);
        await server.CreateUserAsync("oa-blocked");
        await server.CreateUserAsync("oa-deleted");
        long UserId(string username)
        {
            using var scope = server.Services.CreateScope();
            return scope.ServiceProvider.GetRequiredService<Registry.Schema.Data.RegistryDbContext>().Users.Single(u => u.Username == username).Id;
        }
        var blockedUser = UserId("oa-blocked");
        var deletedUser = UserId("oa-deleted");

        return (operation, parameter) =>
        {
            var deleting = operation.StartsWith("DELETE ", StringComparison.Ordinal);
            var path = operation[(operation.IndexOf(' ') + 1)..];
            return parameter switch
            {
                "id" when operation == "DELETE /api/v4/groups/{id}" => goneGroup.ToString(),
                "id" when operation == "DELETE /api/v4/projects/{id}" => goneProject.ToString(),
                "id" when operation == "DELETE /api/v4/users/{id}" => deletedUser.ToString(),
                "id" when path.StartsWith("/api/v4/users/", StringComparison.Ordinal) => blockedUser.ToString(),
                "id" when path.StartsWith("/api/v4/groups/", StringComparison.Ordinal) => groupId.ToString(),
                "id" => Uri.EscapeDataString(Project),
                "rest" => deleting ? "oa-generic-gone/1.0.0/i.bin" : "oa-pkg/1.0.0/f.bin",
                "package_id" when deleting && !path.Contains("package_files") => Id(forPackageDelete, "package_id"),
                "package_id" when deleting => Id(forFileDelete, "package_id"),
                "package_id" => Id(main, "package_id"),
                "package_file_id" when deleting => Id(forFileDelete, "id"),
                "package_file_id" => Id(main, "id"),
                "package_protection_rule_id" => protectionRule.ToString(),
                "rule_id" => retentionRule.ToString(),
                "token_id" when path.StartsWith("/api/v4/groups/", StringComparison.Ordinal) => groupToken.ToString(),
                "token_id" => projectToken.ToString(),
                "hook_id" when path.StartsWith("/api/v4/groups/", StringComparison.Ordinal) => groupHook.ToString(),
                "hook_id" => projectHook.ToString(),
                "hook_log_id" when path.StartsWith("/api/v4/groups/", StringComparison.Ordinal) => groupDelivery.ToString(),
                "hook_log_id" => projectDelivery.ToString(),
                "trigger" => "package_events",
                "upload_id" when deleting => abandonedUpload,
                "upload_id" when operation.StartsWith("PATCH ", StringComparison.Ordinal) => emptyUpload,
                "upload_id" => finishedUpload,
                _ => throw new InvalidOperationException($"{operation}: give the walk a value for {{{parameter}}} (SeedAsync)"),
            };
        };
    }

    private static string Id(JsonElement record, string property) => record.GetProperty(property).GetInt64().ToString();
}

/// <summary>The part of OpenAPI 3.0's schema language that ASP.NET Core's generator writes: enough to check a body.</summary>
internal static class SchemaCheck
{
    public static void Validate(JsonElement document, JsonElement schema, JsonElement value, string at, List<string> errors)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            var target = document;
            foreach (var part in reference.GetString()!.TrimStart('#', '/').Split('/')) target = target.GetProperty(part);
            Validate(document, target, value, at, errors);
            return;
        }
        if (value.ValueKind == JsonValueKind.Null)
        {
            if (!(schema.TryGetProperty("nullable", out var nullable) && nullable.GetBoolean()) && !AllowsNull(schema))
                errors.Add($"{at}: null is not allowed");
            return;
        }
        foreach (var combinator in new[] { "anyOf", "oneOf" })
        {
            if (!schema.TryGetProperty(combinator, out var options)) continue;
            var any = options.EnumerateArray().Any(option =>
            {
                var inner = new List<string>();
                Validate(document, option, value, at, inner);
                return inner.Count == 0;
            });
            if (!any) errors.Add($"{at}: matches none of {combinator}");
        }
        if (schema.TryGetProperty("allOf", out var all))
            foreach (var part in all.EnumerateArray()) Validate(document, part, value, at, errors);
        if (schema.TryGetProperty("type", out var type))
        {
            var types = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToList() : [type.GetString()!];
            if (!types.Any(t => Is(t, value))) errors.Add($"{at}: {value.ValueKind} where the schema says {string.Join("|", types)}");
        }
        if (value.ValueKind == JsonValueKind.String && schema.TryGetProperty("pattern", out var pattern)
            && !Regex.IsMatch(value.GetString()!, pattern.GetString()!))
            errors.Add($"{at}: '{value.GetString()}' does not match {pattern.GetString()}");
        if (value.ValueKind == JsonValueKind.Object)
        {
            var properties = schema.TryGetProperty("properties", out var p) ? p : default;
            if (schema.TryGetProperty("required", out var required))
                foreach (var name in required.EnumerateArray())
                    if (!value.TryGetProperty(name.GetString()!, out _)) errors.Add($"{at}: lacks required '{name.GetString()}'");
            foreach (var property in value.EnumerateObject())
            {
                if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(property.Name, out var propertySchema))
                    Validate(document, propertySchema, property.Value, $"{at}.{property.Name}", errors);
                else if (schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.Object)
                    Validate(document, additional, property.Value, $"{at}.{property.Name}", errors);
            }
        }
        if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out var items))
        {
            var i = 0;
            foreach (var item in value.EnumerateArray()) Validate(document, items, item, $"{at}[{i++}]", errors);
        }
    }

    private static bool AllowsNull(JsonElement schema) =>
        schema.TryGetProperty("anyOf", out var options) && options.EnumerateArray().Any(o =>
            o.TryGetProperty("nullable", out var n) && n.GetBoolean() || o.TryGetProperty("enum", out var e) && e.EnumerateArray().Any(v => v.ValueKind == JsonValueKind.Null));

    private static bool Is(string type, JsonElement value) => type switch
    {
        "string" => value.ValueKind == JsonValueKind.String,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        "number" => value.ValueKind == JsonValueKind.Number,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "array" => value.ValueKind == JsonValueKind.Array,
        "object" => value.ValueKind == JsonValueKind.Object,
        "null" => value.ValueKind == JsonValueKind.Null,
        _ => true,
    };
}
