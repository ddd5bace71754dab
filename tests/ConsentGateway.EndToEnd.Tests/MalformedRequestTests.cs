using System.Net.Http.Json;
using System.Text;

namespace ConsentGateway.EndToEnd.Tests;

/// <summary>Bad input gets a 4xx problem with a stable code and changes nothing (SPEC §5).</summary>
public class MalformedRequestTests(GatewayServer server) : IClassFixture<GatewayServer>
{
    private const string Target = "malformed-target";
    private const string Account = "/api/v1/accounts/" + Target;
    private const string Setting = Account + "/partner-sharing";
    private const string ValidDate = "2021-03-01T00:00:00Z";
    private const string Json = "application/json";
    private static readonly string LongId = new('a', 129);

    public static TheoryData<string, string, string, string?, string?, string?, int, string> Cases() => new()
    {
        // name, method, path, content type, body, If-Match, status, code
        { "lower-case country", "PUT", Account, Json, """{"country":"de","signedUpAt":"2021-03-01T00:00:00Z"}""", null, 400, "invalid-country" },
        { "reserved code UK", "PUT", Account, Json, """{"country":"UK","signedUpAt":"2021-03-01T00:00:00Z"}""", null, 400, "invalid-country" },
        { "alpha-3 country", "PUT", Account, Json, """{"country":"DEU","signedUpAt":"2021-03-01T00:00:00Z"}""", null, 400, "invalid-country" },
        { "unassigned country", "PUT", Account, Json, """{"country":"XX","signedUpAt":"2021-03-01T00:00:00Z"}""", null, 400, "invalid-country" },
        { "missing country", "PUT", Account, Json, """{"signedUpAt":"2021-03-01T00:00:00Z"}""", null, 400, "invalid-country" },
        { "country as a number", "PUT", Account, Json, """{"country":49,"signedUpAt":"2021-03-01T00:00:00Z"}""", null, 400, "malformed-json" },
        { "sign-up in the future", "PUT", Account, Json, """{"country":"DE","signedUpAt":"2999-01-01T00:00:00Z"}""", null, 400, "signed-up-at-in-future" },
        { "sign-up without offset", "PUT", Account, Json, """{"country":"DE","signedUpAt":"2021-03-01T00:00:00"}""", null, 400, "invalid-signed-up-at" },
        { "sign-up in another offset", "PUT", Account, Json, """{"country":"DE","signedUpAt":"2021-03-01T00:00:00+02:00"}""", null, 400, "invalid-signed-up-at" },
        { "sign-up not a date", "PUT", Account, Json, """{"country":"DE","signedUpAt":"yesterday"}""", null, 400, "invalid-signed-up-at" },
        { "sign-up on 30 February", "PUT", Account, Json, """{"country":"DE","signedUpAt":"2021-02-30T00:00:00Z"}""", null, 400, "invalid-signed-up-at" },
        { "sign-up date only", "PUT", Account, Json, """{"country":"DE","signedUpAt":"2021-03-01"}""", null, 400, "invalid-signed-up-at" },
        { "missing sign-up", "PUT", Account, Json, """{"country":"DE"}""", null, 400, "invalid-signed-up-at" },
        { "sign-up as epoch number", "PUT", Account, Json, """{"country":"DE","signedUpAt":1614556800}""", null, 400, "malformed-json" },
        { "unknown field", "PUT", Account, Json, """{"country":"DE","signedUpAt":"2021-03-01T00:00:00Z","email":"a@b.c"}""", null, 400, "unknown-field" },
        { "duplicate property", "PUT", Account, Json, """{"country":"DE","country":"US","signedUpAt":"2021-03-01T00:00:00Z"}""", null, 400, "malformed-json" },
        { "array body", "PUT", Account, Json, "[]", null, 400, "malformed-json" },
        { "null body", "PUT", Account, Json, "null", null, 400, "malformed-json" },
        { "empty body", "PUT", Account, Json, "", null, 400, "malformed-json" },
        { "truncated body", "PUT", Account, Json, """{"country":"DE",""", null, 400, "malformed-json" },
        { "text/plain body", "PUT", Account, "text/plain", """{"country":"DE","signedUpAt":"2021-03-01T00:00:00Z"}""", null, 415, "unsupported-media-type" },
        { "no content type", "PUT", Account, null, """{"country":"DE","signedUpAt":"2021-03-01T00:00:00Z"}""", null, 415, "unsupported-media-type" },
        { "xml body", "PUT", Account, "application/xml", "<account/>", null, 415, "unsupported-media-type" },
        { "body too large", "PUT", Account, Json, """{"country":"DE","signedUpAt":"2021-03-01T00:00:00Z"}""" + new string(' ', 20_000), null, 413, "body-too-large" },
        { "user id too long", "PUT", "/api/v1/accounts/" + LongId, Json, """{"country":"DE","signedUpAt":"2021-03-01T00:00:00Z"}""", null, 400, "invalid-user-id" },
        { "user id with '!'", "PUT", "/api/v1/accounts/bad!id", Json, """{"country":"DE","signedUpAt":"2021-03-01T00:00:00Z"}""", null, 400, "invalid-user-id" },
        { "user id starting with '-'", "PUT", "/api/v1/accounts/-abc", Json, """{"country":"DE","signedUpAt":"2021-03-01T00:00:00Z"}""", null, 400, "invalid-user-id" },
        { "user id with non-ASCII", "PUT", "/api/v1/accounts/j%C3%BCrgen", Json, """{"country":"DE","signedUpAt":"2021-03-01T00:00:00Z"}""", null, 400, "invalid-user-id" },
        { "user id with a space", "PUT", "/api/v1/accounts/a%20b", Json, """{"country":"DE","signedUpAt":"2021-03-01T00:00:00Z"}""", null, 400, "invalid-user-id" },
        { "user id reading the setting", "GET", "/api/v1/accounts/bad!id/partner-sharing", null, null, null, 400, "invalid-user-id" },
        { "enabled as a string", "PUT", Setting, Json, """{"enabled":"true"}""", null, 400, "malformed-json" },
        { "enabled as a number", "PUT", Setting, Json, """{"enabled":1}""", null, 400, "malformed-json" },
        { "enabled null", "PUT", Setting, Json, """{"enabled":null}""", null, 400, "missing-field" },
        { "enabled missing", "PUT", Setting, Json, "{}", null, 400, "missing-field" },
        { "setting with extra field", "PUT", Setting, Json, """{"enabled":true,"partner":"google"}""", null, 400, "unknown-field" },
        { "setting as text/plain", "PUT", Setting, "text/plain", """{"enabled":true}""", null, 415, "unsupported-media-type" },
        { "weak If-Match", "PUT", Setting, Json, """{"enabled":true}""", "W/\"0\"", 400, "invalid-if-match" },
        { "If-Match not a number", "PUT", Setting, Json, """{"enabled":true}""", "\"abc\"", 400, "invalid-if-match" },
        { "unquoted If-Match", "PUT", Setting, Json, """{"enabled":true}""", "0", 400, "invalid-if-match" },
        { "negative If-Match", "PUT", Setting, Json, """{"enabled":true}""", "\"-1\"", 400, "invalid-if-match" },
        { "overflowing If-Match", "PUT", Setting, Json, """{"enabled":true}""", "\"99999999999999999999\"", 400, "invalid-if-match" },
        { "two If-Match values", "PUT", Setting, Json, """{"enabled":true}""", "\"0\", \"1\"", 400, "invalid-if-match" },
        { "device id with '!'", "PUT", "/api/v1/devices/bad!id", null, null, null, 400, "invalid-device-id" },
        { "device id too long", "PUT", "/api/v1/devices/" + LongId, null, null, null, 400, "invalid-device-id" },
        { "link to a bad user id", "PUT", "/api/v1/devices/dev-1/accounts/bad!id", null, null, null, 400, "invalid-user-id" },
        { "unknown route", "GET", "/api/v1/nothing", null, null, null, 404, "not-found" },
        { "unknown API version", "GET", "/api/v2/accounts/malformed-target/partner-sharing", null, null, null, 404, "not-found" },
        { "POST on an account", "POST", Account, Json, """{"country":"DE","signedUpAt":"2021-03-01T00:00:00Z"}""", null, 405, "method-not-allowed" },
        { "PATCH on the setting", "PATCH", Setting, Json, """{"enabled":true}""", null, 405, "method-not-allowed" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_malformed_request_is_a_4xx_problem_and_changes_nothing(
        string name, string method, string path, string? contentType, string? body, string? ifMatch, int status, string code)
    {
        await server.CreateAccountAsync("DE", ValidDate, Target);
        var before = await SnapshotAsync();

        using var client = server.AccountService();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            if (contentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        using var response = await client.SendAsync(request);

        Assert.True(status == (int)response.StatusCode, $"{name}: got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ProblemBody>();
        Assert.Equal((code, status), (problem!.Code, problem.Status));
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public void The_table_has_at_least_40_cases() => Assert.True(Cases().Count >= 40);

    private Task<string> SnapshotAsync() => server.SnapshotSourceAsync();
}
