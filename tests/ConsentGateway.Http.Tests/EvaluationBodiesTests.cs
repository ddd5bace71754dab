using System.Text;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Policy;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Http.Tests;

/// <summary>The streaming reader of evaluation bodies: as strict as System.Text.Json with the API's options, without its cost.</summary>
public class EvaluationBodiesTests
{
    private static readonly CompiledPolicy Policy = PolicyLoader.Load(null);
    private static readonly ConsistencyTokens Tokens = new(Options.Create(new ConsistencyTokenOptions { Key = "http-tests-token-key" }), NullLogger<ConsistencyTokens>.Instance);

    [Fact]
    public void A_request_is_read_into_its_question_with_the_caller_id()
    {
        var read = EvaluationBodies.ReadOne(Utf8("""{"id":"r1","partner":"google","via":null,"subject":{"userId":"u1","deviceAdId":"d1"},"data":["email","ip_address","ip_address"],"country":"DE"}"""), Policy, Tokens);

        Assert.Null(read.Failure);
        var (question, id) = read.Value;
        Assert.Equal(("r1", "google", null, "u1", "d1"), (id, question.PartnerId, question.ViaId, question.UserId, question.DeviceAdId));
        Assert.Equal("ip_address,email", Policy.NamesOf(question.Request.Data));
        Assert.Equal(CountryCode.Parse("DE"), question.Request.Country);
    }

    [Theory]
    [InlineData("""{"PARTNER":"google","Subject":{"USERID":"u1"},"Data":["ip_address"]}""")]
    [InlineData("""{"part\u006eer":"google","subject":{"user\u0049d":"u1"},"data":["ip\u005faddress"]}""")]
    [InlineData(" \n{\"partner\":\"google\",\"subject\":{\"userId\":\"u1\"},\"data\":[\"ip_address\"]}\n ")]
    public void Property_names_match_in_any_case_or_escaped_and_whitespace_is_free(string json)
    {
        var read = EvaluationBodies.ReadOne(Utf8(json), Policy, Tokens);

        Assert.Null(read.Failure);
        Assert.Equal(("google", "u1", "ip_address"), (read.Value.Question.PartnerId, read.Value.Question.UserId, Policy.NamesOf(read.Value.Question.Request.Data)));
    }

    [Theory]
    [InlineData("""{"partner":"google","subject":{"userId":"u1"},"data":["ip_address"],"purpose":"ads"}""", "unknown-field")]
    [InlineData("""{"partner":"google","subject":{"userId":"u1","email":"x"},"data":["ip_address"]}""", "unknown-field")]
    [InlineData("""{"partner":"google","Partner":"facebook","subject":{"userId":"u1"},"data":["ip_address"]}""", "malformed-json")]
    [InlineData("""{"partner":"google","subject":{"userId":"u1","userId":"u2"},"data":["ip_address"]}""", "malformed-json")]
    [InlineData("""{"partner":["google"],"subject":{"userId":"u1"},"data":["ip_address"]}""", "malformed-json")]
    [InlineData("""{"partner":"google","subject":"u1","data":["ip_address"]}""", "malformed-json")]
    [InlineData("""{"partner":"google","subject":{"userId":"u1"},"data":[["ip_address"]]}""", "malformed-json")]
    [InlineData("""{"partner":"google","subject":{"userId":"u1"},"data":"ip_address"}""", "malformed-json")]
    [InlineData("""[]""", "malformed-json")]
    [InlineData("""{"partner":"google","subject":{"userId":"u1"},"data":[]}""", "missing-data")]
    [InlineData("""{"partner":"google","subject":{"userId":"u1"},"data":null}""", "missing-data")]
    [InlineData("""{"partner":"google","subject":{"userId":"u1"}}""", "missing-data")]
    [InlineData("""{"partner":"google","subject":{"userId":"u1"},"data":["ip_address",null]}""", "unknown-data-item")]
    [InlineData("""{"partner":"google","subject":{"userId":"u1"},"data":["IP_ADDRESS"]}""", "unknown-data-item")]
    [InlineData("""{"partner":"google","subject":{"userId":"u1"},"data":["ip_address_and_a_name_much_longer_than_any_data_item_of_a_policy_is"]}""", "unknown-data-item")]
    [InlineData("""{"partner":"google","subject":null,"data":["ip_address"]}""", "missing-subject")]
    public void A_body_that_breaks_the_shape_names_what_is_wrong(string json, string code)
    {
        Assert.Equal(code, EvaluationBodies.ReadOne(Utf8(json), Policy, Tokens).Failure?.Code);
    }

