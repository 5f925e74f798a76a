using System.Text;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Registry.Server.Ide;

/// <summary>
/// The Banana Cake Pop GraphQL IDE on the GraphQL paths: a browser's GET (Accept includes <c>text/html</c>, no
/// <c>query</c> parameter) gets the IDE's <c>index.html</c>; its assets are static files under <c>{path}/</c>, and
/// <c>{path}/bcp-config.json</c> tells the IDE to use the page's own URL as its GraphQL endpoint. Anything else on
/// the GraphQL paths (GET with a query, POST, non-browser clients) goes on to the GraphQL endpoint unchanged.
/// </summary>
/// <remarks>
/// The files come from the npm package <c>@chillicream/bananacakepop-graphql-ide</c>; the build copies them to
/// <c>BananaCakePop/</c> beside the binary (see Registry.Server.csproj). The page is served at <c>/graphql</c>
/// without a trailing slash, so its relative asset URLs (<c>static/js/…</c>, <c>./favicon.ico</c>) would resolve
/// against <c>/</c>: the served copy of index.html gets a <c>&lt;base href="{path}/"&gt;</c>. It is the only file
/// held in memory (about 1 KB); every asset streams from the physical file provider.
/// </remarks>
public static class IdeEndpoints
{
    public const string FolderName = "BananaCakePop";
    private const string IndexFile = "index.html";

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
            var index = new Lazy<byte[]>(() => IndexWithBase(files, path + "/"));
            app.Use((http, next) => IsIdePageRequest(http.Request, path) ? WriteIndexAsync(http, index.Value) : next(http));
            app.UseStaticFiles(new StaticFileOptions
            {
                RequestPath = path,
                FileProvider = files,
                OnPrepareResponse = ctx =>
                {
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
            });
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

    private static async Task WriteIndexAsync(HttpContext http, byte[] body)
    {
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "text/html; charset=utf-8";
        http.Response.ContentLength = body.Length;
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers.Vary = HeaderNames.Accept;
        if (!HttpMethods.IsHead(http.Request.Method)) await http.Response.Body.WriteAsync(body, http.RequestAborted);
    }

    private static byte[] IndexWithBase(IFileProvider files, string baseHref)
    {
        using var reader = new StreamReader(files.GetFileInfo(IndexFile).CreateReadStream(), Encoding.UTF8);
        var html = reader.ReadToEnd();
        var tag = $"<base href=\"{System.Net.WebUtility.HtmlEncode(baseHref)}\"/>";
        var head = html.IndexOf("<head>", StringComparison.OrdinalIgnoreCase);
        html = head >= 0 ? html.Insert(head + "<head>".Length, tag) : tag + html;
        return Encoding.UTF8.GetBytes(html);
    }
}
