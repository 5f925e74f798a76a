using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Registry.Schema.Storage;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Storage;

/// <summary>
/// The blob store as the publisher uses it, on whichever store the suite runs (files, or S3 with
/// <c>REGISTRY_TEST_BACKEND=postgres-s3</c>). The declared length only sizes the S3 store's first buffer: a body longer
/// or shorter than declared, or with nothing declared, is stored byte for byte. The part size is not a power of two, so
/// the pooled part buffers are longer than a part.
/// </summary>
public sealed class BlobWriterTests(BlobWriterTests.OddPartSizeServer fixture) : IClassFixture<BlobWriterTests.OddPartSizeServer>
{
    private const int Part = 5 * 1024 * 1024 + 1000;

    public sealed class OddPartSizeServer : IAsyncLifetime
    {
        public RegistryServer Server { get; private set; } = null!;
        public async Task InitializeAsync() =>
            Server = await RegistryServer.StartAsync(new Dictionary<string, string> { ["Registry:Storage:S3:PartSize"] = Part.ToString() });
        public async Task DisposeAsync() => await Server.DisposeAsync();
    }

    [Theory]
    [InlineData(null, 0)]
    [InlineData(0L, 0)]
    [InlineData(null, 5)]
    [InlineData(null, 64 * 1024 + 1)]          // outgrows the small first buffer
    [InlineData(null, Part + 3)]               // and then a part: multipart
    [InlineData(10L, 10)]
    [InlineData(10L, 70_000)]                  // declared small, arrives longer
    [InlineData(100_000L, 100_000)]            // a buffer of its own size
    [InlineData(100_000L, 99_999)]             // declared longer than it is
    [InlineData(100_000L, Part + 100_000)]     // declared below a part, is multipart
    [InlineData(Part / 2 + 1L, Part / 2 + 1)]  // just over half a part: a pooled part buffer
    [InlineData((long)Part, Part)]             // exactly one part: a single PUT
    [InlineData((long)Part, 10)]               // declared a part, far shorter
    [InlineData(3L * Part, 2 * Part)]          // exactly two parts
    [InlineData(null, 2 * Part + 1)]
    public async Task Whatever_length_was_declared_the_bytes_come_back_exactly(long? declared, int size)
    {
        var store = fixture.Server.Services.GetRequiredService<IBlobStore>();
        var content = RandomNumberGenerator.GetBytes(size);
        var key = "writer-test/" + Guid.NewGuid().ToString("N");
        await using (var writer = await store.CreateAsync(key, declared, CancellationToken.None))
        {
            // Odd-sized writes, so buffer boundaries fall inside a write.
            for (var offset = 0; offset < size; offset += 7_001)
                await writer.WriteAsync(content.AsMemory(offset, Math.Min(7_001, size - offset)), CancellationToken.None);
            await writer.CommitAsync(CancellationToken.None);
        }
        try
        {
            await using var read = await store.OpenReadAsync(key, CancellationToken.None);
            Assert.NotNull(read);
            var copy = new MemoryStream();
            await read.CopyToAsync(copy);
            Assert.Equal(size, copy.Length);
            Assert.True(content.AsSpan().SequenceEqual(copy.GetBuffer().AsSpan(0, size)), "stored bytes differ");
        }
        finally
        {
            await store.DeleteAsync(key, CancellationToken.None);
        }
    }
}
