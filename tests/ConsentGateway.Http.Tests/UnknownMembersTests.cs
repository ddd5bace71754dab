using System.Text;

namespace ConsentGateway.Http.Tests;

/// <summary>Unknown JSON members are found from the serializer's metadata, at their path.</summary>
public class UnknownMembersTests
{
    [Theory]
    [InlineData("""{"enabled":true}""", null)]
    [InlineData("""{"Enabled":true}""", null)]
    [InlineData("""{"enabled":true,"reason":"x"}""", "$.reason")]
    [InlineData("""{"reason":{"nested":[1,2]},"enabled":true}""", "$.reason")]
    public void A_setting_body_with_a_member_it_does_not_have_is_found(string json, string? unknown) =>
        Assert.Equal(unknown, UnknownMembers.Find(Encoding.UTF8.GetBytes(json), ApiJsonContext.Default.SettingBody));

    [Theory]
    [InlineData("""{"partner":"google","subject":{"userId":"u1"},"data":["ip_address"]}""", null)]
    [InlineData("""{"partner":"google","subject":{"userId":"u1","email":"a@b.c"},"data":["ip_address"]}""", "$.subject.email")]
    [InlineData("""{"requests":[{"partner":"google"},{"partner":"google","purpose":"ads"}]}""", "$.requests[1].purpose")]
    public void Nested_objects_and_arrays_are_followed(string json, string? unknown)
    {
        var typeInfo = json.StartsWith("""{"requests""", StringComparison.Ordinal)
            ? (System.Text.Json.Serialization.Metadata.JsonTypeInfo)ApiJsonContext.Default.BatchBody
            : ApiJsonContext.Default.EvaluateBody;
        Assert.Equal(unknown, UnknownMembers.Find(Encoding.UTF8.GetBytes(json), typeInfo));
    }
}
