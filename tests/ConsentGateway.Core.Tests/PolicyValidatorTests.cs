using System.Text.Json.Nodes;
using ConsentGateway.Core.Policy;

namespace ConsentGateway.Core.Tests;

public class PolicyValidatorTests
{
    [Fact]
    public void The_default_document_is_valid() =>
        Assert.Empty(PolicyValidator.Validate(PolicyLoader.ReadDefaultDocument()));

    [Theory]
    [InlineData("unknown region in a setting scope", "partnerships[1].settingScope", "'EEA' is not a region id")]
    [InlineData("partner naming a missing partnership", "partners[0].partnership", "'ads' names no partnership")]
    [InlineData("duplicate partner id", "partners[1].id", "duplicate partner id 'google'")]
    [InlineData("duplicate partnership id", "partnerships[1].id", "duplicate partnership id 'ad-platforms'")]
    [InlineData("data item both shared and never shared", "partnerships[0].data[2]", "'email' is also in neverShared")]
    [InlineData("date that is not a date", "partnerships[0].signupCutoff.before", "'2020-13-45T00:00:00Z' is not an ISO 8601 UTC instant")]
    [InlineData("date without a UTC designator", "partnerships[0].signupCutoff.before", "'2020-04-06T00:00:00' is not an ISO 8601 UTC instant")]
    [InlineData("date in another offset", "partnerships[0].signupCutoff.before", "'2020-04-06T00:00:00+02:00' is not an ISO 8601 UTC instant")]
    [InlineData("unknown role", "partners[1].role", "not 'owner'")]
    [InlineData("missing role", "partners[1].role", "not ''")]
    [InlineData("missing policy version", "policyVersion", "is required")]
    [InlineData("policy version a notice version cannot carry", "policyVersion", "'2020 04/06' must be 1-64 letters, digits")]
    [InlineData("reserved code instead of a country", "regions.EEA_UK[39]", "'UK' is not an assigned ISO 3166-1 alpha-2 code")]
    [InlineData("lower-case country", "regions.EEA_UK[0]", "'at' is not an assigned ISO 3166-1 alpha-2 code")]
    [InlineData("country listed twice", "regions.EEA_UK[39]", "'DE' is listed twice")]
    [InlineData("region with no country", "regions.EMPTY", "must list at least one country")]
    [InlineData("default for an unknown region", "defaults.EU", "'EU' is not a region id or '*'")]
    [InlineData("cut-off in an unknown region", "partnerships[0].signupCutoff.region", "'EU' is not a region id")]
    [InlineData("before-signup rule that is neither allow nor deny", "partnerships[1].beforeSignup", "must be 'allow' or 'deny'")]
    [InlineData("partnership with no data", "partnerships[1].data", "must list at least one data item")]
    [InlineData("data item listed twice", "partnerships[0].data[1]", "duplicate data item id 'ip_address'")]
    [InlineData("never-shared item listed twice", "neverShared[4]", "duplicate data item id 'email'")]
    [InlineData("id with a space", "partners[0].id", "'goo gle' is not a valid partner id")]
    [InlineData("no partnerships", "partnerships", "must list at least one partnership")]
    [InlineData("missing defaults", "defaults", "is required")]
    [InlineData("missing partners", "partners", "is required")]
    [InlineData("partnership without an English title", "partnerships[0].title.en", "is required")]
    [InlineData("partnership without a description", "partnerships[1].description.en", "is required")]
    [InlineData("partner without a display name", "partners[0].displayName.en", "is required")]
    [InlineData("data item without a label", "dataItems.browser_id", "is required")]
    [InlineData("blank label", "dataItems.email.label.en", "not blank")]
    [InlineData("text in a language that is not a language tag", "partnerships[0].title.English", "is not a language tag")]
    [InlineData("privacy policy link that is not https", "partners[1].privacyPolicyUrl", "is not an absolute https URL")]
    public void An_invalid_document_is_refused_with_a_message_naming_the_field(string _, string path, string message)
    {
        var document = PolicyLoader.Parse(PolicyMutations.Apply(_));
        var errors = PolicyValidator.Validate(document);

        var error = Assert.Single(errors);
        Assert.StartsWith(path + ": ", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
        var thrown = Assert.Throws<PolicyValidationException>(() => CompiledPolicy.Compile(document));
        Assert.Equal(errors, thrown.Errors);
    }

    [Theory]
    [InlineData("unknown top-level property", "$.extra", "could not be mapped")]
    [InlineData("unknown property in a partner", "$.partners[0].name", "could not be mapped")]
    [InlineData("unknown property in a cut-off", "$.partnerships[0].signupCutoff.after", "could not be mapped")]
    [InlineData("number where a list of countries belongs", "$.regions.EEA_UK", "could not be converted")]
    [InlineData("string where a default belongs", "$.defaults.EEA_UK", "could not be converted")]
    public void Json_that_does_not_fit_the_schema_is_refused_with_its_path(string _, string path, string message)
    {
        var json = PolicyMutations.Apply(_);
        var thrown = Assert.Throws<PolicyValidationException>(() => PolicyLoader.Parse(json));

        var error = Assert.Single(thrown.Errors);
        Assert.StartsWith(path + ": ", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_duplicate_json_property_is_refused_not_silently_overwritten()
    {
        var json = PolicyMutations.DefaultJson().ToJsonString().Replace("\"policyVersion\"", "\"policyVersion\":\"x\",\"policyVersion\"", StringComparison.Ordinal);
        var thrown = Assert.Throws<PolicyValidationException>(() => PolicyLoader.Parse(json));
        Assert.Contains("policyVersion", Assert.Single(thrown.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_of_a_document_is_reported_at_once()
    {
        var json = PolicyMutations.DefaultJson();
        json["partners"]![0]!["role"] = "owner";
        json["partners"]![1]!["partnership"] = "nope";
        json["defaults"]!["EU"] = true;
        var errors = PolicyValidator.Validate(PolicyLoader.Parse(json.ToJsonString()));

        Assert.Equal(["defaults.EU", "partners[0].role", "partners[1].partnership"], errors.Select(e => e[..e.IndexOf(':', StringComparison.Ordinal)]).Order());
    }

    [Fact]
    public void The_error_message_of_a_refused_document_lists_each_error() =>
        Assert.Contains(
            "partners[0].partnership: 'ads' names no partnership",
            Assert.Throws<PolicyValidationException>(() => CompiledPolicy.Compile(PolicyLoader.Parse(PolicyMutations.Apply("partner naming a missing partnership")))).Message,
            StringComparison.Ordinal);

    [Fact]
    public void Loading_a_file_that_is_not_json_names_the_problem()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "{ not json");
            var thrown = Assert.Throws<PolicyValidationException>(() => PolicyLoader.Load(path));
            Assert.StartsWith("$", Assert.Single(thrown.Errors), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Loading_without_a_path_gives_the_shipped_default() =>
        Assert.Equal("2020-04-06", PolicyLoader.Load(null).Version);
}
