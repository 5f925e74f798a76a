using System.Runtime.CompilerServices;

namespace Registry.Tests.Infrastructure;

/// <summary>
/// Snapshooter writes a missing snapshot and passes unless <c>SNAPSHOOTER_STRICT_MODE</c> is set, so the test assembly
/// sets it for itself before any test runs: a plain <c>dotnet test</c> is as strict as <c>tests/run.sh</c>. A missing
/// or changed snapshot fails and Snapshooter writes what it got under <c>__snapshots__/__mismatch__/</c>; to accept
/// it, move that file into <c>__snapshots__/</c> and review the diff.
/// </summary>
internal static class StrictSnapshots
{
#pragma warning disable CA2255 // a module initializer is exactly what a test assembly's process-wide switch needs
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Enable() => Environment.SetEnvironmentVariable("SNAPSHOOTER_STRICT_MODE", "true");
}
