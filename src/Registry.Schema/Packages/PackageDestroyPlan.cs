namespace Registry.Schema.Packages;

/// <summary>
/// What deleting a batch of packages does (<see cref="PackageDestroyer.PlanPackagesAsync"/>): the packages that go, with
/// how many files and bytes go with them, and the packages a protection rule keeps.
/// </summary>
public sealed record PackageDestroyPlan(IReadOnlyList<Package> Going, IReadOnlyList<Package> Protected, int FileCount, long Bytes);
