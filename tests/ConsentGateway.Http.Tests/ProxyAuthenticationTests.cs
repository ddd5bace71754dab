using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace ConsentGateway.Http.Tests;

/// <summary><c>Consent:Proxies</c>: who may ask, about which partners, and how a bad configuration stops the start.</summary>
public class ProxyAuthenticationTests
{
    [Fact]
    public void A_proxy_is_known_by_its_key_and_serves_its_partners()
    {
        var proxies = Authenticator(new()
        {
            ["Consent:Proxies:ads:KeySha256"] = Sha256Hex("ads-key"),
            ["Consent:Proxies:ads:Partners:0"] = "google",
            ["Consent:Proxies:ads:Partners:1"] = "facebook",
            ["Consent:Proxies:all:KeySha256"] = Sha256Hex("all-key").ToUpperInvariant(),
            ["Consent:Proxies:all:Partners"] = "*",
        });

        var ads = proxies.Authenticate(new StringValues("ads-key"));
        var all = proxies.Authenticate(new StringValues("all-key"));

        Assert.Equal(("ads", true, true, false), (ads?.Name, ads?.MayAskAbout("google"), ads?.MayAskAbout("facebook"), ads?.MayAskAbout("adv-one")));
        Assert.Equal(("all", true, true), (all?.Name, all?.MayAskAbout("google"), all?.MayAskAbout("anyone-at-all")));
    }

    public static TheoryData<string[]> UnknownKeys() => new(
        [],
        [""],
        ["wrong-key"],
        ["ads-key "],
        ["ads-key", "ads-key"]);

    [Theory]
    [MemberData(nameof(UnknownKeys))]
    public void A_missing_wrong_or_repeated_key_authenticates_nobody(string[] presented)
    {
        var proxies = Authenticator(new()
        {
            ["Consent:Proxies:ads:KeySha256"] = Sha256Hex("ads-key"),
            ["Consent:Proxies:ads:Partners:0"] = "google",
        });

        Assert.Null(proxies.Authenticate(new StringValues(presented)));
    }

    [Fact]
    public void A_very_long_key_is_refused_without_hashing_it()
    {
        var longKey = new string('k', 10_000);
        var proxies = Authenticator(new()
        {
            ["Consent:Proxies:long:KeySha256"] = Sha256Hex(longKey),
            ["Consent:Proxies:long:Partners:0"] = "google",
        });

        Assert.Null(proxies.Authenticate(new StringValues(longKey)));
    }

    [Theory]
    [InlineData("Consent:Proxies:p:KeySha256", "abc", "Consent:Proxies:p:KeySha256")]
    [InlineData("Consent:Proxies:p:KeySha256", "the-plain-key-instead-of-its-hash-is-a-mistake-the-start-catches", "Consent:Proxies:p:KeySha256")]
    [InlineData("Consent:Proxies:p:Partners:0", "no-such-partner", "Consent:Proxies:p:Partners")]
    [InlineData("Consent:Proxies:p:Partners:1", "*", "Consent:Proxies:p:Partners")]
    public void A_bad_proxy_configuration_fails_at_start_naming_the_setting(string key, string value, string named)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Consent:Proxies:p:KeySha256"] = Sha256Hex("p-key"),
            ["Consent:Proxies:p:Partners:0"] = "google",
            [key] = value,
        };

        var failure = Assert.Throws<OptionsValidationException>(() => Authenticator(settings));

        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_proxy_without_partners_fails_at_start()
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Authenticator(new() { ["Consent:Proxies:p:KeySha256"] = Sha256Hex("p-key") }));

        Assert.Contains("Consent:Proxies:p:Partners", failure.Message, StringComparison.Ordinal);
    }

    private static ProxyAuthenticator Authenticator(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddMetrics()
            .AddConsentCore(configuration)
            .AddConsentHttp(configuration)
            .BuildServiceProvider();
        return services.GetRequiredService<ProxyAuthenticator>();
    }

    private static string Sha256Hex(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
