using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Registry.Schema.Access;
using Registry.Schema;
using Registry.Schema.Hooks;
using Registry.Schema.Identity;
using Registry.Server.Access;
using Registry.Server.OpenApi;
using Registry.Server.PackagesApi;
using Registry.Server.Requests;
using Registry.Server.Responses;

namespace Registry.Server.Hooks;

/// <summary>
/// GitLab's hook API for package events: <c>GET|POST /projects/:id/hooks</c>, <c>GET|PUT|DELETE .../hooks/:hook_id</c>,
/// <c>POST .../hooks/:hook_id/test/package_events</c>, <c>GET .../hooks/:hook_id/events</c> and
/// <c>POST .../events/:hook_log_id/resend</c>, and the same under <c>/groups/:id</c>. Maintainers manage a project's
/// hooks, Owners a group's; thin over <see cref="WebHookService"/>. Also GitLab's application settings (administrators).
/// </summary>
public static class HookEndpoints
{
    public static IEndpointRouteBuilder MapHooks(this IEndpointRouteBuilder app)
    {
        Map(app.MapGroup("/api/v4/projects/{id}/hooks").RequireProject(ProjectAction.Maintain), (ProjectScope s) => HookOwner.Of(s.Project));
        Map(app.MapGroup("/api/v4/groups/{id}/hooks").RequireUser().RequireGroup(GroupAction.View), (GroupScope s) => HookOwner.Of(s.Group));
        var settings = app.MapGroup("/api/v4/application/settings").RequireCaller();
        settings.MapGet("", GetSettingsAsync);
        settings.MapPut("", PutSettingsAsync);
        return app;
    }

    private static void Map<TScope>(RouteGroupBuilder routes, Func<TScope, HookOwner> ownerOf) where TScope : RouteScope
    {
        routes.MapGet("", async Task<GitLabJson<List<HookJson>>> (TScope s, OffsetPagination paging, HttpContext http, WebHookService hooks) =>
            GitLabJson.Ok(paging.Apply(http, await hooks.ListAsync(s.Actor, ownerOf(s), http.RequestAborted)).Select(h => HookJson.From(h)).ToList()));
        routes.MapGet("/{hook_id}", async Task<GitLabJson<HookJson>> (TScope s, HttpContext http, WebHookService hooks) =>
            GitLabJson.Ok(HookJson.From(await hooks.GetAsync(s.Actor, ownerOf(s), HookId(http), http.RequestAborted))));
        routes.MapPost("", async Task<GitLabJson<HookJson>> (TScope s, HttpContext http, WebHookService hooks) =>
        {
            var changes = await ReadChangesAsync(http.Request, creating: true);
            var (hook, secret) = await hooks.CreateAsync(s.Actor, ownerOf(s), changes, http.RequestAborted);
            return GitLabJson.Status(HookJson.From(hook, secret), StatusCodes.Status201Created);
        }).ProducesJson<HookJson>(StatusCodes.Status201Created);
        routes.MapPut("/{hook_id}", async Task<GitLabJson<HookJson>> (TScope s, HttpContext http, WebHookService hooks) =>
        {
            var id = HookId(http);
            var changes = await ReadChangesAsync(http.Request, creating: false);
            return GitLabJson.Ok(HookJson.From(await hooks.UpdateAsync(s.Actor, ownerOf(s), id, changes, http.RequestAborted)));
        });
        routes.MapDelete("/{hook_id}", async Task<NoContent> (TScope s, HttpContext http, WebHookService hooks) =>
        {
            await hooks.DeleteAsync(s.Actor, ownerOf(s), HookId(http), http.RequestAborted);
            return TypedResults.NoContent();
        });
        routes.MapPost("/{hook_id}/test/{trigger}", async Task<GitLabJson<MessageJson>> (TScope s, HttpContext http, WebHookService hooks,
            string trigger) =>
        {
            if (trigger != "package_events") throw RegistryError.Invalid("trigger", "does not have a valid value");
            await hooks.TestAsync(s.Actor, ownerOf(s), HookId(http), http.RequestAborted);
            return GitLabJson.Status(new MessageJson("201 Created"), StatusCodes.Status201Created);
        }).ProducesJson<MessageJson>(StatusCodes.Status201Created);
        routes.MapGet("/{hook_id}/events", async Task<GitLabJson<List<HookEventJson>>> (TScope s, OffsetPagination paging, HttpContext http,
            WebHookService hooks) =>
        {
            var owner = ownerOf(s);
            var id = HookId(http);
            var hook = await hooks.GetAsync(s.Actor, owner, id, http.RequestAborted);
            var list = await hooks.DeliveriesAsync(s.Actor, owner, id, days: 7, limit: 500, http.RequestAborted);
            return GitLabJson.Ok(paging.Apply(http, list).Select(d => HookEventJson.From(d, hook.Url)).ToList());
        });
        routes.MapPost("/{hook_id}/events/{hook_log_id}/resend", async Task<GitLabJson<HookEventJson>> (TScope s, HttpContext http,
            WebHookService hooks) =>
        {
            var owner = ownerOf(s);
            var hook = await hooks.GetAsync(s.Actor, owner, HookId(http), http.RequestAborted);
            var logId = long.TryParse(http.Request.RouteValues["hook_log_id"] as string, System.Globalization.NumberStyles.None, null, out var l)
                ? l : throw RegistryError.NotFound("Hook log");
            var again = await hooks.ResendAsync(s.Actor, owner, hook.Id, logId, http.RequestAborted);
            return GitLabJson.Status(HookEventJson.From(again, hook.Url), StatusCodes.Status201Created);
        }).ProducesJson<HookEventJson>(StatusCodes.Status201Created);
    }

