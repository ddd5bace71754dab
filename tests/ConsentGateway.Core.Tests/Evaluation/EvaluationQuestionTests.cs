using ConsentGateway.Core.Evaluation;
using ConsentGateway.Core.Policy;

namespace ConsentGateway.Core.Tests.Evaluation;

/// <summary>Validation of a proxy's question: every way it can be wrong has its own 400 code.</summary>
public class EvaluationQuestionTests
{
    private static readonly CompiledPolicy Policy = PolicyLoader.Load(null);

    public static TheoryData<string?, string?, string?, string?, string?, string?, string> Invalid() => new()
    {
        { null, null, "u1", null, "ip_address", null, "missing-partner" },
        { "", null, "u1", null, "ip_address", null, "missing-partner" },
        { "goo gle", null, "u1", null, "ip_address", null, "invalid-partner" },
        { "google", "bad/via", "u1", null, "ip_address", null, "invalid-partner" },
        { "google", null, null, null, "ip_address", null, "missing-subject" },
        { "google", null, "-starts-with-dash", null, "ip_address", null, "invalid-user-id" },
        { "google", null, null, new string('d', 129), "ip_address", null, "invalid-device-id" },
        { "google", null, "u1", null, null, null, "missing-data" },
        { "google", null, "u1", null, " ", null, "missing-data" },
        { "google", null, "u1", null, "ip_address,,email", null, "unknown-data-item" },
        { "google", null, "u1", null, "ip_address,", null, "unknown-data-item" },
        { "google", null, "u1", null, "IP_ADDRESS", null, "unknown-data-item" },
        { "google", null, "u1", null, "shoe_size", null, "unknown-data-item" },
        { "google", null, "u1", null, "ip_address", "Germany", "invalid-country" },
        { "google", null, "u1", null, "ip_address", "XX", "invalid-country" },
        { "google", null, "u1", null, "ip_address", "de", "invalid-country" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void An_invalid_question_names_what_is_wrong(string? partner, string? via, string? userId, string? deviceAdId, string? data, string? country, string code)
    {
        var question = EvaluationQuestion.Create(Policy, partner, via, userId, deviceAdId, EvaluationQuestion.ParseDataList(Policy, data), country);

        Assert.Equal(code, question.Failure?.Code);
    }

    [Fact]
    public void A_header_list_allows_spaces_and_repeats_and_resolves_to_a_set_in_the_policy_order()
    {
        var fromHeader = EvaluationQuestion.ParseDataList(Policy, " email , ip_address,ip_address ");

        Assert.Null(fromHeader.Failure);
        Assert.True(Policy.TryGetDataItem("ip_address", out var ip));
        Assert.True(Policy.TryGetDataItem("email", out var email));
        Assert.Equal(DataSet.Of(ip).Union(DataSet.Of(email)), fromHeader.Value);
        Assert.Equal("ip_address,email", Policy.NamesOf(fromHeader.Value));
    }

    [Fact]
    public void An_unknown_partner_is_a_valid_question_that_the_evaluator_answers()
    {
        var question = EvaluationQuestion.Create(Policy, "someone-new", null, null, "d1", EvaluationQuestion.ParseDataList(Policy, "ip_address"), "DE");

        Assert.Null(question.Failure);
        Assert.True(question.Value.Request.Partner.IsGiven);
        Assert.Null(question.Value.Request.Partner.Partner);
        Assert.Equal(CountryCode.Parse("DE"), question.Value.Request.Country);
    }
}
