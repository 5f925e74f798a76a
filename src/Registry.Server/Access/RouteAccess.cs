namespace Registry.Server.Access;

/// <summary>What a route declared it needs (<see cref="RouteRequirements"/>); read by the test that every route declares.</summary>
public sealed record RouteAccess(string Requirement);
