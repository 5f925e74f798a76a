using Registry.Schema;
using Registry.Schema.Packages;

namespace Registry.UnitTests;

/// <summary>GitLab's rules for a generic package's name, version, file name and folders (docs/api-contract.md, Generic packages), ASCII only.</summary>
public sealed class PackageNameRulesTests
{
    [Theory]
    [InlineData("my_package")]
    [InlineData("a")]
    [InlineData("A.b-c+d_9")]
    [InlineData("...")]
    [InlineData(".hidden")]
    public void Valid_names(string name) => Assert.True(PackageNameRules.IsValidName(name));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a b")]
    [InlineData("a/b")]
    [InlineData("a~b")]
    [InlineData("a@b")]
    [InlineData("naïve")]
    [InlineData("名前")]
    public void Invalid_names(string? name) => Assert.False(PackageNameRules.IsValidName(name));

    [Fact]
    public void Names_and_versions_are_at_most_255_characters()
    {
        Assert.True(PackageNameRules.IsValidName(new string('n', 255)));
        Assert.False(PackageNameRules.IsValidName(new string('n', 256)));
        Assert.True(PackageNameRules.IsValidVersion(new string('1', 255)));
        Assert.False(PackageNameRules.IsValidVersion(new string('1', 256)));
        Assert.True(PackageNameRules.IsValidFileSegment(new string('f', 255)));
        Assert.False(PackageNameRules.IsValidFileSegment(new string('f', 256)));
    }

    [Theory]
    [InlineData("1.0.0")]
    [InlineData("1")]
    [InlineData("1.0.0-beta+build.5")]
    [InlineData("v1_2-3")]
    [InlineData(".1")]
    [InlineData("1.")]
    public void Valid_versions(string version) => Assert.True(PackageNameRules.IsValidVersion(version));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("1..0")]
    [InlineData("1.0..")]
    [InlineData("1.0 0")]
    [InlineData("1/0")]
    [InlineData("1~0")]
    [InlineData("1.0.0-bêta")]
    public void Invalid_versions(string? version) => Assert.False(PackageNameRules.IsValidVersion(version));

    [Theory]
    [InlineData("file.txt")]
    [InlineData("a~b@c")]
    [InlineData("...")]
    [InlineData(".env")]
    [InlineData("x+y-z_1")]
    public void Valid_file_segments(string segment) => Assert.True(PackageNameRules.IsValidFileSegment(segment));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("~start")]
    [InlineData("@start")]
    [InlineData("end~")]
    [InlineData("end@")]
    [InlineData("a b")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("ünï")]
    public void Invalid_file_segments(string? segment) => Assert.False(PackageNameRules.IsValidFileSegment(segment));

    [Fact]
    public void A_file_path_joins_its_segments_with_slashes()
    {
        Assert.Equal("file.txt", PackageNameRules.ValidateFilePath(["file.txt"]));
        Assert.Equal("dir/sub/file.txt", PackageNameRules.ValidateFilePath(["dir", "sub", "file.txt"]));
    }

    [Theory]
    [InlineData("file_name", new string[0])]
    [InlineData("file_name", new[] { ".." })]
    [InlineData("file_name", new[] { "dir", ".." })]
    [InlineData("file_name", new[] { "dir", "~bad" })]
    [InlineData("path", new[] { "..", "file.txt" })]
    [InlineData("path", new[] { "dir", ".", "file.txt" })]
    [InlineData("path", new[] { "", "file.txt" })]
    public void A_bad_segment_names_the_parameter_it_spoils(string parameter, string[] segments)
    {
        var error = Assert.Throws<RegistryError>(() => PackageNameRules.ValidateFilePath(segments));
        Assert.Equal(ErrorKind.Invalid, error.Kind);
        Assert.Equal(parameter, error.Parameter);
        Assert.Equal($"{parameter} is invalid", error.Message);
    }

    [Fact]
    public void Which_segment_is_the_file_is_decided_by_position_not_by_its_text()
    {
        var dots = "..";
        Assert.Equal("path", Assert.Throws<RegistryError>(() => PackageNameRules.ValidateFilePath([dots, "x", dots])).Parameter);
        Assert.Equal("path", Assert.Throws<RegistryError>(() => PackageNameRules.ValidateFilePath(["~a", "ok.txt"])).Parameter);
    }

    [Theory]
    [InlineData("a\n")]
    [InlineData("a\r\n")]
    public void A_trailing_newline_is_no_valid_character(string text)
    {
        Assert.False(PackageNameRules.IsValidName(text));
        Assert.False(PackageNameRules.IsValidVersion("1.0" + text));
        Assert.False(PackageNameRules.IsValidFileSegment("f" + text));
    }

    [Fact]
    public void A_file_path_is_at_most_1024_characters()
    {
        var segments = Enumerable.Repeat(new string('d', 255), 4).Append("ffff").ToList(); // 4 * 256 + 4 = 1028
        Assert.Equal("file_name", Assert.Throws<RegistryError>(() => PackageNameRules.ValidateFilePath(segments)).Parameter);
        var fits = Enumerable.Repeat(new string('d', 255), 4).ToList(); // 4 * 255 + 3 = 1023
        Assert.Equal(1023, PackageNameRules.ValidateFilePath(fits).Length);
        var exactly = new List<string>(fits) { };
        exactly[0] = new string('d', 254);
        exactly.Add("f"); // 254 + 3*255 + 4 slashes + 1 = 1024
        Assert.Equal(1024, PackageNameRules.ValidateFilePath(exactly).Length);
    }

    [Theory]
    [InlineData("bad name", "1.0", "package_name")]
    [InlineData("good", "1..0", "package_version")]
    [InlineData("bad name", "1..0", "package_name")]
    public void Validate_names_the_first_bad_coordinate(string name, string version, string parameter)
    {
        var error = Assert.Throws<RegistryError>(() => PackageNameRules.Validate(name, version));
        Assert.Equal(parameter, error.Parameter);
    }

    [Fact]
    public void Validate_accepts_good_coordinates() => PackageNameRules.Validate("good", "1.0.0");
}
