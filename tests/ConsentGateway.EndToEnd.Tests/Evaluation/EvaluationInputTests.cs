using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using static ConsentGateway.EndToEnd.Tests.Evaluation.EvaluationApi;

namespace ConsentGateway.EndToEnd.Tests.Evaluation;

/// <summary>
/// The evaluation endpoints' edges (SPEC §4–5, the evaluation contract): bad input is a 4xx problem
/// with a stable code and never a 5xx, each proxy is authenticated and asks only about its partners,
/// an unknown partner is a decision and not an error, and /check answers on any method and path
/// below it, with caching headers the proxy in front can honour.
/// </summary>
public class EvaluationInputTests(GatewayServer server) : IClassFixture<GatewayServer>
{
    private const string JsonType = "application/json";
    private const string Valid = """{"partner":"google","subject":{"userId":"u-input"},"data":["ip_address"]}""";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly string LongId = new('a', 129);

    // name -> (content type, body, status, code when the contract names it)
    private static readonly Dictionary<string, (string? ContentType, string Body, int Status, string? Code)> EvaluateInputs = new()
    {
        ["missing subject"] = (JsonType, """{"partner":"google","data":["ip_address"]}""", 400, null),
        ["null subject"] = (JsonType, """{"partner":"google","subject":null,"data":["ip_address"]}""", 400, null),
        ["subject with no ids"] = (JsonType, """{"partner":"google","subject":{},"data":["ip_address"]}""", 400, null),
        ["subject with null ids"] = (JsonType, """{"partner":"google","subject":{"userId":null,"deviceAdId":null},"data":["ip_address"]}""", 400, null),
        ["subject as a string"] = (JsonType, """{"partner":"google","subject":"u-input","data":["ip_address"]}""", 400, null),
        ["missing partner"] = (JsonType, """{"subject":{"userId":"u-input"},"data":["ip_address"]}""", 400, null),
        ["partner as a number"] = (JsonType, """{"partner":7,"subject":{"userId":"u-input"},"data":["ip_address"]}""", 400, null),
        ["missing data"] = (JsonType, """{"partner":"google","subject":{"userId":"u-input"}}""", 400, null),
        ["empty data"] = (JsonType, """{"partner":"google","subject":{"userId":"u-input"},"data":[]}""", 400, null),
        ["unknown data item"] = (JsonType, """{"partner":"google","subject":{"userId":"u-input"},"data":["ip_address","shoe_size"]}""", 400, null),
        ["empty data item"] = (JsonType, """{"partner":"google","subject":{"userId":"u-input"},"data":[""]}""", 400, null),
        ["null data item"] = (JsonType, """{"partner":"google","subject":{"userId":"u-input"},"data":["ip_address",null]}""", 400, null),
        ["data item as a number"] = (JsonType, """{"partner":"google","subject":{"userId":"u-input"},"data":[1]}""", 400, null),
        ["data not an array"] = (JsonType, """{"partner":"google","subject":{"userId":"u-input"},"data":"ip_address"}""", 400, null),
        ["truncated JSON"] = (JsonType, """{"partner":"google","subject":{"userId":""", 400, "malformed-json"),
        ["not JSON"] = (JsonType, "partner=google", 400, "malformed-json"),
        ["empty body"] = (JsonType, "", 400, "malformed-json"),
        ["array body"] = (JsonType, "[]", 400, null),
        ["null body"] = (JsonType, "null", 400, null),
        ["duplicate property"] = (JsonType, """{"partner":"google","partner":"facebook","subject":{"userId":"u-input"},"data":["ip_address"]}""", 400, null),
        ["unknown property"] = (JsonType, """{"partner":"google","subject":{"userId":"u-input"},"data":["ip_address"],"purpose":"ads"}""", 400, "unknown-field"),
        ["unknown property in the subject"] = (JsonType, """{"partner":"google","subject":{"userId":"u-input","email":"a@b.c"},"data":["ip_address"]}""", 400, "unknown-field"),
        ["text/plain body"] = ("text/plain", Valid, 415, null),
        ["no content type"] = (null, Valid, 415, null),
        ["xml body"] = ("application/xml", "<evaluate/>", 415, null),
        ["lower-case country"] = (JsonType, """{"partner":"google","subject":{"deviceAdId":"d-input"},"data":["ip_address"],"country":"de"}""", 400, null),
        ["alpha-3 country"] = (JsonType, """{"partner":"google","subject":{"deviceAdId":"d-input"},"data":["ip_address"],"country":"DEU"}""", 400, null),
        ["unassigned country"] = (JsonType, """{"partner":"google","subject":{"deviceAdId":"d-input"},"data":["ip_address"],"country":"XX"}""", 400, null),
        ["empty country"] = (JsonType, """{"partner":"google","subject":{"deviceAdId":"d-input"},"data":["ip_address"],"country":""}""", 400, null),
        ["country as a number"] = (JsonType, """{"partner":"google","subject":{"deviceAdId":"d-input"},"data":["ip_address"],"country":49}""", 400, null),
        ["user id with '!'"] = (JsonType, """{"partner":"google","subject":{"userId":"bad!id"},"data":["ip_address"]}""", 400, null),
        ["user id too long"] = (JsonType, $$"""{"partner":"google","subject":{"userId":"{{LongId}}"},"data":["ip_address"]}""", 400, null),
        ["empty user id"] = (JsonType, """{"partner":"google","subject":{"userId":""},"data":["ip_address"]}""", 400, null),
        ["device id starting with '-'"] = (JsonType, """{"partner":"google","subject":{"deviceAdId":"-abc"},"data":["ip_address"]}""", 400, null),
        ["device id with a space"] = (JsonType, """{"partner":"google","subject":{"userId":"u-input","deviceAdId":"a b"},"data":["ip_address"]}""", 400, null),
        ["consistency not an object"] = (JsonType, """{"partner":"google","subject":{"userId":"u-input"},"data":["ip_address"],"consistency":"ct1.x"}""", 400, "malformed-json"),
        ["unknown property in consistency"] = (JsonType, """{"partner":"google","subject":{"userId":"u-input"},"data":["ip_address"],"consistency":{"atMostAsStale":"ct1.x"}}""", 400, "unknown-field"),
        ["token not a string"] = (JsonType, """{"partner":"google","subject":{"userId":"u-input"},"data":["ip_address"],"consistency":{"atLeastAsFresh":1}}""", 400, "malformed-json"),
        ["malformed token"] = (JsonType, """{"partner":"google","subject":{"userId":"u-input"},"data":["ip_address"],"consistency":{"atLeastAsFresh":"ct1.not-a-token"}}""", 400, "malformed-consistency-token"),
        ["empty token"] = (JsonType, """{"partner":"google","subject":{"userId":"u-input"},"data":["ip_address"],"consistency":{"atLeastAsFresh":""}}""", 400, "malformed-consistency-token"),
    };

