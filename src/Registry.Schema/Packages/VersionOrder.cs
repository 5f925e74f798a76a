using System.Text.RegularExpressions;

namespace Registry.Schema.Packages;

/// <summary>
/// Orders package versions by SemVer 2.0 precedence (<c>1.10.0</c> &gt; <c>1.9.0</c> &gt; <c>1.9.0-rc.1</c>); a missing
/// minor or patch counts as 0 and a leading <c>v</c> is allowed. Versions that are not SemVer rank below every SemVer
/// version and among themselves in natural order (digit runs compared as numbers), so <c>latest</c> prefers releases.
/// </summary>
public sealed partial class VersionOrder : IComparer<string>
{
    public static readonly VersionOrder Instance = new();

    [GeneratedRegex(@"^v?(0|[1-9][0-9]*)(?:\.(0|[1-9][0-9]*))?(?:\.(0|[1-9][0-9]*))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$")]
    private static partial Regex SemVerRegex();

    [GeneratedRegex(@"\d+|\D+")]
    private static partial Regex RunsRegex();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        var a = SemVerRegex().Match(x);
        var b = SemVerRegex().Match(y);
        if (a.Success != b.Success) return a.Success ? 1 : -1;
        var result = a.Success ? CompareSemVer(a, b) : CompareNatural(x, y);
        return result != 0 ? result : string.CompareOrdinal(x, y);
    }

    private static int CompareSemVer(Match a, Match b)
    {
        for (var g = 1; g <= 3; g++)
        {
            var c = CompareNumbers(a.Groups[g].Success ? a.Groups[g].Value : "0", b.Groups[g].Success ? b.Groups[g].Value : "0");
            if (c != 0) return c;
        }
        var (preA, preB) = (a.Groups[4], b.Groups[4]);
        if (!preA.Success || !preB.Success) return preA.Success == preB.Success ? 0 : preA.Success ? -1 : 1;
        var idsA = preA.Value.Split('.');
        var idsB = preB.Value.Split('.');
        for (var i = 0; i < Math.Min(idsA.Length, idsB.Length); i++)
        {
            var numA = idsA[i].All(char.IsAsciiDigit);
            var numB = idsB[i].All(char.IsAsciiDigit);
            var c = (numA, numB) switch
            {
                (true, true) => CompareNumbers(idsA[i], idsB[i]),
                (true, false) => -1,
                (false, true) => 1,
                _ => string.CompareOrdinal(idsA[i], idsB[i]),
            };
            if (c != 0) return c;
        }
        return idsA.Length.CompareTo(idsB.Length);
    }

    private static int CompareNatural(string x, string y)
    {
        var runsA = RunsRegex().Matches(x);
        var runsB = RunsRegex().Matches(y);
        for (var i = 0; i < Math.Min(runsA.Count, runsB.Count); i++)
        {
            var (ra, rb) = (runsA[i].Value, runsB[i].Value);
            var c = char.IsAsciiDigit(ra[0]) && char.IsAsciiDigit(rb[0]) ? CompareNumbers(ra, rb) : string.CompareOrdinal(ra, rb);
            if (c != 0) return c;
        }
        return runsA.Count.CompareTo(runsB.Count);
    }

    /// <summary>Compares digit strings of any length as numbers.</summary>
    private static int CompareNumbers(string a, string b)
    {
        a = a.TrimStart('0');
        b = b.TrimStart('0');
        return a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b);
    }
}
