using System.Reflection;
using Registry.Schema.Data;

namespace Registry.Tests.Contract;

/// <summary>
/// Architecture rule: REST endpoints and GraphQL resolvers read and write through the services, never through
/// <see cref="RegistryDbContext"/> itself, so both transports share one implementation of each rule and query.
/// </summary>
public sealed class LayeringTests
{
    [Fact]
    public void Endpoints_and_resolvers_do_not_use_the_DbContext()
    {
        var endpoints = typeof(Registry.Server.Hosting.RegistryApplication).Assembly.GetTypes()
            .Where(t => Outermost(t).Name.EndsWith("Endpoints", StringComparison.Ordinal) || Outermost(t).Name.EndsWith("Endpoint", StringComparison.Ordinal));
        var resolvers = typeof(Registry.Schema.GraphQL.Query).Assembly.GetTypes()
            .Where(t => Outermost(t).Namespace is "Registry.Schema.GraphQL" or "Registry.Schema.GraphQL.Types");
        var checkedTypes = endpoints.Concat(resolvers).ToList();
        Assert.Contains(checkedTypes, t => t.Name == "ProjectNode");
        Assert.Contains(checkedTypes, t => t.Name == "ProjectEndpoints");
        var offenders = checkedTypes.SelectMany(UsesOfDbContext).Distinct().ToList();
        Assert.True(offenders.Count == 0, "Use a service instead of RegistryDbContext in: " + string.Join(", ", offenders));
    }

    private static Type Outermost(Type t) => t.DeclaringType is { } outer ? Outermost(outer) : t;

    private const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>Fields, constructor and method parameters, and method locals (lambdas' closures are nested types) of the DbContext's type.</summary>
    private static IEnumerable<string> UsesOfDbContext(Type type)
    {
        static bool IsDb(Type t) => typeof(RegistryDbContext).IsAssignableFrom(t);
        foreach (var f in type.GetFields(All).Where(f => IsDb(f.FieldType))) yield return $"{type.FullName}.{f.Name}";
        foreach (var m in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
        {
            if (m.GetParameters().Any(p => IsDb(p.ParameterType))) yield return $"{type.FullName}.{m.Name}";
            else if (m.GetMethodBody()?.LocalVariables.Any(l => IsDb(l.LocalType)) == true) yield return $"{type.FullName}.{m.Name}";
        }
    }
}
