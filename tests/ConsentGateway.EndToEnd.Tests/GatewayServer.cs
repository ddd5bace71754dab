using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using ConsentGateway.Contracts;
using ConsentGateway.Http;
using ConsentGateway.Server;
using ConsentGateway.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace ConsentGateway.EndToEnd.Tests;

/// <summary>
/// The self-hosted server on real Kestrel (a free loopback port) over a real Azurite, with its
/// own tables and a random development signing key. Shared by the tests of one class.
/// </summary>
public class GatewayServer : IAsyncLifetime
{
    public const string Issuer = "consent-gateway-tests";
    public const string Audience = "consent-gateway";

    private readonly AzuriteServer _azurite;
    private readonly bool _ownsAzurite;
    private WebApplication? _app;

    public GatewayServer()
        : this(new AzuriteServer(), ownsAzurite: true)
    {
    }

    /// <summary>A server on another server's Azurite and tables (a second instance, or a restart).</summary>
    protected GatewayServer(AzuriteServer azurite, bool ownsAzurite)
    {
        _azurite = azurite;
        _ownsAzurite = ownsAzurite;
    }

    public string SigningKey { get; init; } = Convert.ToBase64String(Guid.NewGuid().ToByteArray()) + Convert.ToBase64String(Guid.NewGuid().ToByteArray());

    public string AccountsTable { get; init; } = AzuriteServer.UniqueTableName("accounts");

    public string DevicesTable { get; init; } = AzuriteServer.UniqueTableName("devices");

    public string IntentsTable { get; init; } = AzuriteServer.UniqueTableName("intents");

    public string ProjectionsTable { get; init; } = AzuriteServer.UniqueTableName("projections");

