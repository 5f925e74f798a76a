using System.Text.RegularExpressions;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Contract;

/// <summary>
/// Code and tests cite the API's promises by section ("docs/api-contract.md, Access"); every cited section must exist
/// in that document, so a renamed or dropped section cannot leave citations pointing at nothing.
/// </summary>
public sealed partial class ContractCitationTests
{
    [Fact]
    public void Every_citation_of_the_api_contract_names_one_of_its_sections()
    {
        var root = RepositoryRoot.Path;
        var sections = File.ReadLines(Path.Combine(root, "docs", "api-contract.md"))
            .Where(l => l.StartsWith("## ", StringComparison.Ordinal)).Select(l => l[3..].Trim()).ToHashSet(StringComparer.Ordinal);
        var citations = new List<(string File, string Section)>();
        foreach (var folder in new[] { "src", "tests" })
            foreach (var file in Directory.EnumerateFiles(Path.Combine(root, folder), "*", SearchOption.AllDirectories))
            {
                if (!Sources.Contains(Path.GetExtension(file)) || Skipped().IsMatch(file)) continue;
                foreach (Match m in Citation().Matches(File.ReadAllText(file)))
                    citations.Add((Path.GetRelativePath(root, file), m.Groups[1].Value));
            }
        Assert.Contains(citations, c => c.Section.StartsWith("Access", StringComparison.Ordinal));
        var dangling = citations.Where(c => !sections.Any(s => c.Section.StartsWith(s, StringComparison.Ordinal)
                && (c.Section.Length == s.Length || !char.IsLetter(c.Section[s.Length]))))
            .Select(c => $"{c.File}: {c.Section}").ToList();
        Assert.True(dangling.Count == 0, "Citations of docs/api-contract.md sections that do not exist: " + string.Join("; ", dangling));
        // The old form pointed at a document the repository does not have.
        var numbered = new[] { "src", "tests" }.SelectMany(folder => Directory.EnumerateFiles(Path.Combine(root, folder), "*.cs", SearchOption.AllDirectories))
            .Where(f => !Skipped().IsMatch(f) && NumberedCitation().IsMatch(File.ReadAllText(f))).ToList();
        Assert.True(numbered.Count == 0, "\"CONTRACT section N\" citations (cite docs/api-contract.md by section name): " + string.Join(", ", numbered));
    }

    private static readonly HashSet<string> Sources = new(StringComparer.Ordinal) { ".cs", ".ts", ".vue", ".py", ".mjs", ".sh", ".csproj" };

    /// <summary>"docs/api-contract.md, Access" and "api-contract.md, Generic packages: ..." name the section after the comma
    /// (the rest of the line is kept: the section is the heading it starts with).</summary>
    [GeneratedRegex(@"api-contract\.md, ([^\r\n]*)")]
    private static partial Regex Citation();

    [GeneratedRegex(@"CONTRACT\s+(section|§)\s*\d", RegexOptions.IgnoreCase)]
    private static partial Regex NumberedCitation();

    [GeneratedRegex(@"[/\\](node_modules|bin|obj|dist)[/\\]")]
    private static partial Regex Skipped();
}
