using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.PackagesApi;

/// <summary>Small helpers for the Packages API tests: publish through the generic API, read lists and Link headers.</summary>
internal static class PackagesApiClient
{
    public static async Task<JsonElement> PublishAsync(this HttpClient client, object project, string name, string version,
        string file = "file.txt", string content = "content", string? status = null)
    {
        var url = RegistryServer.GenericUrl(project, name, version, file) + "?select=package_file" + (status is null ? "" : $"&status={status}");
        using var response = await client.PutAsync(url, new ByteArrayContent(Encoding.UTF8.GetBytes(content)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

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

    public static string[] Names(this JsonElement list) => list.EnumerateArray().Select(p => p.GetProperty("name").GetString()!).ToArray();

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
