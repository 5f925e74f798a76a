using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Registry.Tests.Hooks;

/// <summary>What a receiver checks in a delivery, written independently of the server's code.</summary>
public static class HookAssert
{
    /// <summary>The Standard Webhooks signature, checked the way a receiver would.</summary>
    public static void Signed(ReceivedHook hook, string secret)
    {
        var id = hook.Headers["webhook-id"];
        var timestamp = hook.Headers["webhook-timestamp"];
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{hook.Body}")));
        Assert.Equal(expected, hook.Headers["webhook-signature"]);
        Assert.InRange(long.Parse(timestamp), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 5);
    }

    /// <summary>GitLab's headers, the hook's token and the signature: what every path's delivery must carry.</summary>
    public static void Delivery(ReceivedHook hook, string secret, string token)
    {
        Signed(hook, secret);
        Assert.Equal("Package Hook", hook.Headers["X-Gitlab-Event"]);
        Assert.Equal(token, hook.Headers["X-Gitlab-Token"]);
        Assert.True(Guid.TryParse(hook.Headers["X-Gitlab-Webhook-UUID"], out _));
        Assert.True(Guid.TryParse(hook.Headers["X-Gitlab-Event-UUID"], out _));
        Assert.True(Guid.TryParse(hook.Headers["Idempotency-Key"], out _));
        Assert.StartsWith("application/json", hook.Headers["Content-Type"]);
        Assert.Equal("package", JsonDocument.Parse(hook.Body).RootElement.GetProperty("object_kind").GetString());
    }
}
