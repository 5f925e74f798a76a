using System.Text.Json;

namespace Registry.Server.Requests;

/// <summary>
/// The parameters of a write request as Grape merges them: the query string, then a form body or a JSON object body
/// (later sources win). Remembers which were named, so an explicit <c>null</c> differs from an absent parameter.
/// </summary>
public sealed class RequestParameters
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

    public static async Task<RequestParameters> ReadAsync(HttpRequest request)
    {
        var parameters = new RequestParameters();
        foreach (var (key, value) in request.Query) parameters._values[key] = value.Count > 0 ? value[^1] : null;
        if (request.HasFormContentType)
        {
            foreach (var (key, value) in await request.ReadFormAsync(request.HttpContext.RequestAborted))
                parameters._values[key] = value.Count > 0 ? value[^1] : null;
        }
        else if (request.HasJsonContentType() || (request.ContentLength > 0 && request.ContentType is null))
        {
            JsonDocument doc;
            try { doc = await JsonDocument.ParseAsync(request.Body, default, request.HttpContext.RequestAborted); }
            catch (JsonException) { throw RegistryError.BadRequest("The request body is not valid JSON"); }
            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object) throw RegistryError.BadRequest("The request body must be a JSON object");
                foreach (var property in doc.RootElement.EnumerateObject())
                    parameters._values[property.Name] = property.Value.ValueKind switch
                    {
                        JsonValueKind.Null => null,
                        JsonValueKind.String => property.Value.GetString(),
                        _ => property.Value.GetRawText(),
                    };
            }
        }
        return parameters;
    }

    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary>The parameter as a change of a partial update: absent unless the request names it, else <paramref name="read"/>'s value.</summary>
    public Change<T> ChangeOf<T>(string name, Func<string, T> read) => Has(name) ? Change<T>.To(read(name)) : Change<T>.Absent;

    /// <summary>The value, or null when absent or null.</summary>
    public string? this[string name] => _values.GetValueOrDefault(name);

    /// <summary>A required value: GitLab's <c>{"error":"name is missing"}</c> when absent or blank.</summary>
    public string Required(string name) =>
        string.IsNullOrEmpty(this[name]) ? throw RegistryError.Invalid(name, "is missing") : this[name]!;

    /// <summary>A value from a fixed set (null allowed when <paramref name="allowNull"/>), else GitLab's "does not have a valid value".</summary>
    public T OneOf<T>(string name, IReadOnlyDictionary<string, T> allowed, bool allowNull = true)
    {
        var text = this[name];
        if (text is null && allowNull) return default!;
        return text is not null && allowed.TryGetValue(text, out var value) ? value : throw RegistryError.Invalid(name, "does not have a valid value");
    }

    /// <summary>A whole number (null allowed), else <c>{"error":"name is invalid"}</c>.</summary>
    public int? Integer(string name)
    {
        var text = this[name];
        if (string.IsNullOrEmpty(text)) return null;
        return int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? n
            : throw RegistryError.Invalid(name);
    }

    private static readonly string[] TrueValues = ["1", "on", "t", "true", "y", "yes"];
    private static readonly string[] FalseValues = ["0", "off", "f", "false", "n", "no"];

    public bool? Boolean(string name)
    {
        var text = this[name];
        if (string.IsNullOrEmpty(text)) return null;
        if (TrueValues.Contains(text, StringComparer.OrdinalIgnoreCase)) return true;
        if (FalseValues.Contains(text, StringComparer.OrdinalIgnoreCase)) return false;
        throw RegistryError.Invalid(name);
    }
}
