using Microsoft.Extensions.Options;
using Registry.Schema;

namespace Registry.Server.Web;

/// <summary>
/// Content-Security-Policy for the pages the server sends (the web UI and the IDE) and Strict-Transport-Security when
/// the registry is reached over https. A script injected into a page (through a package name shown unescaped, say)
/// cannot run: only the app's own files may.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>
    /// The web UI: its own scripts and styles only, no inline script and no eval; it talks to its own origin only. The
    /// favicon is a data: URL in the page.
    /// </summary>
    public const string UiPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// Banana Cake Pop, on its page and on each of its files (its service worker serves its cached index.html, with that
    /// file's headers, on later visits; its workers take the policy of their script's answer). Its bundle has no inline
    /// script, but it compiles JSON-schema validators (Ajv) with <c>new Function</c> as it starts, and renders nothing
    /// without 'unsafe-eval'; its styling libraries and editor add &lt;style&gt; elements at run time. Anything else is
    /// its own origin: its telemetry (already off in bcp-config.json), Google Analytics and ChilliCream's cloud are refused.
    /// </summary>
    public const string IdePolicy =
        "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self'; font-src 'self'; " +
        "connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>A year, GitLab's default.</summary>
    public const string HstsValue = "max-age=31536000";

    public static void Page(HttpResponse response, string policy) => response.Headers.ContentSecurityPolicy = policy;

    /// <summary>HSTS on every answer when the public URL (or the request itself) is https.</summary>
    public static IApplicationBuilder UseStrictTransportSecurity(this IApplicationBuilder app)
    {
        // Read at the first request, not while the pipeline is built: the options are validated when the host starts, and
        // an invalid ExternalUrl must stop the start with its own message.
        var options = app.ApplicationServices.GetRequiredService<IOptions<RegistryOptions>>();
        var httpsPublic = new Lazy<bool>(() => options.Value.ExternalUrl?.Scheme == Uri.UriSchemeHttps);
        return app.Use((http, next) =>
        {
            if (httpsPublic.Value || http.Request.IsHttps) http.Response.Headers.StrictTransportSecurity = HstsValue;
            return next(http);
        });
    }
}
