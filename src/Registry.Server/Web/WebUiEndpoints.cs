using System.Net;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Registry.Server.Web;

/// <summary>
/// The web UI (built from src/Registry.Web into <c>WebUi/</c> beside the binary): its hashed assets under
/// <c>/assets/</c>, and its <c>index.html</c> for the UI's own paths (GitLab's: <c>/users/sign_in</c>,
/// <c>/&lt;project&gt;/-/packages</c>, <c>/groups/&lt;group&gt;/-/…</c>, <c>/-/user_settings/…</c>, <c>/admin</c>), so a
/// reload or a pasted link opens the page. API, GraphQL and operations paths (<c>/-/liveness</c>, <c>/-/metrics</c>)
/// never get the page, and neither does any other path: those keep their own answers and 404s.
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

        app.Use((http, next) => IsUiPage(http.Request) ? WriteIndexAsync(http, index) : next(http));
        app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = "/assets",
            FileProvider = new PhysicalFileProvider(Path.Combine(root, "assets")),
            // Vite puts a content hash in every asset's name.
            OnPrepareResponse = ctx => ctx.Context.Response.Headers.CacheControl = "public, max-age=31536000, immutable",
        });
        return app;
    }

    /// <summary>GET or HEAD of one of the UI's paths.</summary>
    internal static bool IsUiPage(HttpRequest request)
    {
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)) return false;
        var path = request.Path.Value ?? "/";
        if (path == "/" || path == "/users/sign_in" || path == "/explore" || Under(path, "/admin") || Under(path, "/explore")) return true;
        if (path.StartsWith("/-/user_settings/", StringComparison.Ordinal)) return true;
        if (path.StartsWith("/groups/", StringComparison.Ordinal)) return true;
        // A project's pages: /<full path>/-/packages[/<id>] and /<full path>/-/settings/…, never under /api or /-/.
        var first = path.IndexOf('/', 1) is var i and > 0 ? path[1..i] : path[1..];
        if (first is "api" or "graphql" or "-" or "assets" or "users" or "groups" or "admin") return false;
        return path.Contains("/-/packages", StringComparison.Ordinal) || path.Contains("/-/settings/", StringComparison.Ordinal);
    }

    private static bool Under(string path, string prefix) =>
        path == prefix || path.StartsWith(prefix + "/", StringComparison.Ordinal);

    private static async Task WriteIndexAsync(HttpContext http, string index)
    {
        // GitLab's way: the page carries the session's CSRF token in a meta tag; the app sends it with every write.
        var html = SessionCookie.Read(http.Request) is { } secret
            ? index.Replace(CsrfPlaceholder, $"<meta name=\"csrf-token\" content=\"{WebUtility.HtmlEncode(Schema.Identity.SignInService.CsrfToken(secret))}\">")
            : index;
        var bytes = System.Text.Encoding.UTF8.GetBytes(html);
        http.Response.StatusCode = StatusCodes.Status200OK;
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