    [Theory]
    [InlineData("""{"partner":"google",""")]
    [InlineData("""{"partner":"google","subject":{"userId":"u1"},"data":["ip_address"]} {}""")]
    [InlineData("""{"partner":"google","subject":{"userId":"u1"},"data":["ip_address"],}""")]
    public void Invalid_json_throws_for_the_caller_to_answer_as_malformed(string json)
    {
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => EvaluationBodies.ReadOne(Utf8(json), Policy, Tokens));
    }

    [Fact]
    public void Invalid_utf8_in_a_string_is_malformed()
    {
        byte[] json = [.. "{\"partner\":\""u8, 0xC3, 0x28, .. "\",\"subject\":{\"userId\":\"u1\"},\"data\":[\"ip_address\"]}"u8];

        Assert.Equal("malformed-json", EvaluationBodies.ReadOne(json, Policy, Tokens).Failure?.Code);
    }

    [Fact]
    public void A_batch_keeps_its_order_and_ids_and_stops_reading_past_the_maximum()
    {
        var three = EvaluationBodies.ReadBatch(Utf8(Batch(3)), Policy, Tokens, maxRequests: 3);
        var four = EvaluationBodies.ReadBatch(Utf8(Batch(4)), Policy, Tokens, maxRequests: 3);

        Assert.Equal(["r0", "r1", "r2"], three.Value!.Select(q => q.Id));
        Assert.Equal(["u0", "u1", "u2"], three.Value!.Select(q => q.Question.UserId));
        Assert.Equal(EvaluationBodies.TooManyCode, four.Failure?.Code);
    }

    [Theory]
    [InlineData("""{"requests":[]}""", "empty-batch")]
    [InlineData("""{"requests":null}""", "empty-batch")]
    [InlineData("""{}""", "empty-batch")]
    [InlineData("""{"requests":[null]}""", "missing-request")]
    [InlineData("""{"requests":["x"]}""", "malformed-json")]
    [InlineData("""{"requests":[],"requests":[]}""", "malformed-json")]
    [InlineData("""{"requests":[],"mode":"fast"}""", "unknown-field")]
    [InlineData("""{"requests":[{"partner":"google","subject":{"userId":"u1"},"data":["ip_address"]},{"partner":"google","data":["ip_address"]}]}""", "missing-subject")]
    public void A_bad_batch_names_what_is_wrong(string json, string code)
    {
        var read = EvaluationBodies.ReadBatch(Utf8(json), Policy, Tokens, maxRequests: 1000);

        Assert.Equal(code, read.Failure?.Code);
    }

    [Fact]
    public void A_bad_request_in_a_batch_is_named_by_its_index()
    {
        var read = EvaluationBodies.ReadBatch(Utf8("""{"requests":[{"partner":"google","subject":{"userId":"u1"},"data":["ip_address"]},{"partner":"google","subject":{"userId":"u1"},"data":["ip_address"],"country":"XX"}]}"""), Policy, Tokens, 1000);

        Assert.Equal("invalid-country", read.Failure?.Code);
        Assert.StartsWith("requests[1]:", read.Failure?.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_consistency_token_is_read_into_the_question_it_came_with()
    {
        var token = Tokens.Issue(SubjectKind.Account, "u1", new SubjectVersion(4, 2));

        var read = EvaluationBodies.ReadOne(Utf8($$$"""{"partner":"google","subject":{"userId":"u1"},"data":["ip_address"],"Consistency":{"atleastasfresh":"{{{token}}}"}}"""), Policy, Tokens);

        Assert.Null(read.Failure);
        Assert.Equal(new SubjectVersion(4, 2), read.Value.Question.AtLeastAsFresh?.DemandFor(SubjectKind.Account, "u1"));
    }

    [Theory]
    [InlineData("""{"partner":"google","subject":{"userId":"u1"},"data":["ip_address"]}""")]
    [InlineData("""{"partner":"google","subject":{"userId":"u1"},"data":["ip_address"],"consistency":null}""")]
    [InlineData("""{"partner":"google","subject":{"userId":"u1"},"data":["ip_address"],"consistency":{}}""")]
    [InlineData("""{"partner":"google","subject":{"userId":"u1"},"data":["ip_address"],"consistency":{"atLeastAsFresh":null}}""")]
    public void Without_a_token_a_question_demands_nothing(string json)
    {
        var read = EvaluationBodies.ReadOne(Utf8(json), Policy, Tokens);

        Assert.Null(read.Failure);
        Assert.Null(read.Value.Question.AtLeastAsFresh);
    }

    [Theory]
    [InlineData("""{"consistency":"ct1.x"}""", "malformed-json")]
    [InlineData("""{"consistency":{"atLeastAsFresh":7}}""", "malformed-json")]
    [InlineData("""{"consistency":{"atLeastAsFresh":null,"atLeastAsFresh":null}}""", "malformed-json")]
    [InlineData("""{"consistency":{"atLeastAsFresh":null},"consistency":null}""", "malformed-json")]
    [InlineData("""{"consistency":{"atMostAsStale":"ct1.x"}}""", "unknown-field")]
    [InlineData("""{"consistency":{"atLeastAsFresh":""}}""", "malformed-consistency-token")]
    [InlineData("""{"consistency":{"atLeastAsFresh":"ct1.not-a-token"}}""", "malformed-consistency-token")]
    public void A_consistency_member_that_is_not_a_token_names_what_is_wrong(string consistency, string code)
    {
        var json = """{"partner":"google","subject":{"userId":"u1"},"data":["ip_address"],""" + consistency[1..];

        Assert.Equal(code, EvaluationBodies.ReadOne(Utf8(json), Policy, Tokens).Failure?.Code);
    }

    [Fact]
    public void A_token_of_another_key_is_forged_and_named_by_its_request_in_a_batch()
    {
        var other = new ConsistencyTokens(Options.Create(new ConsistencyTokenOptions { Key = "another-gateway-s-key" }), NullLogger<ConsistencyTokens>.Instance);
        var good = Tokens.Issue(SubjectKind.Device, "d1", SubjectVersion.OfDevice(1));
        var forged = other.Issue(SubjectKind.Device, "d1", SubjectVersion.OfDevice(1));

        var read = EvaluationBodies.ReadBatch(Utf8(BatchWithTokens(good, forged)), Policy, Tokens, 1000);
        var fine = EvaluationBodies.ReadBatch(Utf8(BatchWithTokens(good, null)), Policy, Tokens, 1000);

        Assert.Equal("forged-consistency-token", read.Failure?.Code);
        Assert.StartsWith("requests[1]:", read.Failure?.Detail, StringComparison.Ordinal);
        Assert.Equal([SubjectVersion.OfDevice(1), null], fine.Value!.Select(q => q.Question.AtLeastAsFresh?.DemandFor(SubjectKind.Device, "d1")));
    }

    private static string BatchWithTokens(string? first, string? second) =>
        "{\"requests\":[" + string.Join(',', new[] { first, second }.Select(token =>
            """{"partner":"google","subject":{"deviceAdId":"d1"},"data":["ip_address"],"consistency":{"atLeastAsFresh":""" + (token is null ? "null" : $"\"{token}\"") + "}}")) + "]}";

    private static string Batch(int count) =>
        "{\"requests\":[" + string.Join(',', Enumerable.Range(0, count).Select(i => $$"""{"id":"r{{i}}","partner":"google","subject":{"userId":"u{{i}}"},"data":["ip_address"]}""")) + "]}";

    private static byte[] Utf8(string json) => Encoding.UTF8.GetBytes(json);
}
