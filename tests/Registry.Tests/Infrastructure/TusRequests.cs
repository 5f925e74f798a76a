using System.Net.Http.Headers;

namespace Registry.Tests.Infrastructure;

/// <summary>tus 1.0.0 requests as a client sends them, so every test that resumes an upload builds them one way.</summary>
public static class TusRequests
{
    /// <summary>A request with the protocol's version header, then whatever <paramref name="configure"/> adds.</summary>
    public static HttpRequestMessage Request(HttpMethod method, string url, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Add("Tus-Resumable", "1.0.0");
        configure?.Invoke(request);
        return request;
    }

    /// <summary>The creation POST of an upload of <paramref name="length"/> bytes.</summary>
    public static HttpRequestMessage Create(string url, long length) =>
        Request(HttpMethod.Post, url, r => r.Headers.Add("Upload-Length", length.ToString()));

    /// <summary>A PATCH of <paramref name="count"/> bytes of <paramref name="body"/> from <paramref name="start"/>, at <paramref name="offset"/>.</summary>
    public static HttpRequestMessage Patch(string location, long offset, byte[] body, int start = 0, int? count = null) =>
        Request(HttpMethod.Patch, location, r =>
        {
            r.Headers.Add("Upload-Offset", offset.ToString());
            r.Content = new ByteArrayContent(body, start, count ?? body.Length - start);
            r.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/offset+octet-stream");
        });
}
