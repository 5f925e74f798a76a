using System.Net;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;
using Registry.Schema.Access;
using Registry.Schema.Identity;
using Registry.Schema.Packages;
using Registry.Server.Authentication;

namespace Registry.Server.Web;

/// <summary>
/// The web UI (built from src/Registry.Web into <c>WebUi/</c> beside the binary): its hashed assets under
/// <c>/assets/</c>, and its <c>index.html</c> for every address of the app's router (<see cref="WebUiRoutes"/>), so a
/// reload or a pasted link opens the page. A project's or group's own address (<c>/acme/tools</c>, <c>/acme</c>) is
/// the app's when the reader may see that project or group. Any other address a browser asks for (Accept: text/html)
/// that no endpoint serves gets the app with status 404, which shows its "Page not found". API, GraphQL, assets and
/// operations paths never get the page: those keep their own answers and 404s.
/// </summary>
public static class WebUiEndpoints
{
    public const string FolderName = "WebUi";
    private const string CsrfPlaceholder = "<meta name=\"csrf-token\" content=\"\">";

    public static WebApplication MapWebUi(this WebApplication app)
    {
        var root = Path.Combine(AppContext.BaseDirectory, FolderName);
        var indexPath = Path.Combine(root, "index.html");
        if (!File.Exists(indexPath))
        {
            app.Logger.LogWarning("Web UI not found in {Folder} (it is built from src/Registry.Web by the build); / serves nothing", root);
            return app;
        }
        var index = File.ReadAllText(indexPath);
        if (!index.Contains(CsrfPlaceholder, StringComparison.Ordinal))
            throw new InvalidOperationException($"{indexPath} lacks the csrf-token meta tag the server fills in");

        var routes = WebUiRoutes.Load(Path.Combine(root, WebUiRoutes.FileName));
        app.Use(async (http, next) =>
        {
            if (await StatusForAsync(http, routes) is { } status) await WriteIndexAsync(http, index, status);
            else await next(http);
        });
        app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = "/assets",
            FileProvider = new PhysicalFileProvider(Path.Combine(root, "assets")),
            // Vite puts a content hash in every asset's name.
            OnPrepareResponse = ctx => ctx.Context.Response.Headers.CacheControl = "public, max-age=31536000, immutable",
        });
        return app;
    }

    /// <summary>200 for the app's own addresses, 404 for an unknown address a browser navigates to, null for the rest.</summary>
    internal static async Task<int?> StatusForAsync(HttpContext http, WebUiRoutes routes)
    {
        var request = http.Request;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)) return null;
        var path = request.Path.Value ?? "/";
        if (Under(path, "/api") || Under(path, "/assets") || Under(path, "/graphql")) return null;
        var (match, fullPath) = routes.Match(path);
        if (match == WebUiMatch.Page) return StatusCodes.Status200OK;
        // Operations (/-/liveness, /-/metrics, ...) and whatever else an endpoint serves keep their answers.
        if (http.GetEndpoint() is not null) return null;
        if (match == WebUiMatch.Namespace && await IsVisibleNamespaceAsync(http, fullPath!)) return StatusCodes.Status200OK;
        return AcceptsHtml(request) ? StatusCodes.Status404NotFound : null;
    }

    private static async Task<bool> IsVisibleNamespaceAsync(HttpContext http, string fullPath)
    {
        var actor = (await http.AuthenticateRegistryAsync()).Actor;
        var authorizer = http.RequestServices.GetRequiredService<PackageAuthorizer>();
        return await authorizer.VisibleProjectAsync(actor, ProjectLocator.PathKey(fullPath), http.RequestAborted) is not null
            || await authorizer.VisibleNamespaceAsync(actor, fullPath, http.RequestAborted) is { Kind: NamespaceKind.Group };
    }

    private static bool AcceptsHtml(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));

    private static bool Under(string path, string prefix) =>
        path == prefix || path.StartsWith(prefix + "/", StringComparison.Ordinal);

    private static async Task WriteIndexAsync(HttpContext http, string index, int status)
    {
        // GitLab's way: the page carries the session's CSRF token in a meta tag; the app sends it with every write.
        var html = SessionCookie.Read(http.Request) is { } secret
            ? index.Replace(CsrfPlaceholder, $"<meta name=\"csrf-token\" content=\"{WebUtility.HtmlEncode(Schema.Identity.SignInService.CsrfToken(secret))}\">")
            : index;
        var bytes = System.Text.Encoding.UTF8.GetBytes(html);
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/html; charset=utf-8";
        http.Response.ContentLength = bytes.Length;
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers[HeaderNames.XContentTypeOptions] = "nosniff";
        http.Response.Headers[HeaderNames.XFrameOptions] = "DENY";
        http.Response.Headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
        SecurityHeaders.Page(http.Response, SecurityHeaders.UiPolicy);
        if (!HttpMethods.IsHead(http.Request.Method)) await http.Response.Body.WriteAsync(bytes, http.RequestAborted);
    }
}
