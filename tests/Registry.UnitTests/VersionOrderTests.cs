using Registry.Schema.Packages;

namespace Registry.UnitTests;

public sealed class VersionOrderTests
{
    [Theory]
    [InlineData("1.10.0", "1.9.0")]
    [InlineData("1.9.0", "1.9.0-rc.1")]
    [InlineData("1.9.0-rc.2", "1.9.0-rc.1")]
    [InlineData("1.9.0-rc.10", "1.9.0-rc.9")]
    [InlineData("1.0.0-beta", "1.0.0-alpha.1")]
    [InlineData("1.0.0-alpha.beta", "1.0.0-alpha.1")]
    [InlineData("1.0.0-alpha.1", "1.0.0-alpha")]
    [InlineData("2.0.0-beta", "1.10.0")]
    [InlineData("1.2.1", "1.2")]
    [InlineData("v1.3", "1.2.9")]
    [InlineData("1.0.0", "nightly-20240101")]
    [InlineData("build-10", "build-9")]
    [InlineData("1.2.10", "1.2.9")]          // the patch counts as a number (ordinal order would say otherwise)
    [InlineData("1.0.0-1-", "1.0.0-10")]     // an identifier with a non-digit is alphanumeric, above numeric ones
    [InlineData("build-1-x", "build-1")]     // a longer natural version with the same start is higher
    [InlineData("b", "abc")]                 // text runs compare as text, not by length
    [InlineData("1x", "-ab")]                // a digit run against a text run compares as text
    [InlineData("1.0.0+b", "1.0.0+a")]       // build metadata does not rank; the ordinal tiebreak keeps the order total
    [InlineData("1.0.0", "1.0")]
    public void Higher_versions_compare_greater(string higher, string lower)
    {
        Assert.True(VersionOrder.Instance.Compare(higher, lower) > 0, $"{higher} should be above {lower}");
        Assert.True(VersionOrder.Instance.Compare(lower, higher) < 0, $"{lower} should be below {higher}");
    }

    [Fact]
    public void Missing_minor_and_patch_count_as_zero_but_order_stays_total()
    {
        Assert.Equal(0, Math.Sign(VersionOrder.Instance.Compare("1.0", "1.0")));
        Assert.NotEqual(0, VersionOrder.Instance.Compare("1", "1.0.0"));
        string[] versions = ["1.10.0", "1.9.0", "2.0.0-beta", "1.10.0-rc.1", "snapshot"];
        Assert.Equal(["snapshot", "1.9.0", "1.10.0-rc.1", "1.10.0", "2.0.0-beta"], versions.Order(VersionOrder.Instance).ToArray());
    }

    [Fact]
    public void Null_ranks_below_every_version()
    {
        Assert.True(VersionOrder.Instance.Compare(null, "0") < 0);
        Assert.True(VersionOrder.Instance.Compare("0", null) > 0);
        Assert.Equal(0, VersionOrder.Instance.Compare(null, null));
    }
}
