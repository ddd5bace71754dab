using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace ConsentGateway.Bicep.Tests;

/// <summary>
/// The <c>proxies</c> parameter becomes <c>Consent__Proxies__&lt;name&gt;__KeySha256</c> and
/// <c>Consent__Proxies__&lt;name&gt;__Partners__&lt;i&gt;</c>, as the ARM engine evaluates the
/// template (<c>bicep snapshot</c>); a proxy the app or App Service would refuse fails the deployment.
/// </summary>
public sealed class ProxySettingsTests
{
    private static readonly string NginxHash = Sha256Hex("example-nginx-proxy-key");
    private static readonly string EnvoyHash = Sha256Hex("example-envoy-proxy-key").ToUpperInvariant();

    [Fact]
    public void The_proxies_parameter_is_an_array_that_defaults_to_no_proxy()
    {
        var parameter = CompiledTemplate.Json["parameters"]?["proxies"];

        Assert.NotNull(parameter);
        Assert.Equal("array", parameter["type"]?.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(new JsonArray(), parameter["defaultValue"]), $"proxies defaults to {parameter["defaultValue"]?.ToJsonString()}.");
        Assert.Contains("SHA-256", parameter["metadata"]?["description"]?.GetValue<string>() ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public void Each_proxy_becomes_its_key_hash_and_one_indexed_setting_per_partner()
    {
        var evaluated = Bicep.Snapshot($$"""
            param proxies = [
              { name: 'nginx_egress', keySha256: '{{NginxHash}}', partners: ['google', 'facebook'] }
              { name: 'envoy', keySha256: '{{EnvoyHash}}', partners: ['*'] }
            ]
            """).AppSettings();

        var proxySettings = evaluated.Where(s => s.Name.StartsWith("Consent__Proxies__", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Equal(
            [
                ("Consent__Proxies__nginx_egress__KeySha256", NginxHash),
                ("Consent__Proxies__nginx_egress__Partners__0", "google"),
                ("Consent__Proxies__nginx_egress__Partners__1", "facebook"),
                ("Consent__Proxies__envoy__KeySha256", EnvoyHash),
                ("Consent__Proxies__envoy__Partners__0", "*"),
            ],
            proxySettings);

        // The proxies add settings and change none of the others.
        Assert.Equal(Bicep.Snapshot().AppSettings(), evaluated.Except(proxySettings));
    }

    [Theory]
    [InlineData("[{ name: 'nginx-egress', keySha256: 'HASH', partners: ['google'] }]", "use letters, digits and underscores only")]
    [InlineData("[{ name: 'nginx.egress', keySha256: 'HASH', partners: ['google'] }]", "use letters, digits and underscores only")]
    [InlineData("[{ name: '', keySha256: 'HASH', partners: ['google'] }]", "use letters, digits and underscores only")]
    [InlineData("[{ name: 'nginx', keySha256: 'example-raw-proxy-key', partners: ['google'] }]", "keySha256 must be the hex SHA-256")]
    [InlineData("[{ name: 'nginx', keySha256: 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz', partners: ['google'] }]", "keySha256 must be the hex SHA-256")]
    [InlineData("[{ name: 'nginx', keySha256: 'HASH', partners: [] }]", "partners must list the partner ids")]
    [InlineData("[{ name: 'nginx', keySha256: 'HASH', partners: ['google'] }, { name: 'NGINX', keySha256: 'HASH', partners: ['*'] }]", "Proxy names must be unique")]
    public void A_proxy_the_app_or_app_service_would_refuse_fails_the_deployment(string proxies, string message)
    {
        var snapshot = Bicep.Snapshot($"param proxies = {proxies.Replace("HASH", NginxHash, StringComparison.Ordinal)}");
        var printed = snapshot.Result.StandardError + snapshot.Result.StandardOutput;

        Assert.True(snapshot.Result.ExitCode != 0, $"The template evaluated with proxies {proxies}:\n{snapshot.Result}");
        Assert.Contains(message, printed, StringComparison.Ordinal);
        // A key given where its hash belongs is not repeated in the error.
        Assert.DoesNotContain("example-raw-proxy-key", printed, StringComparison.Ordinal);
    }

    private static string Sha256Hex(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