    public sealed record MessageJson([property: System.Text.Json.Serialization.JsonPropertyName("message")] string Message);

    private static async Task<HookChanges> ReadChangesAsync(HttpRequest request, bool creating)
    {
        var p = await RequestParameters.ReadAsync(request);
        return new HookChanges(
            creating ? Change<string?>.To(p.Required("url")) : p.ChangeOf<string?>("url", p.Required),
            p.ChangeOf("name", n => p[n]),
            p.ChangeOf("description", n => p[n]),
            p.ChangeOf("token", n => p[n]),
            p.ChangeOf("package_events", n => p.Boolean(n) ?? true),
            p.ChangeOf("enable_ssl_verification", n => p.Boolean(n) ?? true),
            p.ChangeOf("custom_headers", n => CustomHeaders(p[n])));
    }

    /// <summary>GitLab's <c>custom_headers</c>: a JSON array of <c>{"key","value"}</c>.</summary>
    private static IReadOnlyDictionary<string, string>? CustomHeaders(string? json)
    {
        if (string.IsNullOrEmpty(json)) return null;
        try
        {
            var list = JsonSerializer.Deserialize<List<Dictionary<string, string?>>>(json) ?? [];
            var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var entry in list)
            {
                if (entry.GetValueOrDefault("key") is not { Length: > 0 } key) throw RegistryError.Invalid("custom_headers", "are invalid");
                result[key] = entry.GetValueOrDefault("value") ?? "";
            }
            return result;
        }
        catch (JsonException) { throw RegistryError.Invalid("custom_headers", "are invalid"); }
    }

    private static long HookId(HttpContext http) =>
        long.TryParse(http.Request.RouteValues["hook_id"] as string, System.Globalization.NumberStyles.None, null, out var id)
            ? id : throw RegistryError.NotFound("Hook");

    private static async Task<GitLabJson<ApplicationSettingsJson>> GetSettingsAsync(CallerScope s, ApplicationSettingsService settings,
        CancellationToken ct) =>
        GitLabJson.Ok(ApplicationSettingsJson.From(await settings.GetAsync(s.Actor, ct)));

    private static async Task<GitLabJson<ApplicationSettingsJson>> PutSettingsAsync(CallerScope s, HttpRequest request,
        ApplicationSettingsService settings, CancellationToken ct)
    {
        var p = await RequestParameters.ReadAsync(request);
        var allow = p.Boolean("allow_local_requests_from_web_hooks_and_services");
        return GitLabJson.Ok(ApplicationSettingsJson.From(await settings.UpdateAsync(s.Actor, allow, ct)));
    }
}

/// <summary>The part of GitLab's application settings this registry has.</summary>
public sealed record ApplicationSettingsJson(
    [property: System.Text.Json.Serialization.JsonPropertyName("allow_local_requests_from_web_hooks_and_services")] bool AllowLocalRequestsFromWebHooksAndServices,
    [property: System.Text.Json.Serialization.JsonPropertyName("allow_local_requests_from_system_hooks")] bool AllowLocalRequestsFromSystemHooks,
    [property: System.Text.Json.Serialization.JsonPropertyName("updated_at")] string? UpdatedAt)
{
    public static ApplicationSettingsJson From(ApplicationSetting s) => new(s.AllowLocalRequestsFromWebHooksAndServices, false,
        s.UpdatedAt == default ? null : Generic.PackageFileJson.Timestamp(s.UpdatedAt));
}