    // name -> (content type, body, status, code when the contract names it)
    private static readonly Dictionary<string, (string? ContentType, string Body, int Status, string? Code)> BatchInputs = new()
    {
        ["1001 requests"] = (JsonType, BatchOf(1001), 413, "batch-too-large"),
        ["empty list"] = (JsonType, """{"requests":[]}""", 400, null),
        ["no requests"] = (JsonType, "{}", 400, null),
        ["requests not an array"] = (JsonType, $$"""{"requests":{{Valid}}}""", 400, null),
        ["one item without a subject"] = (JsonType, """{"requests":[{"partner":"google","subject":{"userId":"u1"},"data":["ip_address"]},{"partner":"google","data":["ip_address"]}]}""", 400, null),
        ["one item with an unknown data item"] = (JsonType, """{"requests":[{"partner":"google","subject":{"userId":"u1"},"data":["ip_address"]},{"partner":"google","subject":{"userId":"u1"},"data":["shoe_size"]}]}""", 400, null),
        ["one item with a bad country"] = (JsonType, """{"requests":[{"partner":"google","subject":{"deviceAdId":"d1"},"data":["ip_address"],"country":"XX"}]}""", 400, null),
        ["unknown property in an item"] = (JsonType, """{"requests":[{"partner":"google","subject":{"userId":"u1"},"data":["ip_address"],"purpose":"ads"}]}""", 400, "unknown-field"),
        ["unknown property beside the requests"] = (JsonType, $$"""{"requests":[{{Valid}}],"mode":"fast"}""", 400, "unknown-field"),
        ["truncated JSON"] = (JsonType, """{"requests":[{"partner":""", 400, "malformed-json"),
        ["text/plain body"] = ("text/plain", $$"""{"requests":[{{Valid}}]}""", 415, null),
        ["one item with a malformed token"] = (JsonType, """{"requests":[{"partner":"google","subject":{"userId":"u1"},"data":["ip_address"]},{"partner":"google","subject":{"userId":"u1"},"data":["ip_address"],"consistency":{"atLeastAsFresh":"ct1.AAAA"}}]}""", 400, "malformed-consistency-token"),
    };

