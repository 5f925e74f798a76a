using System.Net;
using System.Text.Json;

namespace Registry.Tests.Infrastructure;

/// <summary>Reading the REST API's JSON answers and GitLab's paging headers.</summary>
public static class RestJson
{
    public static async Task<(HttpResponseMessage Response, JsonElement Body)> GetJsonAsync(this HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        return (response, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public static async Task<JsonElement> GetOkAsync(this HttpClient client, string url)
    {
        var (response, body) = await client.GetJsonAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {body}");
        return body;
    }

    public static string[] Names(this JsonElement list) => list.Strings("name");

    /// <summary>One string property of every element of a JSON array.</summary>
    public static string[] Strings(this JsonElement array, string property) =>
        array.EnumerateArray().Select(e => e.GetProperty(property).GetString()!).ToArray();

    public static string Header(this HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : throw new Xunit.Sdk.XunitException($"no {name} header");

    /// <summary>The <c>Link</c> header as relation → URL.</summary>
    public static Dictionary<string, string> Links(this HttpResponseMessage response) =>
        response.Header("Link").Split(", ").Select(part =>
        {
            var url = part[(part.IndexOf('<') + 1)..part.IndexOf('>')];
            var rel = part[(part.IndexOf("rel=\"", StringComparison.Ordinal) + 5)..^1];
            return (rel, url);
        }).ToDictionary(x => x.rel, x => x.url);
}
