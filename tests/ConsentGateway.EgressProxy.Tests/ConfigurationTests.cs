using System.Text.Json;
using ConsentGateway.Client;
using ConsentGateway.Contracts;
using ConsentGateway.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ConsentGateway.EgressProxy.Tests;

/// <summary>A bad rule stops the proxy before it listens, with a message naming the setting.</summary>
public sealed class ConfigurationTests
{
    private static readonly Uri Partner = new("http://127.0.0.1:9/");

    [Fact]
    public async Task The_test_configuration_itself_starts()
    {
        await using var app = EgressProxyServer.Build([.. ProxyUnderTest.Arguments(Partner)], WithFakeGateway);
        await app.StartAsync();
        await app.StopAsync();
    }

    public static TheoryData<string[], string> BadSettings => new()
    {
        { ["--ConsentProxy:Routes:google:Partner", ""], "ConsentProxy:Routes:google:Partner is required" },
        { ["--ConsentProxy:Routes:google:Partner", "goo gle"], "ConsentProxy:Routes:google:Partner is required" },
        { ["--ConsentProxy:Routes:lenient:Via", "not a partner"], "ConsentProxy:Routes:lenient:Via" },
        { ["--ConsentProxy:Routes:google:UserId:JsonPath", "$.userId"], "ConsentProxy:Routes:google:UserId needs exactly one of Header and JsonPath" },
        { ["--ConsentProxy:Routes:google:UserId:Header", "X User"], "ConsentProxy:Routes:google:UserId:Header 'X User' is not a header name" },
        { ["--ConsentProxy:Routes:google:UserId:Header", "X-Consent-User"], "ConsentProxy:Routes:google:UserId:Header may not start with X-Consent-" },
        { ["--ConsentProxy:Routes:google:DeviceAdId:JsonPath", "$.devices[*].adId"], "ConsentProxy:Routes:google:DeviceAdId:JsonPath" },
        { ["--ConsentProxy:Routes:google:Country:JsonPath", "country"], "ConsentProxy:Routes:google:Country:JsonPath" },
        { ["--ConsentProxy:Routes:google:Fields:0:Path", "ip"], "ConsentProxy:Routes:google:Fields:0:Path" },
        { ["--ConsentProxy:Routes:google:Fields:0:Data", ""], "ConsentProxy:Routes:google:Fields:0:Data is required" },
        { ["--ConsentProxy:Routes:google:Fields:1:Path", "$.ip"], "ConsentProxy:Routes:google:Fields:1:Path: $.ip is classified twice" },
        { ["--ConsentProxy:Routes:google:PassThrough:0", "$.user.email"], "ConsentProxy:Routes:google:PassThrough:0: $.user.email is classified twice" },
        { ["--ConsentProxy:Routes:google:ForwardHeaders:2", "X Api Key"], "ConsentProxy:Routes:google:ForwardHeaders:2 'X Api Key' is not a header name" },
        { ["--ConsentProxy:Routes:lenient:ForwardHeaders:0", "X-Consent-Key"], "ConsentProxy:Routes:lenient:ForwardHeaders:0 'X-Consent-Key': the only X-Consent- header a partner may get is X-Consent-Decision-Id" },
        { ["--ConsentProxy:MaxBodyBytes", "0"], "ConsentProxy:MaxBodyBytes must be between" },
        { ["--ConsentProxy:ConsistencyTokenHeader", "X Read After"], "ConsentProxy:ConsistencyTokenHeader must be a header name" },
        { ["--ConsentGateway:ProxyKey", ""], "ConsentGatewayClientOptions.ProxyKey is required" },
        { ["--ConsentGateway:BaseAddress", "consent-gateway.internal"], "ConsentGatewayClientOptions.BaseAddress must be an absolute http or https address" },
        { ["--ReverseProxy:Routes:unruled:ClusterId", "partner", "--ReverseProxy:Routes:unruled:Match:Path", "/x/{**rest}"], "ReverseProxy:Routes:unruled has no consent rule" },
        { ["--ConsentProxy:Routes:orphan:Partner", "google", "--ConsentProxy:Routes:orphan:UserId:Header", "X-U", "--ConsentProxy:Routes:orphan:Fields:0:Path", "$.ip", "--ConsentProxy:Routes:orphan:Fields:0:Data", "ip_address"], "ConsentProxy:Routes:orphan names no route of ReverseProxy:Routes" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void A_bad_setting_stops_the_proxy_naming_it(string[] overrides, string expected)
    {
        var error = Assert.Throws<OptionsValidationException>(() => EgressProxyServer.Build([.. ProxyUnderTest.Arguments(Partner), .. overrides]));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rule_needs_a_subject_source_and_a_field()
    {
        var failures = new List<string>();

        Assert.Null(ConsentRoute.Compile("bare", new ConsentRouteOptions { Partner = "google" }, failures));

        Assert.Equal(
        [
            "ConsentProxy:Routes:bare needs UserId, DeviceAdId or both: where the subject's ids are.",
            "ConsentProxy:Routes:bare:Fields names no field: which body fields carry which data items.",
        ], failures);
    }

    [Fact]
    public void A_proxy_without_routes_does_not_start()
    {
        var error = Assert.Throws<OptionsValidationException>(() => EgressProxyServer.Build(
            ["--urls", "http://127.0.0.1:0", "--ConsentGateway:BaseAddress", "http://127.0.0.1:9/", "--ConsentGateway:ProxyKey", "k"]));

        Assert.Contains("ReverseProxy:Routes names no route", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_shipped_example_configuration_starts_and_the_command_line_overrides_it()
    {
        string[] example = ["--config", ExampleConfiguration, "--urls", "http://127.0.0.1:0", "--ConsentGateway:ProxyKey", "k"];
        await using (var app = EgressProxyServer.Build(example, services => services.AddSingleton<IConsentGatewayClient>(ShippedPolicyGateway())))
        {
            await app.StartAsync();
            await app.StopAsync();
        }

        var error = Assert.Throws<OptionsValidationException>(() => EgressProxyServer.Build([.. example, "--ConsentProxy:Routes:google-events:Partner", ""]));
        Assert.Contains("ConsentProxy:Routes:google-events:Partner is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_configuration_file_that_does_not_exist_stops_the_proxy() =>
        Assert.Throws<FileNotFoundException>(() => EgressProxyServer.Build(["--config", Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".json")]));

    // The gateway a started proxy reads its policy from (the default fake knows every name of the test routes).
    private static void WithFakeGateway(IServiceCollection services) => services.AddSingleton<IConsentGatewayClient>(new FakeConsentGateway());

    // A gateway on the shipped policy document: the example must start against the quick start's gateway.
    private static FakeConsentGateway ShippedPolicyGateway()
    {
        var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "src", "ConsentGateway.Core", "Policy", "default-policy.json"))).RootElement;
        return new FakeConsentGateway { Policy = () => new PolicyResponse(document.GetProperty("policyVersion").GetString()!, document) };
    }

    private static string ExampleConfiguration => Path.Combine(Repository.Root, "deploy", "egress-proxy", "egress-proxy.example.json");
}