    // name -> the request's X-Consent-* headers (besides the key), in order; a name may repeat.
    private static readonly Dictionary<string, (string Name, string Value)[]> CheckInputs = new()
    {
        ["missing partner"] = [("X-Consent-User", "u-input"), ("X-Consent-Data", "ip_address")],
        ["empty partner"] = [("X-Consent-Partner", ""), ("X-Consent-User", "u-input"), ("X-Consent-Data", "ip_address")],
        ["missing data header"] = [("X-Consent-Partner", "google"), ("X-Consent-User", "u-input")],
        ["empty data header"] = [("X-Consent-Partner", "google"), ("X-Consent-User", "u-input"), ("X-Consent-Data", "")],
        ["unknown data item"] = [("X-Consent-Partner", "google"), ("X-Consent-User", "u-input"), ("X-Consent-Data", "ip_address,shoe_size")],
        ["empty item in the list"] = [("X-Consent-Partner", "google"), ("X-Consent-User", "u-input"), ("X-Consent-Data", "ip_address,,mobile_ad_id")],
        ["blank item in the list"] = [("X-Consent-Partner", "google"), ("X-Consent-User", "u-input"), ("X-Consent-Data", "ip_address, ,mobile_ad_id")],
        ["trailing comma"] = [("X-Consent-Partner", "google"), ("X-Consent-User", "u-input"), ("X-Consent-Data", "ip_address,")],
        ["unassigned country"] = [("X-Consent-Partner", "google"), ("X-Consent-Device", "d-input"), ("X-Consent-Data", "ip_address"), ("X-Consent-Country", "XX")],
        ["lower-case country"] = [("X-Consent-Partner", "google"), ("X-Consent-Device", "d-input"), ("X-Consent-Data", "ip_address"), ("X-Consent-Country", "de")],
        ["country as a name"] = [("X-Consent-Partner", "google"), ("X-Consent-Device", "d-input"), ("X-Consent-Data", "ip_address"), ("X-Consent-Country", "Germany")],
        ["no subject headers"] = [("X-Consent-Partner", "google"), ("X-Consent-Data", "ip_address")],
        ["empty subject headers"] = [("X-Consent-Partner", "google"), ("X-Consent-User", ""), ("X-Consent-Device", ""), ("X-Consent-Data", "ip_address")],
        ["user id with '!'"] = [("X-Consent-Partner", "google"), ("X-Consent-User", "bad!id"), ("X-Consent-Data", "ip_address")],
        ["device id starting with '-'"] = [("X-Consent-Partner", "google"), ("X-Consent-Device", "-abc"), ("X-Consent-Data", "ip_address")],
        ["partner twice"] = [("X-Consent-Partner", "google"), ("X-Consent-Partner", "facebook"), ("X-Consent-User", "u-input"), ("X-Consent-Data", "ip_address")],
        ["user twice"] = [("X-Consent-Partner", "google"), ("X-Consent-User", "u-input"), ("X-Consent-User", "u-other"), ("X-Consent-Data", "ip_address")],
        ["device twice"] = [("X-Consent-Partner", "google"), ("X-Consent-Device", "d-input"), ("X-Consent-Device", "d-input"), ("X-Consent-Data", "ip_address")],
        ["data twice"] = [("X-Consent-Partner", "google"), ("X-Consent-User", "u-input"), ("X-Consent-Data", "ip_address"), ("X-Consent-Data", "mobile_ad_id")],
        ["via twice"] = [("X-Consent-Partner", "google"), ("X-Consent-Via", "facebook"), ("X-Consent-Via", "google"), ("X-Consent-User", "u-input"), ("X-Consent-Data", "ip_address")],
        ["country twice"] = [("X-Consent-Partner", "google"), ("X-Consent-Device", "d-input"), ("X-Consent-Data", "ip_address"), ("X-Consent-Country", "DE"), ("X-Consent-Country", "US")],
        ["malformed token"] = [("X-Consent-Partner", "google"), ("X-Consent-User", "u-input"), ("X-Consent-Data", "ip_address"), ("X-Consent-At-Least-As-Fresh", "ct1.not-a-token")],
        ["token twice"] = [("X-Consent-Partner", "google"), ("X-Consent-User", "u-input"), ("X-Consent-Data", "ip_address"), ("X-Consent-At-Least-As-Fresh", "ct1.AAAA"), ("X-Consent-At-Least-As-Fresh", "ct1.AAAA")],
    };

