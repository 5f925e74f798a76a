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

    private static readonly PackageEventData WithFile =
        new(new PackageEventData.UserData(7, "ci", "CI \"bot\" ü"), 3, "group/sub/app",
            new PackageEventData.PackageData(11, "pkg", "1.0.0-rc.1", PackageType.Generic, PackageStatus.Hidden, At, At.AddDays(1)),
            new PackageFileRecord(42, 11, 3, "pkg", "1.0.0-rc.1", "dir/a b.bin", 1024, new string('a', 64), null, new string('b', 40), 1, At, At));

    public static TheoryData<PackageEventData> Events => new()
    {
        WithFile,
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

    [Fact]
    public void A_row_written_with_the_files_computed_paths_reads_as_before_and_the_paths_are_no_longer_written()
    {
        var data = WithFile;
        var written = JsonSerializer.Serialize(data, PackageEventJsonContext.Default.PackageEventData);
        Assert.DoesNotContain("DownloadPath", written);
        Assert.DoesNotContain("FileUrl", written);
        // What older builds wrote: the two computed paths inside the file's object.
        var file = data.File!;
        var older = written.Replace("\"UpdatedAt\"", $"\"FileUrl\":{JsonSerializer.Serialize(file.FileUrl)},\"DownloadPath\":{JsonSerializer.Serialize(file.DownloadPath)},\"UpdatedAt\"");
        Assert.Contains("DownloadPath", older);
        Assert.Equal(data, JsonSerializer.Deserialize(older, PackageEventJsonContext.Default.PackageEventData));
    }

    [Fact]
    public void Random_guids_are_version_4_and_distinct()
    {
        var seen = new HashSet<Guid>();
        for (var i = 0; i < 2000; i++)
        {
            var guid = RandomGuids.Next();
            Assert.Equal(4, guid.Version);
            Assert.Equal(0b10, guid.Variant >> 2);
            Assert.True(seen.Add(guid));
        }
    }

    /// <summary>
    /// A publish batch's row of file events keeps each file's part once and the project's, actor's and package's once
    /// for all: each file's event read back from it, through JSON, is the event a row of its own recorded.
    /// </summary>
    [Fact]
    public void A_row_of_published_files_gives_back_each_files_event_as_a_row_of_its_own_recorded_it()
    {
        var second = new PackageFileRecord(43, 11, 3, "pkg", "1.0.0-rc.1", "b.bin", 7, new string('c', 64), new string('d', 32), null, 2,
            At.AddSeconds(1), At.AddSeconds(2));
        var (uuid1, uuid2) = (Guid.NewGuid(), Guid.NewGuid());
        var row = new PublishedFiles(WithFile.User, WithFile.ProjectPath, WithFile.Package,
            [PublishedFiles.Of(uuid1, WithFile.File!), PublishedFiles.Of(uuid2, second)]);

        var read = JsonSerializer.Deserialize(JsonSerializer.Serialize(row, PackageEventJsonContext.Default.PublishedFiles),
            PackageEventJsonContext.Default.PublishedFiles)!;

        Assert.Equal([uuid1, uuid2], read.Files.Select(f => f.Uuid));
        Assert.Equal(WithFile, read.EventOf(read.Files[0], WithFile.ProjectId));
        Assert.Equal(WithFile with { File = second }, read.EventOf(read.Files[1], WithFile.ProjectId));
    }
}
