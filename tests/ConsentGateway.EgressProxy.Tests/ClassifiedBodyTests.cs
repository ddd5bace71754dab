using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ConsentGateway.EgressProxy.Tests;

public sealed class ClassifiedBodyTests
{
    // Data items by path; a null item is a pass-through field.
    private static readonly FieldTree Rules = Tree(
        ("$.ip", "ip_address"),
        ("$.device.adId", "mobile_ad_id"),
        ("$.user", null),
        ("$.user.email", "email"),
        ("$.events[*].ip", "ip_address"),
        ("$.events[*].name", null),
        ("$.ads", "ad_interactions"),
        ("$.event", null));

    [Fact]
    public void Every_field_is_found_under_its_data_item_or_as_unclassified()
    {
        var body = Parse("""
            {"ip":"203.0.113.7","device":{"adId":"ad-1","model":"x"},"user":{"email":"a@example.com","plan":"pro"},
             "events":[{"ip":"198.51.100.1","name":"open"},{"ip":"198.51.100.2","extra":1}],
             "ads":[{"id":1,"seen":true}],"event":"install","debug":{"token":"t"}}
            """);

        Assert.Equal(["ip_address", "mobile_ad_id", "email", "ad_interactions"], body.DataItems);
        Assert.Equal(["$.ip", "$.events[0].ip", "$.events[1].ip"], body.FieldsOf("ip_address").Select(field => field.Path));
        Assert.Equal(["$.device.adId"], body.FieldsOf("mobile_ad_id").Select(field => field.Path));
        Assert.Equal(["$.user.email"], body.FieldsOf("email").Select(field => field.Path));
        Assert.Equal(["$.ads"], body.FieldsOf("ad_interactions").Select(field => field.Path));
        Assert.Empty(body.FieldsOf("phone"));

        // user.plan is covered by the pass-through rule of $.user; the deeper email rule wins for email.
        // debug has no rule at all, so it is one unclassified field, whatever it holds.
        Assert.Equal(["$.device.model", "$.events[1].extra", "$.debug"], body.Unclassified.Select(field => field.Path));
    }

    [Fact]
    public void A_body_without_any_mapped_field_carries_no_data_item()
    {
        var body = Parse("""{"event":"install","user":{"plan":"pro"},"events":[]}""");

        Assert.Empty(body.DataItems);
        Assert.Empty(body.Unclassified);
    }

    [Fact]
    public void A_value_no_deeper_rule_splits_is_removed_whole_so_its_shape_does_not_go_either()
    {
        var body = Parse("""{"ads":[{"id":"ad-1","action":"watched"},{"id":"ad-2"}],"extras":[{"a":1},{}],"event":"x"}""");

        var removed = ClassifiedBody.Remove([.. body.FieldsOf("ad_interactions"), .. body.Unclassified]);

        Assert.Equal(["$.ads", "$.extras"], removed);
        Assert.Equal("""{"event":"x"}""", Text(body));
    }

    [Fact]
    public void A_null_value_is_a_field_like_any_other()
    {
        var body = Parse("""{"ip":null,"other":null}""");

        Assert.Equal(["$.ip"], body.FieldsOf("ip_address").Select(field => field.Path));
        Assert.Equal(["$.other"], body.Unclassified.Select(field => field.Path));
        Assert.Equal(["$.other"], ClassifiedBody.Remove(body.Unclassified));
        Assert.Equal("""{"ip":null}""", Text(body));
    }

    [Fact]
    public void Removing_fields_leaves_everything_else_as_it_was()
    {
        var body = Parse("""{"ip":"203.0.113.7","user":{"email":"a@example.com","plan":"pro"},"events":[{"ip":"1"},{"ip":"2","name":"b"},{"ip":"3"}],"event":"install"}""");

        var removed = ClassifiedBody.Remove([.. body.FieldsOf("ip_address"), .. body.FieldsOf("email")]);

        Assert.Equal(["$.ip", "$.events[0].ip", "$.events[1].ip", "$.events[2].ip", "$.user.email"], removed);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"user":{"plan":"pro"},"events":[{},{"name":"b"},{}],"event":"install"}"""),
            JsonNode.Parse(Text(body))));
    }

    [Fact]
    public void Removing_array_elements_removes_exactly_those_elements()
    {
        var rules = Tree(("$.ips[*]", "ip_address"), ("$.tags", null));
        var body = ClassifiedBody.Parse(Encoding.UTF8.GetBytes("""{"ips":["1","2","3"],"tags":["a"],"odd":[true,false,null]}"""), rules)!;

        var removed = ClassifiedBody.Remove([.. body.FieldsOf("ip_address"), .. body.Unclassified]);

        Assert.Equal(["$.ips[0]", "$.ips[1]", "$.ips[2]", "$.odd"], removed);
        Assert.Equal("""{"ips":[],"tags":["a"]}""", Text(body));
    }

    [Fact]
    public void Property_names_that_are_not_plain_are_quoted_in_paths()
    {
        var body = Parse("""{"we'ird key":1,"a.b":2}""");

        Assert.Equal(["$['we\\'ird key']", "$['a.b']"], body.Unclassified.Select(field => field.Path));
    }

    [Fact]
    public void A_top_level_array_is_classified_through_its_elements()
    {
        var rules = Tree(("$[*].ip", "ip_address"));
        var body = ClassifiedBody.Parse(Encoding.UTF8.GetBytes("""[{"ip":"1","x":2}]"""), rules)!;

        Assert.Equal(["$[0].ip"], body.FieldsOf("ip_address").Select(field => field.Path));
        Assert.Equal(["$[0].x"], body.Unclassified.Select(field => field.Path));
    }

    [Theory]
    [InlineData("\"just a string\"")]
    [InlineData("42")]
    [InlineData("null")]
    public void A_body_that_is_not_an_object_or_array_cannot_be_classified(string json) =>
        Assert.Null(ClassifiedBody.Parse(Encoding.UTF8.GetBytes(json), Rules));

    [Theory]
    [InlineData("""{"ip":"1","ip":"2"}""")]
    [InlineData("""{"user":{"email":"a","email":"b"}}""")]
    [InlineData("""{"ip":"1",}""")]
    [InlineData("""{"ip":'1'}""")]
    [InlineData("""{"ip":"1"} trailing""")]
    [InlineData("{")]
    public void Malformed_json_and_repeated_properties_are_refused(string json) =>
        Assert.ThrowsAny<JsonException>(() => ClassifiedBody.Parse(Encoding.UTF8.GetBytes(json), Rules));

    [Fact]
    public void Deeper_than_64_levels_is_refused()
    {
        var json = string.Concat(Enumerable.Repeat("[", 65)) + string.Concat(Enumerable.Repeat("]", 65));
        Assert.ThrowsAny<JsonException>(() => ClassifiedBody.Parse(Encoding.UTF8.GetBytes(json), Rules));
    }

    internal static FieldTree Tree(params (string Path, string? Data)[] rules)
    {
        var tree = new FieldTree();
        foreach (var (text, data) in rules)
        {
            Assert.True(JsonFieldPath.TryParse(text, out var path, out _));
            Assert.True(tree.TryAdd(path, new FieldRule(text, data)));
        }

        return tree;
    }

    private static ClassifiedBody Parse(string json) => ClassifiedBody.Parse(Encoding.UTF8.GetBytes(json), Rules)!;

    private static string Text(ClassifiedBody body) => Encoding.UTF8.GetString(body.ToUtf8().Span);
}