    // name -> a request nobody should send; whatever it is answered, it is not a 5xx and the server stays up.
    private static readonly Dictionary<string, Func<GatewayServer, Task<int>>> HostileInputs = new()
    {
        ["evaluate: 20 000 data items"] = s => PostAsync(s, Evaluate, $$"""{"partner":"google","subject":{"userId":"u-input"},"data":[{{string.Join(",", Enumerable.Repeat("\"ip_address\"", 20_000))}}]}"""),
        ["evaluate: a 1 MB body"] = s => PostAsync(s, Evaluate, $$"""{"partner":"google","subject":{"userId":"u-input"},"data":["ip_address"],"country":"{{new string('D', 1 << 20)}}"}"""),
        ["evaluate: JSON nested 10 000 deep"] = s => PostAsync(s, Evaluate, $$"""{"partner":"google","subject":{"userId":"u-input"},"data":["ip_address"],"x":{{new string('[', 10_000)}}{{new string(']', 10_000)}}}"""),
        ["evaluate: invalid UTF-8"] = async s =>
        {
            using var proxy = s.Proxy();
            using var content = new ByteArrayContent([.. "{\"partner\":\""u8, 0xC3, 0x28, 0xFF, .. "\",\"subject\":{\"userId\":\"u\"},\"data\":[\"ip_address\"]}"u8]);
            content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
            using var response = await proxy.PostAsync(new Uri(Evaluate, UriKind.Relative), content);
            return (int)response.StatusCode;
        },
        ["evaluate: a 10 000-character partner"] = s => PostAsync(s, Evaluate, $$"""{"partner":"{{new string('g', 10_000)}}","subject":{"userId":"u-input"},"data":["ip_address"]}"""),
        ["evaluate: a 10 000-character key"] = async s =>
        {
            using var proxy = s.Proxy(new string('k', 10_000));
            using var response = await proxy.PostAsync(new Uri(Evaluate, UriKind.Relative), GatewayServer.Json(Valid));
            return (int)response.StatusCode;
        },
        ["evaluate: two keys"] = async s =>
            (await SendRawAsync(s.BaseAddress, "POST", Evaluate, [("X-Consent-Key", s.ProxyKey), ("X-Consent-Key", s.LimitedProxyKey), ("Content-Type", "application/json")])).Status,
        ["batch: 2 MB of requests"] = s => PostAsync(s, Batch, BatchOf(20_000)),
        ["check: a non-ASCII user id"] = async s =>
            (await SendRawAsync(s.BaseAddress, "GET", Check, [("X-Consent-Key", s.ProxyKey), ("X-Consent-Partner", "google"), ("X-Consent-User", "jürgen"), ("X-Consent-Data", "ip_address")])).Status,
        ["check: a non-ASCII key"] = async s =>
            (await SendRawAsync(s.BaseAddress, "GET", Check, [("X-Consent-Key", "schlüssel-ключ"), ("X-Consent-Partner", "google"), ("X-Consent-User", "u-input"), ("X-Consent-Data", "ip_address")])).Status,
        ["check: 2 000 data items"] = async s =>
            (await SendRawAsync(s.BaseAddress, "GET", Check, [("X-Consent-Key", s.ProxyKey), ("X-Consent-Partner", "google"), ("X-Consent-User", "u-input"), ("X-Consent-Data", string.Join(",", Enumerable.Repeat("mobile_ad_id", 2_000)))])).Status,
        ["check: a 10 000-character key"] = async s =>
            (await SendRawAsync(s.BaseAddress, "GET", Check, [("X-Consent-Key", new string('k', 10_000)), ("X-Consent-Partner", "google"), ("X-Consent-User", "u-input"), ("X-Consent-Data", "ip_address")])).Status,
        ["check: two keys"] = async s =>
            (await SendRawAsync(s.BaseAddress, "GET", Check, [("X-Consent-Key", s.ProxyKey), ("X-Consent-Key", s.ProxyKey), ("X-Consent-Partner", "google"), ("X-Consent-User", "u-input"), ("X-Consent-Data", "ip_address")])).Status,
    };

    public static TheoryData<string> HostileInputNames() => [.. HostileInputs.Keys];

    public static TheoryData<string> EvaluateInputNames() => [.. EvaluateInputs.Keys];

    public static TheoryData<string> BatchInputNames() => [.. BatchInputs.Keys];

    public static TheoryData<string> CheckInputNames() => [.. CheckInputs.Keys];

    [Fact]
    public void The_input_tables_cover_the_contract() =>
        Assert.True(EvaluateInputs.Count >= 30 && BatchInputs.Count >= 10 && CheckInputs.Count >= 18);

    [Theory]
    [MemberData(nameof(EvaluateInputNames))]
    public async Task A_bad_evaluation_is_a_4xx_problem(string name)
    {
        var (contentType, body, status, code) = EvaluateInputs[name];
        using var proxy = server.Proxy();
        using var response = await proxy.PostAsync(new Uri(Evaluate, UriKind.Relative), RawContent(contentType, body));

        await AssertProblemAsync(response, $"/evaluate, {name}", status, code);
    }

    [Theory]
    [MemberData(nameof(BatchInputNames))]
    public async Task A_bad_batch_is_a_4xx_problem_for_the_whole_batch(string name)
    {
        var (contentType, body, status, code) = BatchInputs[name];
        using var proxy = server.Proxy();
        using var response = await proxy.PostAsync(new Uri(Batch, UriKind.Relative), RawContent(contentType, body));

        await AssertProblemAsync(response, $"/evaluate/batch, {name}", status, code);
    }