    /// <summary>The staleness bound the server runs with: the self-host's default.</summary>
    public TimeSpan StalenessBound { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A policy document to run with instead of the shipped one (<c>Consent:PolicyPath</c>).</summary>
    public string? PolicyPath { get; init; }

    /// <summary>The key of proxy <c>tests</c>, which may ask about every partner (<c>*</c>).</summary>
    public string ProxyKey { get; init; } = "proxy-" + Guid.NewGuid().ToString("N");

    /// <summary>The key of proxy <c>limited</c>, which may ask about <see cref="LimitedProxyPartner"/> only.</summary>
    public string LimitedProxyKey { get; init; } = "limited-" + Guid.NewGuid().ToString("N");

    public const string LimitedProxyPartner = "google";

    /// <summary>Turns the Azurite connection string into the one the server uses (e.g. through a <see cref="TcpForwarder"/>).</summary>
    public Func<string, string>? RouteStorage { get; init; }

    /// <summary>Replaces registrations of the server (fault injection).</summary>
    public Action<IServiceCollection>? OverrideServices { get; init; }

    public IServiceProvider Services => _app!.Services;

    public Uri BaseAddress { get; private set; } = null!;

    public AzuriteServer Azurite => _azurite;

    public async Task InitializeAsync()
    {
        if (_ownsAzurite)
        {
            await _azurite.InitializeAsync();
        }

        _app = ConsentServer.Build(
        [
            "--urls", "http://127.0.0.1:0",
            "--environment", "Testing",
            "--Consent:Storage:ConnectionString", RouteStorage?.Invoke(_azurite.ConnectionString) ?? _azurite.ConnectionString,
            "--Consent:Storage:AccountsTable", AccountsTable,
            "--Consent:Storage:DevicesTable", DevicesTable,
            "--Consent:Storage:IntentsTable", IntentsTable,
            "--Consent:Storage:ProjectionsTable", ProjectionsTable,
            "--Consent:Propagation:StalenessBound", StalenessBound.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            "--Consent:Auth:Issuer", Issuer,
            "--Consent:Auth:Audience", Audience,
            "--Consent:Auth:SigningKey", SigningKey,
            "--Consent:Proxies:tests:KeySha256", Sha256Hex(ProxyKey),
            "--Consent:Proxies:tests:Partners:0", "*",
            "--Consent:Proxies:limited:KeySha256", Sha256Hex(LimitedProxyKey),
            "--Consent:Proxies:limited:Partners:0", LimitedProxyPartner,
            "--Logging:LogLevel:Default", "Critical",
            .. PolicyPath is null ? Array.Empty<string>() : ["--Consent:PolicyPath", PolicyPath],
        ], OverrideServices);
        await _app.StartAsync();
        var address = _app.Urls.Single();
        BaseAddress = new Uri(address);
    }

    public virtual async Task DisposeAsync()
    {
        await StopAsync();
        if (_ownsAzurite)
        {
            await _azurite.DisposeAsync();
        }
    }

    /// <summary>Stops this instance only (its Azurite and tables stay for another instance).</summary>
    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    /// <summary>Another instance of the gateway on the same Azurite and tables.</summary>
    public GatewayServer Sibling(Action<IServiceCollection>? overrideServices = null) =>
        new(_azurite, ownsAzurite: false)
        {
            SigningKey = SigningKey,
            AccountsTable = AccountsTable,
            DevicesTable = DevicesTable,
            IntentsTable = IntentsTable,
            ProjectionsTable = ProjectionsTable,
            StalenessBound = StalenessBound,
            PolicyPath = PolicyPath,
            ProxyKey = ProxyKey,
            LimitedProxyKey = LimitedProxyKey,
            OverrideServices = overrideServices,
        };

    public string Token(string? subject, params string[] scopes) =>
        DevTokens.Create(new AuthOptions { Issuer = Issuer, Audience = Audience, SigningKey = SigningKey }, subject, scopes, TimeSpan.FromMinutes(10));

    /// <summary>A client of the account service (scope consent.accounts).</summary>
    public HttpClient AccountService() => Client(Token("account-service", Scopes.Accounts));

    /// <summary>An app acting for <paramref name="userId"/> (scope consent.user).</summary>
    public HttpClient User(string userId) => Client(Token(userId, Scopes.User));

    /// <summary>An egress proxy's client: <c>X-Consent-Key</c> of proxy <c>tests</c> (every partner) unless another key is given.</summary>
    public HttpClient Proxy(string? key = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Add("X-Consent-Key", key ?? ProxyKey);
        return client;
    }

    public static string Sha256Hex(string key) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public HttpClient Client(string? token)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>Registers an account through the API; returns the user id.</summary>
    /// <summary>Creates an account; with <paramref name="enabled"/>, the user then sets the setting.</summary>
    public async Task<string> CreateAccountAsync(string country = "DE", string signedUpAt = "2021-03-01T00:00:00Z", string? userId = null, bool? enabled = null)
    {
        userId ??= "u-" + Guid.NewGuid().ToString("N");
        using (var client = AccountService())
        using (var response = await client.PutAsync($"/api/v1/accounts/{userId}", Json($$"""{"country":"{{country}}","signedUpAt":"{{signedUpAt}}"}""")))
        {
            response.EnsureSuccessStatusCode();
        }

        if (enabled is { } value)
        {
            using var user = User(userId);
            using var response = await user.PutAsync($"/api/v1/accounts/{userId}/partner-sharing", Json($$"""{"enabled":{{(value ? "true" : "false")}}}"""));
            response.EnsureSuccessStatusCode();
        }

        return userId;
    }

    /// <summary>Registers a device (as having opened an app), linked to <paramref name="userId"/> if given.</summary>
    public async Task<string> RegisterDeviceAsync(string? userId = null)
    {
        var adId = Guid.NewGuid().ToString();
        using var service = AccountService();
        using (var registered = await service.PutAsync($"/api/v1/devices/{adId}", null))
        {
            registered.EnsureSuccessStatusCode();
        }

        if (userId is not null)
        {
            using var linked = await service.PutAsync($"/api/v1/devices/{adId}/accounts/{userId}", null);
            linked.EnsureSuccessStatusCode();
        }

        return adId;
    }

    /// <summary>Asks <c>/check</c> directly (as proxy <c>tests</c>) whether google may get the user's IP address.</summary>
    public async Task<HttpStatusCode> CheckGoogleIpAsync(string userId)
    {
        using var proxy = Proxy();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/check");
        request.Headers.Add("X-Consent-Partner", "google");
        request.Headers.Add("X-Consent-User", userId);
        request.Headers.Add("X-Consent-Data", "ip_address");
        using var response = await proxy.SendAsync(request);
        return response.StatusCode;
    }

    public async Task<HistoryResponse> HistoryAsync(string userId)
    {
        using var client = AccountService();
        return (await client.GetFromJsonAsync<HistoryResponse>($"/api/v1/accounts/{userId}/partner-sharing/history"))!;
    }
}
