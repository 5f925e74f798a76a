using System.Text.Json.Serialization;

namespace Registry.Server.Generic;

/// <summary>GitLab's answer to a publish: <c>{"message":"201 Created"}</c>.</summary>
public sealed record PublishedMessageJson([property: JsonPropertyName("message")] string Message)
{
    public static readonly PublishedMessageJson Created = new("201 Created");
}