    [Fact]
    public async Task One_bad_item_fails_the_batch_and_the_detail_names_its_index()
    {
        var requests = new JsonArray();
        for (var i = 0; i < 50; i++)
        {
            requests.Add(Body("google", null, $"u-{i}", null, [i == 37 ? "shoe_size" : "ip_address"], null));
        }

        using var proxy = server.Proxy();
        using var response = await proxy.PostAsync(new Uri(Batch, UriKind.Relative), Content(new JsonObject { ["requests"] = requests }));

        var problem = await AssertProblemAsync(response, "a batch whose item 37 asks for shoe_size", 400, null);
        Assert.Contains("37", problem.Detail ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_of_exactly_1000_requests_is_answered_in_full()
    {
        using var proxy = server.Proxy();
        using var response = await proxy.PostAsync(new Uri(Batch, UriKind.Relative), GatewayServer.Json(BatchOf(1000)));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        using var document = JsonDocument.Parse(text);
        var results = document.RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(1000, results.Count);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"r{i}"), results.Select(r => r.GetProperty("id").GetString()));
        Assert.All(results, r => Assert.Equal("deny", r.GetProperty("decision").GetString()));
        Assert.Equal(1000, results.Select(r => r.GetProperty("decisionId").GetString()).Distinct().Count());
    }

