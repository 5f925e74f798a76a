using System.Buffers;
using Microsoft.AspNetCore.Connections;

namespace Registry.Server.Hosting;

/// <summary>Gives Kestrel <see cref="LargeBlockMemoryPool"/>s: it asks this service for its pools.</summary>
public sealed class LargeBlockMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new LargeBlockMemoryPool();
}
