using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Registry.Tests.Infrastructure;

/// <summary>
/// The one way tests publish and fetch generic packages through the real endpoint. A project is its numeric id or its
/// full path (escaped here); tokens default to root's.
/// </summary>
public static class Publishing
{
    /// <summary>
    /// The generic package URL of a file (of the version without <paramref name="file"/>), the one builder of it in the
    /// tests; <paramref name="query"/> without its <c>?</c>. A test of a URL's own shape writes the URL out instead.
    /// </summary>
    public static string Url(object project, string name, string version, string? file = null, string? query = null) =>
        $"/api/v4/projects/{ProjectSegment(project)}/packages/generic/{name}/{version}" + (file is null ? "" : "/" + file)
        + (string.IsNullOrEmpty(query) ? "" : "?" + query);

    /// <summary>A project id as the URL carries it: a number as is, a full path escaped (<c>group%2Fapp</c>).</summary>
    public static string ProjectSegment(object project) => project is string path ? Uri.EscapeDataString(path) : project.ToString()!;

    /// <summary>PUTs <paramref name="content"/> and hands back the response, whatever it is.</summary>
    public static async Task<HttpResponseMessage> UploadAsync(this IRegistryEndpoint server, object project, string name, string version,
        string file, HttpContent content, string? query = null, string? token = RegistryServer.RootToken, TimeSpan? timeout = null)
    {
        using var client = server.Client(token);
        if (timeout is { } t) client.Timeout = t;
        return await client.PutAsync(Url(project, name, version, file, query), content);
    }

    public static Task<HttpResponseMessage> UploadAsync(this IRegistryEndpoint server, object project, string name, string version,
        string file, byte[] content, string? query = null, string? token = RegistryServer.RootToken, TimeSpan? timeout = null) =>
        server.UploadAsync(project, name, version, file, new ByteArrayContent(content), query, token, timeout);

    /// <summary>
    /// Publishes a file (with <c>select=package_file</c>), requires success, and returns the package-file record
    /// (<c>id</c>, <c>package_id</c>, <c>file_sha256</c>, ...). <paramref name="status"/> is <c>default</c> or <c>hidden</c>.
    /// </summary>
    public static async Task<JsonElement> PublishAsync(this IRegistryEndpoint server, object project, string name, string version,
        string file = "file.txt", byte[]? content = null, string? status = null, string? token = RegistryServer.RootToken)
    {
        var query = "select=package_file" + (status is null ? "" : "&status=" + status);
        using var response = await server.UploadAsync(project, name, version, file, content ?? "content"u8.ToArray(), query, token);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"publishing {name}/{version}/{file}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static Task<JsonElement> PublishAsync(this IRegistryEndpoint server, object project, string name, string version,
        string file, string content, string? status = null, string? token = RegistryServer.RootToken) =>
        server.PublishAsync(project, name, version, file, Encoding.UTF8.GetBytes(content), status, token);

    /// <summary>GETs a file; the status and the body's bytes.</summary>
    public static async Task<(HttpStatusCode Status, byte[] Body)> DownloadAsync(this IRegistryEndpoint server, object project,
        string name, string version, string file, string? token = RegistryServer.RootToken)
    {
        using var client = server.Client(token);
        using var response = await client.GetAsync(Url(project, name, version, file));
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync());
    }
}