    [Fact]
    public async Task Evaluate_accepts_json_with_a_charset()
    {
        using var proxy = server.Proxy();
        using var response = await proxy.PostAsync(new Uri(Evaluate, UriKind.Relative), RawContent("application/json; charset=utf-8", Valid));

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    [Theory]
    [InlineData("GET", Evaluate, 405)]
    [InlineData("PUT", Evaluate, 405)]
    [InlineData("GET", Batch, 405)]
    [InlineData("DELETE", Batch, 405)]
    [InlineData("GET", "/api/v1/checkout", 404)]
    [InlineData("GET", "/api/v1/check-me", 404)]
    [InlineData("GET", "/api/v1/evaluate/batches", 404)]
    public async Task Other_methods_and_look_alike_paths_are_not_evaluation_endpoints(string method, string path, int status)
    {
        using var proxy = server.Proxy();
        using var request = CheckRequest(new HttpMethod(method), path, ("X-Consent-Partner", "google"), ("X-Consent-User", "u-input"), ("X-Consent-Data", "ip_address"));
        using var response = await proxy.SendAsync(request);

        await AssertProblemAsync(response, $"{method} {path}", status, null);
        Assert.Null(CheckAnswer.Header(response, "X-Consent-Decision"));
    }

    [Theory]
    [MemberData(nameof(CheckInputNames))]
    public async Task A_bad_check_is_a_400_problem(string name)
    {
        var response = await SendRawAsync(server.BaseAddress, "GET", Check, [("X-Consent-Key", server.ProxyKey), .. CheckInputs[name]]);

        Assert.True(response.Status == 400, $"/check, {name}: expected 400, got {response.Status} {response.Header("X-Consent-Decision")} {response.Header("X-Consent-Reason")} {response.Body}");
        Assert.True(response.Header("Content-Type")?.StartsWith("application/problem+json", StringComparison.Ordinal) == true, $"/check, {name}: content type {response.Header("Content-Type")}");
        var problem = JsonSerializer.Deserialize<ProblemBody>(response.Body, EvaluationApi.Json)!;
        Assert.False(string.IsNullOrWhiteSpace(problem.Code), $"/check, {name}: no code in {response.Body}");
        Assert.Equal(ProblemTypePrefix + problem.Code, problem.Type);
        Assert.Equal(400, problem.Status);
    }

    [Theory]
    [MemberData(nameof(HostileInputNames))]
    public async Task Hostile_input_is_never_a_5xx_and_the_server_stays_up(string name)
    {
        var status = await HostileInputs[name](server);
        Assert.True(status is >= 200 and < 500, $"{name}: answered {status}");

        using var proxy = server.Proxy();
        var after = await EvaluateAsync(proxy, Body("google", null, "u-input", null, ["ip_address"], null));
        Assert.True(after.Value is not null, $"after {name}: {after.Error}");
    }

    [Fact]
    public async Task Without_a_valid_proxy_key_evaluate_and_batch_are_401_problems()
    {
        using var noKey = server.Client(null);
        using var unknownKey = server.Proxy("not-a-proxy-key");
        using var bearerOnly = server.AccountService();
        using var hashAsKey = server.Proxy(GatewayServer.Sha256Hex(server.ProxyKey));
        foreach (var (who, client) in ((string, HttpClient)[])[("no key", noKey), ("an unknown key", unknownKey), ("an account-service token", bearerOnly), ("the key's hash as the key", hashAsKey)])
        {
            using var evaluated = await client.PostAsync(new Uri(Evaluate, UriKind.Relative), GatewayServer.Json(Valid));
            await AssertProblemAsync(evaluated, $"/evaluate with {who}", 401, "proxy-unauthorized");

            using var batched = await client.PostAsync(new Uri(Batch, UriKind.Relative), GatewayServer.Json($$"""{"requests":[{{Valid}}]}"""));
            await AssertProblemAsync(batched, $"/evaluate/batch with {who}", 401, "proxy-unauthorized");
        }
    }

    [Fact]
    public async Task Without_a_valid_proxy_key_check_is_401_with_an_empty_body()
    {
        using var noKey = server.Client(null);
        using var unknownKey = server.Proxy("not-a-proxy-key");
        foreach (var (who, client) in ((string, HttpClient)[])[("no key", noKey), ("an unknown key", unknownKey)])
        {
            using var request = CheckRequest(HttpMethod.Get, Check, ("X-Consent-Partner", "google"), ("X-Consent-User", "u-input"), ("X-Consent-Data", "ip_address"));
            using var response = await client.SendAsync(request);

            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"/check with {who}: {(int)response.StatusCode}");
            Assert.Equal("", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task The_limited_proxy_may_not_ask_about_other_partners()
    {
        using var limited = server.Proxy(server.LimitedProxyKey);
        foreach (var (what, body) in ((string, string)[])[
            ("partner facebook", """{"partner":"facebook","subject":{"userId":"u-input"},"data":["ip_address"]}"""),
            ("partner google via facebook", """{"partner":"google","via":"facebook","subject":{"userId":"u-input"},"data":["ip_address"]}"""),
            ("an unknown partner", """{"partner":"acme","subject":{"userId":"u-input"},"data":["ip_address"]}""")])
        {
            using var evaluated = await limited.PostAsync(new Uri(Evaluate, UriKind.Relative), GatewayServer.Json(body));
            await AssertProblemAsync(evaluated, $"limited proxy, /evaluate about {what}", 403, "proxy-not-allowed");

            using var batched = await limited.PostAsync(new Uri(Batch, UriKind.Relative), GatewayServer.Json($$"""{"requests":[{{Valid}},{{body}}]}"""));
            await AssertProblemAsync(batched, $"limited proxy, /evaluate/batch with one item about {what}", 403, "proxy-not-allowed");
        }

        foreach (var (what, partner, via) in ((string, string, string?)[])[("partner facebook", "facebook", null), ("partner google via facebook", "google", "facebook"), ("an unknown partner", "acme", null)])
        {
            using var request = CheckRequest(HttpMethod.Get, Check, ("X-Consent-Partner", partner), ("X-Consent-Via", via), ("X-Consent-User", "u-input"), ("X-Consent-Data", "ip_address"));
            using var response = await limited.SendAsync(request);
            var answer = await CheckAnswer.ReadAsync(response);

            Assert.True(answer.Status == HttpStatusCode.Forbidden, $"limited proxy, /check about {what}: {answer}");
            Assert.Equal("deny", answer.Decision);
            Assert.Equal(["PROXY_NOT_ALLOWED"], answer.Reasons);
        }
    }

    [Fact]
    public async Task The_limited_proxy_is_answered_about_google()
    {
        var userId = await server.CreateAccountAsync("US");
        using var limited = server.Proxy(server.LimitedProxyKey);

        // A US account has the setting enabled by default: once propagated, ip_address may go to google.
        var answer = await EventuallyAsync(
            () => EvaluateAsync(limited, Body("google", null, userId, null, ["ip_address"], null)),
            reply => reply.Value?.Decision == "allow");
        Assert.True(answer.Value?.Decision == "allow", $"limited proxy about google: {answer.Error ?? JsonSerializer.Serialize(answer.Value)}");
        Assert.Equal(["SETTING_ENABLED"], answer.Value!.Reasons);

        var check = await CheckAsync(limited, HttpMethod.Get, Check, "google", userId, null);
        Assert.True(check.Status == HttpStatusCode.OK, $"limited proxy, /check about google: {check}");
        Assert.Equal("allow", check.Decision);
    }

    [Fact]
    public async Task An_unknown_partner_is_a_deny_decision_not_an_error()
    {
        var userId = await server.CreateAccountAsync("US");
        using var proxy = server.Proxy();

        var reply = await EvaluateAsync(proxy, Body("acme-ads", null, userId, null, ["ip_address", "mobile_ad_id"], null));
        Assert.True(reply.Value is not null, reply.Error);
        var answer = reply.Value!;
        Assert.Equal("deny", answer.Decision);
        Assert.Empty(answer.Allowed!);
        Assert.Equal([("ip_address", "UNKNOWN_PARTNER"), ("mobile_ad_id", "UNKNOWN_PARTNER")], answer.Denied!.Select(d => (d.Data, d.Reason)).Order());
        Assert.Equal(["UNKNOWN_PARTNER"], answer.Reasons);
        Assert.Null(answer.Partnership);
        Assert.Equal("2020-04-06", answer.PolicyVersion);

        var check = await CheckAsync(proxy, HttpMethod.Get, Check, "acme-ads", userId, null);
        Assert.True(check.Status == HttpStatusCode.Forbidden, $"/check about an unknown partner: {check}");
        Assert.Equal("deny", check.Decision);
        Assert.Equal(["UNKNOWN_PARTNER"], check.Reasons);
        Assert.Empty(check.AllowedData);
    }

    [Fact]
    public async Task Check_answers_the_same_on_any_method_and_any_path_below_it()
    {
        var userId = await server.CreateAccountAsync("US");
        var unknownDevice = "d-" + Guid.NewGuid().ToString("N");
        using var proxy = server.Proxy();
        var allowed = await EventuallyAsync(
            () => CheckAsync(proxy, HttpMethod.Get, Check, "google", userId, null),
            answer => answer.Status == HttpStatusCode.OK);
        Assert.True(allowed.Status == HttpStatusCode.OK, $"a US account's ip_address to google: {allowed}");

        string[] paths = [Check, Check + "/", Check + "/anything/below", Check + "/egress/google/v1?x=1"];
        string[] methods = ["GET", "POST", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS"];
        var decisionIds = new List<string?>();
        foreach (var (subject, user, device, status, decision, reason) in ((string, string?, string?, HttpStatusCode, string, string)[])[
            ("a US account", userId, null, HttpStatusCode.OK, "allow", "SETTING_ENABLED"),
            ("an unregistered device", null, unknownDevice, HttpStatusCode.Forbidden, "deny", "UNKNOWN_DEVICE")])
        {
            foreach (var path in paths)
            {
                foreach (var method in methods)
                {
                    var answer = await CheckAsync(proxy, new HttpMethod(method), path, "google", user, device, withBody: method is "POST" or "PUT" or "PATCH");
                    var what = $"{method} {path} about {subject}: {answer}";
                    Assert.True(answer.Status == status, what);
                    Assert.True(answer.Decision == decision, what);
                    Assert.True(answer.Reasons.SequenceEqual([reason]), what);
                    Assert.True(answer.AllowedData.SequenceEqual(status == HttpStatusCode.OK ? ["ip_address"] : []), what);
                    Assert.True(answer.PolicyVersion == "2020-04-06", what);
                    Assert.True(answer.Body.Length == 0, what);
                    decisionIds.Add(answer.DecisionId);
                }
            }
        }

        Assert.All(decisionIds, id => Assert.False(string.IsNullOrWhiteSpace(id)));
        Assert.Equal(decisionIds.Count, decisionIds.Distinct().Count());
    }

    [Fact]
    public async Task Check_answers_are_cacheable_privately_for_at_most_the_bound_and_each_decision_has_its_own_id()
    {
        var userId = await server.CreateAccountAsync("US");
        using var proxy = server.Proxy();
        await EventuallyAsync(() => CheckAsync(proxy, HttpMethod.Get, Check, "google", userId, null), answer => answer.Status == HttpStatusCode.OK);

        var answers = new List<CheckAnswer>();
        for (var i = 0; i < 5; i++)
        {
            answers.Add(await CheckAsync(proxy, HttpMethod.Get, Check, "google", userId, null));
            answers.Add(await CheckAsync(proxy, HttpMethod.Get, Check, "facebook", null, "d-" + Guid.NewGuid().ToString("N")));
        }

        foreach (var answer in answers)
        {
            Assert.True(answer.CacheControl is { Private: true, MaxAge: not null }, $"Cache-Control: {answer.CacheControl}");
            Assert.False(answer.CacheControl!.NoStore || answer.CacheControl.Public, $"Cache-Control: {answer.CacheControl}");
            var maxAge = answer.CacheControl.MaxAge!.Value;
            Assert.InRange(maxAge, TimeSpan.Zero, server.StalenessBound);
            Assert.InRange(maxAge, TimeSpan.Zero, EvaluationTableServer.MaxTtl(server));
            // nginx serves up to a second past X-Accel-Expires, so it is told one second less.
            Assert.Equal(Math.Max((int)maxAge.TotalSeconds - 1, 0).ToString(CultureInfo.InvariantCulture), answer.AccelExpires);
        }

        Assert.Equal(answers.Count, answers.Select(a => a.DecisionId).Distinct().Count());
    }

    [Fact]
    public async Task Evaluate_answers_carry_a_fresh_decision_id_and_a_ttl_within_the_bound()
    {
        var userId = await server.CreateAccountAsync("US");
        using var proxy = server.Proxy();
        await EventuallyAsync(() => EvaluateAsync(proxy, Body("google", null, userId, null, ["ip_address"], null)), reply => reply.Value?.Decision == "allow");

        var answers = new List<EvaluationAnswer>();
        for (var i = 0; i < 5; i++)
        {
            var reply = await EvaluateAsync(proxy, Body("google", null, userId, null, ["ip_address"], null));
            Assert.True(reply.Value is not null, reply.Error);
            answers.Add(reply.Value!);
        }

        Assert.All(answers, a => Assert.InRange(a.TtlSeconds!.Value, 0, EvaluationTableServer.MaxTtl(server).TotalSeconds));
        Assert.All(answers, a => Assert.False(string.IsNullOrWhiteSpace(a.DecisionId)));
        Assert.Equal(answers.Count, answers.Select(a => a.DecisionId).Distinct().Count());
    }

    [Fact]
    public async Task Allowed_and_denied_come_in_the_canonical_order_and_reasons_in_one_order_whatever_the_order_asked()
    {
        var userId = await server.CreateAccountAsync("US");
        using var proxy = server.Proxy();
        string[] data = ["email", "ip_address", "browser_id", "mobile_ad_id", "name", "ad_interactions"];
        var first = await EventuallyAsync(() => EvaluateAsync(proxy, Body("google", null, userId, null, data, null)), reply => reply.Value?.Decision == "partial");
        Assert.True(first.Value?.Decision == "partial", first.Error ?? JsonSerializer.Serialize(first.Value));

        foreach (var order in (string[][])[[.. data.Reverse()], [.. data.Order(StringComparer.Ordinal)], [.. data.Skip(3), .. data.Take(3)]])
        {
            var reply = await EvaluateAsync(proxy, Body("google", null, userId, null, order, null));
            Assert.True(reply.Value is not null, reply.Error);
            Assert.Equal(first.Value!.Allowed, reply.Value!.Allowed);
            Assert.Equal(first.Value.Denied, reply.Value.Denied);
            Assert.Equal(first.Value.Reasons, reply.Value.Reasons);
        }

        // The canonical order of the shipped policy (docs/policy.md): partnership data in order of
        // first appearance, then the never-shared list.
        Assert.Equal(["ip_address", "mobile_ad_id"], first.Value!.Allowed);
        Assert.Equal(
            [("ad_interactions", "DATA_NOT_IN_PARTNERSHIP"), ("browser_id", "DATA_NOT_IN_PARTNERSHIP"), ("name", "NEVER_SHARED_DATA"), ("email", "NEVER_SHARED_DATA")],
            first.Value.Denied!.Select(d => (d.Data, d.Reason)));
    }

    private static StringContent RawContent(string? contentType, string body)
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = null;
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        return content;
    }

    private static string BatchOf(int count) =>
        new JsonObject
        {
            ["requests"] = new JsonArray([.. Enumerable.Range(0, count).Select(i =>
            {
                var item = EvaluationApi.Body("google", null, null, $"d-batch-{i}", ["ip_address"], "US");
                item["id"] = $"r{i}";
                return (JsonNode)item;
            })]),
        }.ToJsonString();

    private static async Task<int> PostAsync(GatewayServer server, string path, string json)
    {
        using var proxy = server.Proxy();
        using var response = await proxy.PostAsync(new Uri(path, UriKind.Relative), GatewayServer.Json(json));
        return (int)response.StatusCode;
    }

    private static async Task<ProblemBody> AssertProblemAsync(HttpResponseMessage response, string what, int status, string? code)
    {
        Assert.True((int)response.StatusCode == status, $"{what}: expected {status}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var problem = await ReadProblemAsync(response, what);
        if (code is not null)
        {
            Assert.True(code == problem.Code, $"{what}: expected code {code}, got {problem.Code}");
        }

        return problem;
    }

    private static async Task<CheckAnswer> CheckAsync(HttpClient proxy, HttpMethod method, string path, string partner, string? userId, string? deviceAdId, bool withBody = false)
    {
        using var request = CheckRequest(method, path, ("X-Consent-Partner", partner), ("X-Consent-User", userId), ("X-Consent-Device", deviceAdId), ("X-Consent-Data", "ip_address"));
        if (withBody)
        {
            request.Content = new StringContent("""{"the":"proxied request's own body"}""", Encoding.UTF8, "application/json");
        }

        using var response = await proxy.SendAsync(request);
        return await CheckAnswer.ReadAsync(response);
    }

    // Propagation is asynchronous: asks again until the answer is the awaited one or the deadline passes.
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> ask, Func<T, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var answer = await ask();
            if (done(answer) || clock.Elapsed > Deadline)
            {
                return answer;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }
}
