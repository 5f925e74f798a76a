using System.Security.Cryptography;
using Registry.Schema.Packages;

namespace Registry.UnitTests;

/// <summary>The digests of bytes appended in pieces, large ones hashed on threads of their own, equal the one-shot digests.</summary>
public sealed class ContentHasherTests
{
    [Fact]
    public async Task Chunks_small_and_large_give_the_digests_of_the_whole()
    {
        var data = RandomNumberGenerator.GetBytes(5 * 1024 * 1024 + 777);
        using var hasher = new ContentHasher();
        var at = 0;
        foreach (var size in new[] { 1, 100, ContentHasher.ParallelThreshold - 1, ContentHasher.ParallelThreshold, 1024 * 1024, 3 * 1024 * 1024 })
        {
            await hasher.AppendAsync(data.AsMemory(at, size));
            at += size;
        }
        hasher.Append(data.AsSpan(at));
        var digests = hasher.Finish();
        Assert.Equal(data.Length, digests.Length);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), digests.Sha256);
        Assert.Equal(Convert.ToHexStringLower(SHA1.HashData(data)), digests.Sha1);
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(data)), digests.Md5);
    }

    [Fact]
    public async Task Sha256_alone_leaves_the_others_null()
    {
        var data = RandomNumberGenerator.GetBytes(2 * 1024 * 1024);
        using var hasher = new ContentHasher(sha1: false, md5: false);
        await hasher.AppendAsync(data);
        var digests = hasher.Finish();
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), digests.Sha256);
        Assert.Null(digests.Sha1);
        Assert.Null(digests.Md5);
    }
}
