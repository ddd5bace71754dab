using System.Text.RegularExpressions;
using ConsentGateway.Testing;

namespace ConsentGateway.Contracts.Tests;

/// <summary>The catalogs of the wire vocabulary agree with what people read: the SPEC and the README.</summary>
public partial class VocabularyDocumentedTests
{
    [Fact]
    public void The_readme_lists_exactly_the_problem_codes_of_the_catalog()
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        var section = Section(readme, "### Problem codes");
        var listed = TableCode().Matches(section).Select(m => m.Groups[1].Value).ToList();

        Assert.Equal(listed.Distinct().Count(), listed.Count);
        Assert.Equal(ProblemCodes.All.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_redacting_proxy_guide_names_every_code_the_proxy_answers()
    {
        var guide = File.ReadAllText(Path.Combine(Repository.Root, "docs", "redacting-proxy.md"));
        Assert.All(ProxyProblemCodes.All, code => Assert.Contains($"`{code}`", guide, StringComparison.Ordinal));
    }

    [Fact]
    public void The_catalog_has_no_code_twice_and_every_code_has_the_problem_type_form()
    {
        Assert.Equal(ProblemCodes.All.Count, ProblemCodes.All.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ProblemCodes.All.Concat(ProxyProblemCodes.All), code => Assert.Matches("^[a-z]+(-[a-z]+)*$", code));
        Assert.Equal("urn:consent-gateway:problem:version-mismatch", ProblemTypes.Of(ProblemCodes.VersionMismatch));
    }

    [Fact]
    public void The_decision_reasons_are_the_reason_codes_of_the_spec()
    {
        var spec = File.ReadAllText(Path.Combine(Repository.Root, "..", "shared", "docs", "SPEC.md"));
        var paragraph = spec[spec.IndexOf("**Reason codes**", StringComparison.Ordinal)..];
        paragraph = paragraph[..paragraph.IndexOf("\n\n", StringComparison.Ordinal)];
        var specified = Backticked().Matches(paragraph).Select(m => m.Groups[1].Value).ToList();

        // Every code of the SPEC is a decision reason; the gateway's own additions are the README's, exactly.
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        var added = TableReason().Matches(Section(readme, "### Reason codes")).Select(m => m.Groups[1].Value);
        Assert.NotEmpty(specified);
        Assert.Empty(specified.Except(ReasonCodes.Decision));
        Assert.Equal(ReasonCodes.Decision.Except(specified).Order(StringComparer.Ordinal), added.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_decisions_are_the_three_of_the_spec()
    {
        Assert.Equal(["allow", "partial", "deny"], Decisions.All);
    }

    [Theory]
    [InlineData("u1", true)]
    [InlineData("6D92078A-8246-4BA4-AE5B-76104861E7DC", true)]
    [InlineData("a.b_c-d:e", true)]
    [InlineData("", false)]
    [InlineData("-leading-dash", false)]
    [InlineData("has space", false)]
    [InlineData("ümlaut", false)]
    public void Subject_ids_follow_the_grammar(string id, bool valid)
    {
        Assert.Equal(valid, SubjectIds.IsValid(id));
    }

    [Fact]
    public void Subject_ids_are_at_most_128_characters()
    {
        Assert.True(SubjectIds.IsValid(new string('a', 128)));
        Assert.False(SubjectIds.IsValid(new string('a', 129)));
        Assert.False(SubjectIds.IsValid(null));
    }

    private static string Section(string markdown, string heading)
    {
        var start = markdown.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(start >= 0, $"README has no '{heading}' section.");
        var end = markdown.IndexOf("\n#", start + heading.Length, StringComparison.Ordinal);
        return end < 0 ? markdown[start..] : markdown[start..end];
    }

    // A table row's first cell: | `code` | ...
    [GeneratedRegex(@"^\|\s*`([a-z-]+)`\s*\|", RegexOptions.Multiline)]
    private static partial Regex TableCode();

    // A table row's first cell: | `REASON_CODE` | ...
    [GeneratedRegex(@"^\|\s*`([A-Z_]+)`\s*\|", RegexOptions.Multiline)]
    private static partial Regex TableReason();

    [GeneratedRegex("`([A-Z_]+)`")]
    private static partial Regex Backticked();
}
