namespace Registry.Tests.Infrastructure;

/// <summary>
/// A running registry the tests talk to over HTTP: an in-process <see cref="RegistryServer"/> or a separate
/// <see cref="ServerProcess"/>. Every HTTP helper (<see cref="RegistryClient"/>, <see cref="Publishing"/>,
/// <see cref="PackageGraphQL"/>) works on either.
/// </summary>
public interface IRegistryEndpoint
{
    Uri BaseAddress { get; }
}
