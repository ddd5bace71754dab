using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Messaging.ServiceBus;
using ConsentGateway.Contracts;
using ConsentGateway.Core;
using ConsentGateway.Core.Changes;
using ConsentGateway.Http;
using ConsentGateway.Infrastructure.ServiceBus;
using ConsentGateway.Testing;
using ConsentGateway.Testing.Propagation;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ConsentGateway.Functions.Tests;

/// <summary>
/// The function classes called directly, as the worker would, with the app's real services over
/// a real Azurite: the triggers are thin, so this checks the wiring and the result adaptation.
/// </summary>
public sealed class AccountFunctionsTests : IAsyncLifetime
{
    private const string Issuer = "functions-tests";
    private const string Audience = "consent-gateway";
    private const string ProxyKey = "functions-proxy-key";
    private static readonly string SigningKey = new('f', 40);

    private readonly AzuriteServer _azurite = new();
    private ServiceProvider _services = null!;
    private AccountFunctions _functions = null!;
    private EvaluationFunctions _evaluations = null!;

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Consent:Storage:ConnectionString"] = _azurite.ConnectionString,
            ["Consent:Storage:AccountsTable"] = AzuriteServer.UniqueTableName("accounts"),
            ["Consent:Storage:DevicesTable"] = AzuriteServer.UniqueTableName("devices"),
            ["Consent:Auth:Issuer"] = Issuer,
            ["Consent:Auth:Audience"] = Audience,
            ["Consent:Auth:SigningKey"] = SigningKey,
            ["Consent:Proxies:fn-proxy:KeySha256"] = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(ProxyKey))),
            ["Consent:Proxies:fn-proxy:Partners"] = "*",

            // These tests route requests through the functions; a read of a loaded Azurite slower
            // than the 100 ms default must not turn an answer into STORE_UNAVAILABLE here.
            ["Consent:Evaluation:StoreTimeout"] = "00:00:02",
            [ServiceBusSettings.Connection] = "Endpoint=sb://functions-tests.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=" + SigningKey,
            [ServiceBusSettings.TopicName] = "consent-changes",
            [ServiceBusSettings.SubscriptionName] = "projector",
        }).Build();

        // Program.cs's registrations, plus what the Functions host itself would add.
        _services = new ServiceCollection()
            .AddLogging()
            .AddMetrics()
            // Service Bus as the functions see it: a recording sender, registered first so AddConsentFunctions keeps it.
            .AddSingleton<ServiceBusSender>(_ => new RecordingServiceBusSender())
            .AddConsentFunctions(configuration)
            .BuildServiceProvider(validateScopes: true);
        foreach (var hosted in _services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        _functions = new AccountFunctions(_services.GetRequiredService<AccountEndpoints>());
        _evaluations = new EvaluationFunctions(_services.GetRequiredService<EvaluationEndpoints>(), _services.GetRequiredService<PolicyEndpoints>());
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task An_account_is_registered_and_its_setting_changed_through_the_functions()
    {
        var service = Token("svc", Scopes.Accounts);
        var created = await InvokeAsync(c => _functions.PutAccount(c.Request, "fn-user"), "PUT", service, """{"country":"SE","signedUpAt":"2022-01-01T00:00:00Z"}""");
        Assert.Equal(HttpStatusCode.Created, created.Status);

        var user = Token("fn-user", Scopes.User);
        var read = await InvokeAsync(c => _functions.GetPartnerSharing(c.Request, "fn-user"), "GET", user);
        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.False(read.Json.GetProperty("enabled").GetBoolean());
        Assert.Equal("\"0\"", read.ETag);

        var changed = await InvokeAsync(c => _functions.PutPartnerSharing(c.Request, "fn-user"), "PUT", user, """{"enabled":true}""", ifMatch: "\"0\"");
        Assert.Equal(HttpStatusCode.OK, changed.Status);
        Assert.Equal(1, changed.Json.GetProperty("version").GetInt64());

        var stale = await InvokeAsync(c => _functions.PutPartnerSharing(c.Request, "fn-user"), "PUT", user, """{"enabled":false}""", ifMatch: "\"0\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.Status);
        Assert.Equal("version-mismatch", stale.Json.GetProperty("code").GetString());

        var history = await InvokeAsync(c => _functions.GetPartnerSharingHistory(c.Request, "fn-user"), "GET", user);
        Assert.Equal(1, history.Json.GetProperty("changes").GetArrayLength());

        // Each accepted change was announced on Service Bus; the refused one was not.
        var serviceBus = (RecordingServiceBusSender)_services.GetRequiredService<ServiceBusSender>();
        var pseudonyms = _services.GetRequiredService<SubjectPseudonyms>();
        Assert.Equal(
            [new ChangeNotice(ChangeKind.Account, "fn-user", 1, default, "any").MessageId(pseudonyms), new ChangeNotice(ChangeKind.Setting, "fn-user", 1, default, "any").MessageId(pseudonyms)],
            serviceBus.Sent.Select(m => m.MessageId));
    }

    [Fact]
    public async Task Effects_and_the_export_are_answered_through_the_functions()
    {
        var service = Token("svc", Scopes.Accounts);
        await InvokeAsync(c => _functions.PutAccount(c.Request, "fn-reader"), "PUT", service, """{"country":"DE","signedUpAt":"2022-01-01T00:00:00Z"}""");
        var user = Token("fn-reader", Scopes.User);
        var changed = await InvokeAsync(c => _functions.PutPartnerSharing(c.Request, "fn-reader"), "PUT", user, """{"enabled":true,"noticeVersion":"2020-04-06"}""");
        var receipt = changed.Json.GetProperty("receiptId").GetString();

        var effects = await InvokeAsync(c => _functions.GetPartnerSharingEffects(c.Request, "fn-reader"), "GET", user);
        var export = await InvokeAsync(c => _functions.ExportAccount(c.Request, "fn-reader"), "GET", user);
        var otherUser = await InvokeAsync(c => _functions.ExportAccount(c.Request, "fn-reader"), "GET", Token("someone-else", Scopes.User));

        Assert.Equal(HttpStatusCode.OK, effects.Status);
        Assert.Equal(("EEA_UK", 1L), (effects.Json.GetProperty("region").GetString(), effects.Json.GetProperty("setting").GetProperty("version").GetInt64()));

        // Nothing projects here (Service Bus is a recorder): decisions do not know the account, and the effects say so.
        Assert.False(effects.Json.GetProperty("setting").GetProperty("inEffect").GetBoolean());
        Assert.All(effects.Json.GetProperty("partnerships").EnumerateArray(), p => Assert.Equal("UNKNOWN_ACCOUNT", p.GetProperty("reason").GetString()));

        Assert.Equal(HttpStatusCode.OK, export.Status);
        Assert.Equal("attachment; filename=\"consent-export.json\"", export.Headers.ContentDisposition.ToString());
        Assert.Equal(receipt, Assert.Single(export.Json.GetProperty("history").EnumerateArray().ToList()).GetProperty("receiptId").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, otherUser.Status);
    }

    [Fact]
    public async Task Devices_are_registered_and_linked_through_the_functions()
    {
        var service = Token("svc", Scopes.Accounts);
        await InvokeAsync(c => _functions.PutAccount(c.Request, "fn-owner"), "PUT", service, """{"country":"US","signedUpAt":"2022-01-01T00:00:00Z"}""");

        var registered = await InvokeAsync(c => _functions.PutDevice(c.Request, "fn-device"), "PUT", service);
        var linked = await InvokeAsync(c => _functions.PutDeviceLink(c.Request, "fn-device", "fn-owner"), "PUT", Token("fn-owner", Scopes.User));
        var deleted = await InvokeAsync(c => _functions.DeleteAccount(c.Request, "fn-owner"), "DELETE", service);

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.NoContent], [registered.Status, linked.Status, deleted.Status]);

        // Each write answers its consistency token: in the body, or in a header where there is none.
        var tokens = _services.GetRequiredService<ConsistencyTokens>();
        SubjectVersion? Demand(string? token, SubjectKind kind, string id) => tokens.Parse(token).Value?.DemandFor(kind, id);
        Assert.Equal(SubjectVersion.OfDevice(0), Demand(registered.Json.GetProperty("consistencyToken").GetString(), SubjectKind.Device, "fn-device"));
        Assert.Equal(SubjectVersion.OfDevice(1), Demand(linked.Json.GetProperty("consistencyToken").GetString(), SubjectKind.Device, "fn-device"));
        Assert.Equal(new SubjectVersion(2, 0), Demand(deleted.Headers[ConsentHeaders.ConsistencyToken], SubjectKind.Account, "fn-owner"));
    }

    [Fact]
    public async Task A_write_s_token_is_taken_back_by_the_evaluation_functions_and_a_bad_one_is_a_400()
    {
        var created = await InvokeAsync(c => _functions.PutAccount(c.Request, "fn-fresh"), "PUT", Token("svc", Scopes.Accounts), """{"country":"SE","signedUpAt":"2022-01-01T00:00:00Z"}""");
        var token = created.Json.GetProperty("consistencyToken").GetString()!;

        Task<Answer> EvaluateAsync(string withToken) =>
            InvokeAsync(c => _evaluations.Evaluate(c.Request), "POST", token: null, $$$"""{"partner":"google","subject":{"userId":"fn-fresh"},"data":["ip_address"],"consistency":{"atLeastAsFresh":"{{{withToken}}}"}}""", proxyKey: ProxyKey);
        Task<Answer> CheckAsync(string withToken) =>
            InvokeAsync(c => _evaluations.Check(c.Request), "GET", token: null, proxyKey: ProxyKey, headers: new()
            {
                ["X-Consent-Partner"] = "google",
                ["X-Consent-User"] = "fn-fresh",
                ["X-Consent-Data"] = "ip_address",
                [ConsentHeaders.AtLeastAsFresh] = withToken,
            });

        Assert.Equal(HttpStatusCode.OK, (await EvaluateAsync(token)).Status);
        Assert.NotEqual(HttpStatusCode.BadRequest, (await CheckAsync(token)).Status);
        Assert.Equal("malformed-consistency-token", (await EvaluateAsync(token[..^2])).Json.GetProperty("code").GetString());
        Assert.Equal("malformed-consistency-token", (await CheckAsync("ct1.x")).Json.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_store_that_is_gone_is_a_503_store_unavailable_with_retry_after_never_a_500()
    {
        await InvokeAsync(c => _functions.PutAccount(c.Request, "fn-outage"), "PUT", Token("svc", Scopes.Accounts), """{"country":"SE","signedUpAt":"2022-01-01T00:00:00Z"}""");
        await _azurite.DisposeAsync();

        var user = Token("fn-outage", Scopes.User);
        var changed = await InvokeAsync(c => _functions.PutPartnerSharing(c.Request, "fn-outage"), "PUT", user, """{"enabled":true}""");
        var read = await InvokeAsync(c => _functions.GetPartnerSharing(c.Request, "fn-outage"), "GET", user);

        Assert.All([changed, read], answer => Assert.Equal(
            (HttpStatusCode.ServiceUnavailable, "application/problem+json", "store-unavailable", "1"),
            (answer.Status, answer.ContentType, answer.Json.GetProperty("code").GetString(), answer.Headers.RetryAfter.ToString())));
    }

    [Fact]
    public async Task A_call_without_a_token_is_a_401_problem()
    {
        var response = await InvokeAsync(c => _functions.GetPartnerSharing(c.Request, "anyone"), "GET", token: null);
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Equal("unauthorized", response.Json.GetProperty("code").GetString());
        Assert.Equal("Bearer", response.Headers.WWWAuthenticate.ToString());
    }

    [Fact]
    public async Task Proxies_are_answered_through_the_functions()
    {
        // Nothing projects in this test: the account is unknown to the decision projection.
        var question = """{"partner":"google","subject":{"userId":"fn-nobody"},"data":["ip_address"]}""";
        var evaluated = await InvokeAsync(c => _evaluations.Evaluate(c.Request), "POST", token: null, question, proxyKey: ProxyKey);
        var batch = await InvokeAsync(c => _evaluations.EvaluateBatch(c.Request), "POST", token: null, $$"""{"requests":[{{question}}]}""", proxyKey: ProxyKey);
        var check = await InvokeAsync(c => _evaluations.Check(c.Request), "HEAD", token: null, proxyKey: ProxyKey, headers: new()
        {
            ["X-Consent-Partner"] = "google",
            ["X-Consent-User"] = "fn-nobody",
            ["X-Consent-Data"] = "ip_address",
        });
        var unauthenticated = await InvokeAsync(c => _evaluations.Evaluate(c.Request), "POST", token: null, question, proxyKey: "not-a-proxy-key");

        Assert.Equal((HttpStatusCode.OK, "deny", "UNKNOWN_ACCOUNT"), (evaluated.Status, evaluated.Json.GetProperty("decision").GetString(), evaluated.Json.GetProperty("reasons")[0].GetString()));
        Assert.Equal("UNKNOWN_ACCOUNT", batch.Json.GetProperty("results")[0].GetProperty("denied")[0].GetProperty("reason").GetString());
        Assert.Equal((HttpStatusCode.Forbidden, "deny", "UNKNOWN_ACCOUNT"), (check.Status, check.Headers["X-Consent-Decision"].ToString(), check.Headers["X-Consent-Reason"].ToString()));
        Assert.Equal((HttpStatusCode.Unauthorized, "proxy-unauthorized", "X-Consent-Key"), (unauthenticated.Status, unauthenticated.Json.GetProperty("code").GetString(), unauthenticated.Headers.WWWAuthenticate.ToString()));
    }

    private static string Token(string subject, string scope) =>
        DevTokens.Create(new AuthOptions { Issuer = Issuer, Audience = Audience, SigningKey = SigningKey }, subject, [scope], TimeSpan.FromMinutes(5));

    // Builds the HttpContext the ASP.NET Core integration would pass, invokes the function, and
    // executes its IActionResult as the integration's middleware does.
    private async Task<Answer> InvokeAsync(
        Func<HttpContext, Task<IActionResult>> function, string method, string? token, string? body = null, string? ifMatch = null, string? proxyKey = null, Dictionary<string, string>? headers = null)
    {
        await using var scope = _services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Method = method;
        if (token is not null)
        {
            context.Request.Headers.Authorization = "Bearer " + token;
        }

        if (body is not null)
        {
            context.Request.ContentType = "application/json";
            context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        }

        if (ifMatch is not null)
        {
            context.Request.Headers.IfMatch = ifMatch;
        }

        if (proxyKey is not null)
        {
            context.Request.Headers["X-Consent-Key"] = proxyKey;
        }

        foreach (var (name, value) in headers ?? [])
        {
            context.Request.Headers[name] = value;
        }

        using var responseBody = new MemoryStream();
        context.Response.Body = responseBody;

        var result = await function(context);
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));

        var text = Encoding.UTF8.GetString(responseBody.ToArray());
        return new Answer(
            (HttpStatusCode)context.Response.StatusCode,
            context.Response.ContentType?.Split(';')[0],
            context.Response.Headers.ETag.ToString(),
            text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone(),
            context.Response.Headers);
    }

    private sealed record Answer(HttpStatusCode Status, string? ContentType, string ETag, JsonElement Json, IHeaderDictionary Headers);
}
