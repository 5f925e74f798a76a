using Registry.Schema.Packages;

namespace Registry.UnitTests;

/// <summary>docs/api-contract.md, Duplicate settings: the anchored exception regex, tested on the name or the version, inverts the toggle.</summary>
public sealed class DuplicatePolicyTests
{
    private static NamespacePackageSettings Settings(bool allowed, string? regex) =>
        new() { NamespaceId = 1, GenericDuplicatesAllowed = allowed, GenericDuplicateExceptionRegex = regex };

    [Theory]
    // The contract's table: name foo, version 1.0.0-beta.
    [InlineData(true, "foo", false)]
    [InlineData(true, "1.0.0-beta", false)]
    [InlineData(true, ".*", false)]
    [InlineData(true, ".*be.*", false)]
    [InlineData(true, "asdf", true)]
    [InlineData(true, "", true)]
    [InlineData(true, null, true)]
    [InlineData(false, "foo", true)]
    [InlineData(false, "1.0.0-beta", true)]
    [InlineData(false, ".*", true)]
    [InlineData(false, ".*be.*", true)]
    [InlineData(false, "asdf", false)]
    [InlineData(false, "", false)]
    [InlineData(false, null, false)]
    // Anchored: a part of the name or of the version is no match.
    [InlineData(true, "fo", true)]
    [InlineData(true, "oo", true)]
    [InlineData(true, "1.0", true)]
    [InlineData(true, "beta", true)]
    [InlineData(true, "foo1.0.0-beta", true)]
    [InlineData(false, "fo", false)]
    [InlineData(false, "1.0.0", false)]
    // Alternatives stay inside the anchors.
    [InlineData(true, "f|1.0.0-bet", true)]
    [InlineData(true, "x|foo", false)]
    [InlineData(true, "1\\.0\\.0-.*", false)]
    public void Duplicates_follow_the_toggle_inverted_by_a_full_match(bool allowed, string? regex, bool duplicateAllowed)
    {
        Assert.Equal(duplicateAllowed, DuplicatePolicy.DuplicatesAllowed(Settings(allowed, regex), "foo", "1.0.0-beta"));
    }

    [Fact]
    public void No_settings_row_allows_duplicates()
    {
        Assert.True(DuplicatePolicy.DuplicatesAllowed(null, "foo", "1.0.0"));
    }

    [Fact]
    public void The_match_is_case_sensitive_as_gitlabs()
    {
        Assert.True(DuplicatePolicy.DuplicatesAllowed(Settings(true, "FOO"), "foo", "1.0.0"));
        Assert.False(DuplicatePolicy.DuplicatesAllowed(Settings(true, "FOO"), "FOO", "1.0.0"));
    }

    [Fact]
    public void A_pathological_pattern_runs_in_linear_time()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.True(DuplicatePolicy.DuplicatesAllowed(Settings(true, "(a+)+$"), new string('a', 5000) + "!", "1.0.0"));
        Assert.False(DuplicatePolicy.DuplicatesAllowed(Settings(true, "(a+)+$"), new string('a', 5000), "1.0.0"));
        // A backtracking engine needs longer than the universe for this; the linear one, milliseconds.
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"took {started.Elapsed}");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("foo")]
    [InlineData(".*-SNAPSHOT")]
    [InlineData("(?:v.+|SNAPSHOT)")]
    public void Acceptable_patterns_validate(string? pattern)
    {
        Assert.Null(DuplicatePolicy.Validate(pattern));
    }

    [Fact]
    public void Patterns_up_to_255_characters_are_accepted_and_longer_ones_refused()
    {
        Assert.Equal(255, DuplicatePolicy.MaxRegexLength);
        Assert.Null(DuplicatePolicy.Validate(new string('a', 255)));
        Assert.Equal("Generic duplicate exception regex is too long (maximum is 255 characters)", DuplicatePolicy.Validate(new string('a', 256)));
    }

    [Theory]
    [InlineData("[")]
    [InlineData("(?:v.+|SNAPSHOT")]
    [InlineData("a{2,1}")]
    [InlineData("(a)\\1")]   // a backreference: no linear-time engine can run it
    [InlineData("(?=a)a")]   // a lookahead: likewise
    public void Invalid_or_unsupported_patterns_are_refused(string pattern)
    {
        Assert.Equal("Generic duplicate exception regex not valid RE2 syntax", DuplicatePolicy.Validate(pattern));
    }

    [Fact]
    public void Many_distinct_patterns_keep_working_past_the_cache_bound()
    {
        for (var i = 0; i < 1100; i++)
            Assert.False(DuplicatePolicy.DuplicatesAllowed(Settings(true, $"p{i}"), $"p{i}", "1.0.0"), $"pattern {i}");
    }
}
