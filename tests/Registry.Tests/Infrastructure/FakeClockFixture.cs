using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Registry.Tests.Infrastructure;

/// <summary>A server whose clock the test moves: expiry is checked against the registry's clock, so no test waits for it.</summary>
public sealed class FakeClockFixture : IAsyncLifetime
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);
    public RegistryServer Server { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Server = await RegistryServer.StartAsync(configureServices: services => services.AddSingleton<TimeProvider>(Clock));

    public Task DisposeAsync() => Server.DisposeAsync().AsTask();
}
