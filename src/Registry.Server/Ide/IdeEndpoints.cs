using System.Text;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;
using Registry.Server.Access;

namespace Registry.Server.Ide;

/// <summary>
/// The Banana Cake Pop GraphQL IDE on the GraphQL paths: a browser's GET (Accept includes <c>text/html</c>, no
/// <c>query</c> parameter) of <c>{path}</c> is redirected to <c>{path}/</c>, which gets the IDE's <c>index.html</c>;
/// its assets are static files under <c>{path}/</c>, and <c>{path}/bcp-config.json</c> tells the IDE to use the
/// page's URL (it drops the trailing slash) as its GraphQL endpoint. Anything else on the GraphQL paths (GET with a
/// query, POST, non-browser clients) goes on to the GraphQL endpoint unchanged.
/// </summary>
/// <remarks>
/// The files come from the npm package <c>@chillicream/bananacakepop-graphql-ide</c>; the build copies them to
/// <c>BananaCakePop/</c> beside the binary (see Registry.Server.csproj). Served at <c>{path}/</c>, the page's
/// relative asset URLs (<c>static/js/…</c>, <c>./favicon.ico</c>) resolve to those files, behind a path base too.
/// </remarks>
public static class IdeEndpoints
{
    public const string FolderName = "BananaCakePop";
    private const string IndexFile = "index.html";

    /// <summary>
    /// Served in place of the bundle's <c>service-worker.js</c>. The IDE's worker cached its page and served it on later
    /// visits without the server's headers, and a page it served kept its Schema Reference at "No Schema" whatever was
    /// reloaded. This one takes the old worker's place where a browser has it, drops its caches and unregisters itself;
    /// with no fetch handler every request goes to the server.
    /// </summary>
    internal const string RetiringServiceWorker = """
        self.addEventListener('install', () => self.skipWaiting());
        self.addEventListener('activate', event => event.waitUntil((async () => {
          for (const key of await caches.keys()) await caches.delete(key);
          await self.registration.unregister();
        })()));
        """;

    /// <summary>What the IDE reads from <c>bcp-config.json</c> (field names as the 18.0.0 bundle reads them).</summary>
    internal const string ConfigJson = """{"useBrowserUrlAsEndpoint":true,"disableTelemetry":true}""";

    public static WebApplication MapBananaCakePop(this WebApplication app, params string[] paths)
    {
        if (paths.Length == 0) paths = ["/graphql", "/api/graphql"];
        var root = Path.Combine(AppContext.BaseDirectory, FolderName);
        if (!File.Exists(Path.Combine(root, IndexFile)))
        {
            app.Logger.LogWarning("Banana Cake Pop IDE not found in {Folder} (run `npm ci` at the repository root and rebuild); /graphql serves GraphQL only", root);
            return app;
        }

        var files = new PhysicalFileProvider(root);
        foreach (var raw in paths)
        {
            var path = new PathString(raw.TrimEnd('/'));
            var lastSegment = path.Value![(path.Value!.LastIndexOf('/') + 1)..];
            var serviceWorker = path + "/service-worker.js";
            app.Use((http, next) =>
            {
                if (HttpMethods.IsGet(http.Request.Method) && http.Request.Path.Equals(serviceWorker, StringComparison.OrdinalIgnoreCase))
                    return WriteRetiringServiceWorkerAsync(http);
                if (!IsIdePageRequest(http.Request, path)) return next(http);
                // The page lives at {path}/, where its relative asset URLs resolve. Served at {path} with a <base href>
                // instead, the IDE loaded and printed the schema but its Schema Reference stayed empty ("No Schema").
                // The redirect is relative so that it holds behind a proxy that adds a path prefix.
                if (!http.Request.Path.Value!.EndsWith('/'))
                {
                    http.Response.Headers.Vary = HeaderNames.Accept;
                    http.Response.Redirect(lastSegment + "/" + http.Request.QueryString);
                    return Task.CompletedTask;
                }
                return WriteIndexAsync(http, files.GetFileInfo(IndexFile));
            });
            app.UseStaticFiles(new StaticFileOptions
            {
                RequestPath = path,
                FileProvider = files,
                OnPrepareResponse = ctx =>
                {
                    Web.SecurityHeaders.Page(ctx.Context.Response, Web.SecurityHeaders.IdePolicy);
                    // Bundles under static/ carry a content hash in their names.
                    ctx.Context.Response.Headers.CacheControl = ctx.Context.Request.Path.StartsWithSegments(path + "/static")
                        ? "public, max-age=31536000, immutable"
                        : "no-cache";
                },
            });
            app.MapGet(path + "/bcp-config.json", (HttpContext http) =>
            {
                http.Response.Headers.CacheControl = "no-cache";
                return Results.Text(ConfigJson, "application/json", Encoding.UTF8);
            }).Public("the IDE's static settings");
        }
        return app;
    }

    /// <summary>GET or HEAD of <c>{path}</c> or <c>{path}/</c> from a browser, without a GraphQL query.</summary>
    internal static bool IsIdePageRequest(HttpRequest request, PathString path)
    {
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)) return false;
        var p = request.Path;
        if (!(p.Equals(path, StringComparison.OrdinalIgnoreCase) || p.Equals(path + "/", StringComparison.OrdinalIgnoreCase))) return false;
        if (request.Query.ContainsKey("query")) return false;
        foreach (var accept in request.GetTypedHeaders().Accept)
            if (accept.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase) && accept.Quality is not 0) return true;
        return false;
    }

    private static Task WriteRetiringServiceWorkerAsync(HttpContext http)
    {
        http.Response.ContentType = "text/javascript; charset=utf-8";
        // A browser checks a worker's script for updates on each visit; no-cache makes it ask.
        http.Response.Headers.CacheControl = "no-cache";
        Web.SecurityHeaders.Page(http.Response, Web.SecurityHeaders.IdePolicy);
        return http.Response.WriteAsync(RetiringServiceWorker, http.RequestAborted);
    }

    private static async Task WriteIndexAsync(HttpContext http, IFileInfo index)
    {
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "text/html; charset=utf-8";
        http.Response.ContentLength = index.Length;
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers.Vary = HeaderNames.Accept;
        Web.SecurityHeaders.Page(http.Response, Web.SecurityHeaders.IdePolicy);
        if (!HttpMethods.IsHead(http.Request.Method)) await http.Response.SendFileAsync(index, http.RequestAborted);
    }
}
