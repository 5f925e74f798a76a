using System.Text.Json;
using System.Text.RegularExpressions;

namespace Registry.Server.Web;

/// <summary>
/// The web UI's own addresses, read from the <c>routes.json</c> its build writes from the app's route table
/// (src/Registry.Web/src/routes.ts), with the regular expression vue-router matches each route with. A page added to
/// the app is served on reload and from a pasted link without a change here.
/// </summary>
public sealed class WebUiRoutes
{
    public const string FileName = "routes.json";

    private sealed record Entry(string Path, string? Name, string Pattern, bool IgnoreCase, bool Namespace, string Example);

    /// <summary>One route: <see cref="Namespace"/> routes are a project's or group's own address (<c>/acme/tools</c>).</summary>
    public sealed record Route(string Path, Regex Regex, bool Namespace);

    public IReadOnlyList<Route> Routes { get; }

    private WebUiRoutes(IReadOnlyList<Route> routes) => Routes = routes;

    public static WebUiRoutes Load(string file)
    {
        var entries = JsonSerializer.Deserialize<List<Entry>>(File.ReadAllText(file), new JsonSerializerOptions(JsonSerializerDefaults.Web))
            ?? throw new InvalidOperationException($"{file} holds no routes");
        // The path is anyone's input. The non-backtracking engine matches in time linear in its length, so no pattern
        // can be made slow; a wall-clock limit instead answered 500 whenever a loaded machine paused the request for it.
        return new WebUiRoutes(entries.Select(e => new Route(e.Path,
            new Regex(e.Pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking | (e.IgnoreCase ? RegexOptions.IgnoreCase : RegexOptions.None)),
            e.Namespace)).ToList());
    }

    /// <summary>
    /// What the app makes of <paramref name="path"/>: a page (<see cref="WebUiMatch.Page"/>), a project's or group's
    /// address whose existence decides (<see cref="WebUiMatch.Namespace"/>, with the full path), or nothing.
    /// </summary>
    public (WebUiMatch Match, string? FullPath) Match(string path)
    {
        string? fullPath = null;
        foreach (var route in Routes)
        {
            if (!route.Regex.IsMatch(path)) continue;
            if (!route.Namespace) return (WebUiMatch.Page, null);
            fullPath ??= path.Trim('/');
        }
        return fullPath is null ? (WebUiMatch.None, null) : (WebUiMatch.Namespace, fullPath);
    }
}

public enum WebUiMatch { None, Page, Namespace }
