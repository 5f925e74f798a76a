using System.Text.Json;
using Registry.Schema.Hooks;
using Registry.Schema.Packages;

namespace Registry.UnitTests;

/// <summary>
/// An event's recorded data is written by the generated serializer and read back by it: the text must be what the
/// reflection-based serializer wrote before, so rows left by older builds still read and every field arrives.
/// </summary>
public sealed class PackageEventJsonTests
{
    private static readonly DateTime At = new(2026, 12, 6, 19, 30, 15, 123, DateTimeKind.Utc);

    public static TheoryData<PackageEventData> Events => new()
    {
        new PackageEventData(new PackageEventData.UserData(7, "ci", "CI \"bot\" ü"), 3, "group/sub/app",
            new PackageEventData.PackageData(11, "pkg", "1.0.0-rc.1", PackageType.Generic, PackageStatus.Hidden, At, At.AddDays(1)),
            new PackageFileRecord(42, 11, 3, "pkg", "1.0.0-rc.1", "dir/a b.bin", 1024, new string('a', 64), null, new string('b', 40), 1, At, At)),
        new PackageEventData(null, 3, "group/app",
            new PackageEventData.PackageData(12, "pkg", "2.0", PackageType.Generic, PackageStatus.Default, At, null), null),
    };

    [Theory]
    [MemberData(nameof(Events))]
    public void The_generated_serializer_writes_and_reads_what_the_reflection_based_one_did(PackageEventData data)
    {
        var generated = JsonSerializer.Serialize(data, PackageEventJsonContext.Default.PackageEventData);
        var reflected = JsonSerializer.Serialize(data);
        Assert.Equal(reflected, generated);
        var read = JsonSerializer.Deserialize(reflected, PackageEventJsonContext.Default.PackageEventData)!;
        Assert.Equal(data, read);
    }
}
