using System.Text.RegularExpressions;

namespace ConsentGateway.Contracts.Tests;

/// <summary>The id grammar's pattern, as the OpenAPI document gives it to clients, accepts exactly what <see cref="SubjectIds.IsValid"/> does.</summary>
public class SubjectIdPatternTests
{
    [Theory]
    [InlineData("u1")]
    [InlineData("6D92078A-8246-4BA4-AE5B-76104861E7DC")]
    [InlineData("a.b_c-d:e")]
    [InlineData("")]
    [InlineData("-leading-dash")]
    [InlineData(".leading-dot")]
    [InlineData("has space")]
    [InlineData("ümlaut")]
    [InlineData("slash/inside")]
    public void The_pattern_agrees_with_the_rule(string id)
    {
        Assert.Equal(SubjectIds.IsValid(id), Regex.IsMatch(id, SubjectIds.Pattern, RegexOptions.ECMAScript));
    }

    [Fact]
    public void The_pattern_agrees_with_the_rule_on_lengths_and_random_ids()
    {
        const string alphabet = "aZ09._-:/ é+";
        var random = new Random(16);
        var ids = Enumerable.Range(0, 2000)
            .Select(_ => new string([.. Enumerable.Range(0, random.Next(1, 8)).Select(_ => alphabet[random.Next(alphabet.Length)])]))
            .Concat([new string('a', 128), new string('a', 129)]);

        Assert.All(ids, id => Assert.Equal(SubjectIds.IsValid(id), Regex.IsMatch(id, SubjectIds.Pattern, RegexOptions.ECMAScript)));
    }
}
