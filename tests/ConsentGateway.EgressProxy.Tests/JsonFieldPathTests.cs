namespace ConsentGateway.EgressProxy.Tests;

public sealed class JsonFieldPathTests
{
    [Theory]
    [InlineData("$.ip", new[] { "ip" })]
    [InlineData("$.user.email", new[] { "user", "email" })]
    [InlineData("$.events[*].ip", new[] { "events", "[*]", "ip" })]
    [InlineData("$.matrix[*][*]", new[] { "matrix", "[*]", "[*]" })]
    [InlineData("$[*].device-id", new[] { "[*]", "device-id" })]
    public void A_path_is_a_list_of_property_names_and_array_wildcards(string text, string[] segments)
    {
        Assert.True(JsonFieldPath.TryParse(text, out var path, out var error), error);
        Assert.Equal(segments, path.Segments);
        Assert.Equal(text, path.Text);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("$")]
    [InlineData("ip")]
    [InlineData("user.email")]
    [InlineData("$ip")]
    [InlineData("$.")]
    [InlineData("$..ip")]
    [InlineData("$.user.")]
    [InlineData("$.events[0].ip")]
    [InlineData("$.events[*")]
    [InlineData("$.a*")]
    [InlineData("$.a]")]
    [InlineData("$.a.$")]
    public void Anything_else_is_refused_with_a_reason(string? text)
    {
        Assert.False(JsonFieldPath.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Theory]
    [InlineData("$.events[*].ip", true)]
    [InlineData("$.device.adId", false)]
    public void A_path_knows_whether_it_covers_array_elements(string text, bool wildcard)
    {
        Assert.True(JsonFieldPath.TryParse(text, out var path, out _));
        Assert.Equal(wildcard, path.HasWildcard);
    }
}
