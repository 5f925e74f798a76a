using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestCollectionOrderer("Registry.Tests.Infrastructure.LongestFirst", "Registry.Tests")]

namespace Registry.Tests.Infrastructure;

/// <summary>
/// Starts the test classes that take longest first, the rest after them in xunit's usual order. Each class is a
/// collection whose tests run one after another, and only a few collections run at once (one per core): a long
/// class that happened to start last kept the run going minutes after everything else had finished. The list comes
/// from a run's durations per class (tests/run.sh with REGISTRY_TEST_RESULTS); a class missing from it only loses
/// its head start.
/// </summary>
public sealed class LongestFirst : ITestCollectionOrderer
{
    private readonly DefaultTestCollectionOrderer _usual = new();

    /// <summary>The classes that took longest on either configuration, longest first (summed test durations of a run).</summary>
    private static readonly string[] Longest =
    [
        "Operations.GroupCommitCrashTests",
        "Web.WebUiBrowserTests",
        "Hooks.HookInstancesTests",
        "Operations.ShutdownAndCrashTests",
        "Lifecycle.ContentAddressedStorageTests",
        "Caching.HotPathCacheTests",
        "Ide.BananaCakePopBrowserTests",
        "Web.SignInTests",
        "Upgrade.UpgradeTests",
        "Web.ResumableUploadBrowserTests",
        "Operations.StorageFaultTests",
        "ScaleOut.MultiInstanceTests",
        "Operations.BackupAndVerifyTests",
        "Operations.FaultLoggingTests",
        "Operations.StorageOutageTests",
    ];

    private const string Prefix = "Test collection for Registry.Tests.";

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        _usual.OrderTestCollections(testCollections).Select((collection, index) => (collection, index))
            .OrderBy(c => Rank(c.collection))
            .ThenBy(c => c.index)
            .Select(c => c.collection);

    private static int Rank(ITestCollection collection)
    {
        var name = collection.DisplayName.StartsWith(Prefix, StringComparison.Ordinal) ? collection.DisplayName[Prefix.Length..] : "";
        var rank = Array.IndexOf(Longest, name);
        return rank < 0 ? Longest.Length : rank;
    }
}
