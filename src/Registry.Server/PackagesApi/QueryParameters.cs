using System.Globalization;
using Registry.Schema.Packages;

namespace Registry.Server.PackagesApi;

/// <summary>
/// Reads query parameters the way GitLab's Grape API coerces them: an empty value counts as absent, a value of the
/// wrong type is <c>{"error":"x is invalid"}</c>, a value outside the allowed set is
/// <c>{"error":"x does not have a valid value"}</c>.
/// </summary>
public static class QueryParameters
{
    private static readonly string[] TrueValues = ["1", "on", "t", "true", "y", "yes"];
    private static readonly string[] FalseValues = ["0", "off", "f", "false", "n", "no"];

    /// <summary>The last value sent (Rack's rule for repeated keys), or null when absent or empty.</summary>
    public static string? Value(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && values.Count > 0 && !string.IsNullOrEmpty(values[^1]) ? values[^1] : null;

    public static int Integer(IQueryCollection query, string name, int fallback, int min, int max)
    {
        if (Value(query, name) is not { } text) return fallback;
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
            throw RegistryError.Invalid(name);
        return n < min || n > max ? throw RegistryError.Invalid(name, "does not have a valid value") : n;
    }

    public static bool Boolean(IQueryCollection query, string name, bool fallback)
    {
        if (Value(query, name) is not { } text) return fallback;
        if (TrueValues.Contains(text, StringComparer.OrdinalIgnoreCase)) return true;
        if (FalseValues.Contains(text, StringComparer.OrdinalIgnoreCase)) return false;
        throw RegistryError.Invalid(name);
    }

    /// <summary>One of <paramref name="allowed"/> (exact, as Grape's <c>values:</c>), or the fallback when absent.</summary>
    public static T OneOf<T>(IQueryCollection query, string name, T fallback, IReadOnlyDictionary<string, T> allowed) =>
        Value(query, name) is not { } text ? fallback
        : allowed.TryGetValue(text, out var value) ? value
        : throw RegistryError.Invalid(name, "does not have a valid value");

    public static readonly IReadOnlyDictionary<string, bool> Sort =
        new Dictionary<string, bool> { ["asc"] = false, ["desc"] = true };
}
