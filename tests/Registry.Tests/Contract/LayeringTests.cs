using System.Reflection;
using System.Reflection.Emit;
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

    /// <summary>
    /// Fields, constructor and method parameters, and method locals (lambdas' closures are nested types) of the
    /// DbContext's type, and calls that hand one out without keeping it (<c>services.GetRequiredService&lt;RegistryDbContext&gt;().Projects</c>).
    /// </summary>
    private static IEnumerable<string> UsesOfDbContext(Type type)
    {
        static bool IsDb(Type t) => typeof(RegistryDbContext).IsAssignableFrom(t);
        foreach (var f in type.GetFields(All).Where(f => IsDb(f.FieldType))) yield return $"{type.FullName}.{f.Name}";
        foreach (var m in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
        {
            if (m.GetParameters().Any(p => IsDb(p.ParameterType))) yield return $"{type.FullName}.{m.Name}";
            else if (m.GetMethodBody()?.LocalVariables.Any(l => IsDb(l.LocalType)) == true) yield return $"{type.FullName}.{m.Name}";
            else if (Called(m).Any(c => c.DeclaringType is { } d && IsDb(d) || c is MethodInfo { ReturnType: var r } && IsDb(r)))
                yield return $"{type.FullName}.{m.Name}";
        }
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    /// <summary>The methods and constructors <paramref name="method"/>'s IL calls, creates or takes the address of.</summary>
    private static IEnumerable<MethodBase> Called(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        var typeArgs = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null;
        var methodArgs = method is MethodInfo { IsGenericMethod: true } ? method.GetGenericArguments() : null;
        for (var i = 0; i < il.Length;)
        {
            var op = il[i] == 0xFE ? OpCodesByValue[unchecked((short)(0xFE00 | il[i + 1]))] : OpCodesByValue[il[i]];
            i += op.Size;
            if (op.OperandType == OperandType.InlineMethod)
            {
                MethodBase? called = null;
                try { called = method.Module.ResolveMethod(BitConverter.ToInt32(il, i), typeArgs, methodArgs); }
                catch (ArgumentException) { }
                if (called is not null) yield return called;
            }
            i += op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i),
                _ => 4,
            };
        }
    }
}
