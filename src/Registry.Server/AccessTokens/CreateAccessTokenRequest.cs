using System.Globalization;
using System.Text.Json;
using Registry.Schema.Identity;
using Registry.Server.Requests;

namespace Registry.Server.AccessTokens;

/// <summary>
/// The body of GitLab's <c>POST /projects/:id/access_tokens</c> (and the group one): <c>name</c>, <c>scopes</c>,
/// optional <c>access_level</c> (40 by default) and <c>expires_at</c> (a date), as JSON (python-gitlab) or a form
/// (<c>curl --data "scopes[]=api"</c>). What is wrong with it is raised in GitLab's shape after authentication.
/// </summary>
public sealed class CreateAccessTokenRequest : IRouteArguments
{
    private readonly List<string> _missing = [];
    private RegistryError? _error;

    public string Name { get; private set; } = "";
    public TokenScopes Scopes { get; private set; }
    public AccessLevel AccessLevel { get; private set; } = AccessLevel.Maintainer;
    public DateTime? ExpiresAt { get; private set; }

    public void Validate()
    {
        if (_missing.Count > 0) throw RegistryError.Invalid(_missing[0], "is missing" + string.Concat(_missing.Skip(1).Select(m => $", {m} is missing")));
        if (_error is not null) throw _error;
    }

    public static async ValueTask<CreateAccessTokenRequest?> BindAsync(HttpContext http)
    {
        var request = new CreateAccessTokenRequest();
        string? name = null, level = null, expires = null;
        List<string>? scopes = null;
        try
        {
            if (http.Request.HasFormContentType)
            {
                var form = await http.Request.ReadFormAsync(http.RequestAborted);
                name = form["name"].FirstOrDefault();
                level = form["access_level"].FirstOrDefault();
                expires = form["expires_at"].FirstOrDefault();
                var values = form["scopes[]"].Concat(form["scopes"]).Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToList();
                scopes = values.Count > 0 ? values.SelectMany(v => v.Split(',')).ToList() : null;
            }
            else if (http.Request.ContentLength != 0)
            {
                using var doc = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
                var root = doc.RootElement;
                name = Text(root, "name");
                level = Text(root, "access_level");
                expires = Text(root, "expires_at");
                if (root.TryGetProperty("scopes", out var s))
                    scopes = s.ValueKind == JsonValueKind.Array ? s.EnumerateArray().Select(e => e.ToString()).ToList() : s.ToString().Split(',').ToList();
            }
        }
        catch (JsonException)
        {
            request._error = RegistryError.BadRequest("The request body is not valid JSON");
            return request;
        }

        if (string.IsNullOrEmpty(name)) request._missing.Add("name");
        if (scopes is null || scopes.Count == 0) request._missing.Add("scopes");
        request.Name = name ?? "";
        try
        {
            request.Scopes = (scopes ?? []).Aggregate(TokenScopes.None, (acc, s) =>
                acc | (AccessTokenJson.Scopes.TryGetValue(s.Trim(), out var scope) ? scope : throw RegistryError.Invalid("scopes", "does not have a valid value")));
            if (level is not null)
                request.AccessLevel = int.TryParse(level, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && Enum.IsDefined((AccessLevel)n)
                    ? (AccessLevel)n : throw RegistryError.Invalid("access_level", "does not have a valid value");
            if (expires is not null)
                request.ExpiresAt = DateTime.TryParseExact(expires, "yyyy-MM-dd", CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var date)
                    ? DateTime.SpecifyKind(date, DateTimeKind.Utc) : throw RegistryError.Invalid("expires_at");
        }
        catch (RegistryError e)
        {
            request._error ??= e;
        }
        return request;
    }

    private static string? Text(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.ToString() : null;
}
