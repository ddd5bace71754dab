using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Azure.Data.Tables;
using ConsentGateway.Contracts;
using ConsentGateway.Http;
using ConsentGateway.Server;
using ConsentGateway.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace ConsentGateway.EndToEnd.Tests;

/// <summary>
/// The self-hosted server on real Kestrel (a free loopback port) with a random development
/// signing key, on its default store, a SQLite file of its own, or (<see cref="Storage"/>) on a
/// real Azurite with tables of its own. Shared by the tests of one class.
/// </summary>
public class GatewayServer : IAsyncLifetime
{
    public const string Issuer = "consent-gateway-tests";
    public const string Audience = "consent-gateway";

    private readonly bool _ownsStore;
    private AzuriteServer? _azurite;
    private WebApplication? _app;

    public GatewayServer()
        : this(null, ownsStore: true)
    {
    }

    /// <summary>A server on another server's store (a second instance, or a restart).</summary>
    protected GatewayServer(AzuriteServer? azurite, bool ownsStore)
    {
        _azurite = azurite;
        _ownsStore = ownsStore;
    }

    /// <summary>The store the server runs on: SQLite (the self-host's default) unless a test needs the Table adapter.</summary>
    public StorageProvider Storage { get; init; } = StorageProvider.Sqlite;

    /// <summary>The SQLite file of <see cref="StorageProvider.Sqlite"/>: a new one in the temporary directory, deleted with the server.</summary>
    public string SqlitePath { get; init; } = Path.Combine(Path.GetTempPath(), "consent-gateway-tests", Guid.NewGuid().ToString("N") + ".db");

    public string SigningKey { get; init; } = Convert.ToBase64String(Guid.NewGuid().ToByteArray()) + Convert.ToBase64String(Guid.NewGuid().ToByteArray());

    public string AccountsTable { get; init; } = AzuriteServer.UniqueTableName("accounts");

    public string DevicesTable { get; init; } = AzuriteServer.UniqueTableName("devices");

    public string IntentsTable { get; init; } = AzuriteServer.UniqueTableName("intents");

    public string ProjectionsTable { get; init; } = AzuriteServer.UniqueTableName("projections");

    public string ChangeLogTable { get; init; } = AzuriteServer.UniqueTableName("changelog");

    /// <summary>The staleness bound the server runs with: the self-host's default.</summary>
    public TimeSpan StalenessBound { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A policy document to run with instead of the shipped one (<c>Consent:PolicyPath</c>).</summary>
    public string? PolicyPath { get; init; }

    /// <summary>The key of proxy <c>tests</c>, which may ask about every partner (<c>*</c>).</summary>
    public string ProxyKey { get; init; } = "proxy-" + Guid.NewGuid().ToString("N");

    /// <summary>The key of proxy <c>limited</c>, which may ask about <see cref="LimitedProxyPartner"/> only.</summary>
    public string LimitedProxyKey { get; init; } = "limited-" + Guid.NewGuid().ToString("N");

    public const string LimitedProxyPartner = "google";

    /// <summary>More configuration, after (so over) the defaults above, e.g. <c>--OTEL_EXPORTER_OTLP_ENDPOINT</c>.</summary>
    public string[] ExtraArguments { get; init; } = [];

    /// <summary>Turns the Azurite connection string into the one the server uses (e.g. through a <see cref="TcpForwarder"/>); Table Storage only.</summary>
    public Func<string, string>? RouteStorage { get; init; }

    /// <summary>The server's minimum log level (<c>Logging:LogLevel:Default</c>); tests that read its logs lower it.</summary>
    public string LogLevel { get; init; } = "Critical";

    /// <summary>Replaces registrations of the server (fault injection).</summary>
    public Action<IServiceCollection>? OverrideServices { get; init; }

    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("Only a started in-process server has services (a GatewayProcess runs the program as a child).");

    public Uri BaseAddress { get; protected set; } = null!;

    /// <summary>The Azurite of a server on <see cref="StorageProvider.TableStorage"/>.</summary>
    public AzuriteServer Azurite => _azurite ?? throw new InvalidOperationException("This server runs on SQLite, not on Azurite.");

    public virtual async Task InitializeAsync()
    {
        if (Storage == StorageProvider.TableStorage && _azurite is null)
        {
            _azurite = new AzuriteServer();
            await _azurite.InitializeAsync();
        }

        _app = ConsentServer.Build(["--urls", "http://127.0.0.1:0", .. ServerArguments()], OverrideServices);
        await _app.StartAsync();
        var address = _app.Urls.Single();
        BaseAddress = new Uri(address);
    }

    public virtual async Task DisposeAsync()
    {
        await StopAsync();
        if (_ownsStore)
        {
            if (_azurite is not null)
            {
                await _azurite.DisposeAsync();
            }

            foreach (var file in (string[])[SqlitePath, SqlitePath + "-wal", SqlitePath + "-shm", SqlitePath + "-lock"])
            {
                File.Delete(file);
            }
        }
    }

    /// <summary>Stops this instance only (its store stays for another instance).</summary>
    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    /// <summary>Another instance of the gateway on the same store.</summary>
    public GatewayServer Sibling(Action<IServiceCollection>? overrideServices = null) =>
        new(_azurite, ownsStore: false)
        {
            Storage = Storage,
            SqlitePath = SqlitePath,
            SigningKey = SigningKey,
            AccountsTable = AccountsTable,
            DevicesTable = DevicesTable,
            IntentsTable = IntentsTable,
            ProjectionsTable = ProjectionsTable,
            ChangeLogTable = ChangeLogTable,
            StalenessBound = StalenessBound,
            PolicyPath = PolicyPath,
            ProxyKey = ProxyKey,
            LimitedProxyKey = LimitedProxyKey,
            OverrideServices = overrideServices,
        };

    /// <summary>
    /// Every row of the source of truth (accounts, history, devices, links) with its version or
    /// ETag, read straight from the store: what "changes nothing" compares.
    /// </summary>
    public async Task<string> SnapshotSourceAsync()
    {
        var rows = new List<string>();
        if (Storage == StorageProvider.TableStorage)
        {
            var service = new TableServiceClient(Azurite.ConnectionString);
            foreach (var table in (string[])[AccountsTable, DevicesTable])
            {
                await foreach (var entity in service.GetTableClient(table).QueryAsync<TableEntity>())
                {
                    rows.Add($"{table}/{entity.PartitionKey}/{entity.RowKey}/{entity.ETag}");
                }
            }
        }
        else
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = SqlitePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            connection.Open();
            foreach (var table in (string[])["accounts", "setting_history", "account_devices", "devices", "device_links"])
            {
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT * FROM " + table;
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    rows.Add(table + "/" + string.Join('/', Enumerable.Range(0, reader.FieldCount).Select(reader.GetValue)));
                }
            }
        }

        rows.Sort(StringComparer.Ordinal);
        return string.Join('\n', rows);
    }

    /// <summary>
    /// The server program's arguments for this configuration, all but <c>--urls</c>: the store,
    /// the bound, the signing key, the proxies' keys, the policy. The in-process server and
    /// <see cref="EmbeddedStore.GatewayProcess"/> both start from them.
    /// </summary>
    public string[] ServerArguments() =>
    [
        "--environment", "Testing",
        .. StorageSettings(),
        "--Consent:Propagation:StalenessBound", StalenessBound.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        "--Consent:Auth:Issuer", Issuer,
        "--Consent:Auth:Audience", Audience,
        "--Consent:Auth:SigningKey", SigningKey,
        "--Consent:Proxies:tests:KeySha256", Sha256Hex(ProxyKey),
        "--Consent:Proxies:tests:Partners:0", "*",
        "--Consent:Proxies:limited:KeySha256", Sha256Hex(LimitedProxyKey),
        "--Consent:Proxies:limited:Partners:0", LimitedProxyPartner,
        "--Logging:LogLevel:Default", LogLevel,
        .. PolicyPath is null ? Array.Empty<string>() : ["--Consent:PolicyPath", PolicyPath],
        .. ExtraArguments,
    ];

    private string[] StorageSettings() => Storage == StorageProvider.TableStorage
        ?
        [
            "--Consent:Storage:Provider", nameof(StorageProvider.TableStorage),
            "--Consent:Storage:ConnectionString", RouteStorage?.Invoke(Azurite.ConnectionString) ?? Azurite.ConnectionString,
            "--Consent:Storage:AccountsTable", AccountsTable,
            "--Consent:Storage:DevicesTable", DevicesTable,
            "--Consent:Storage:IntentsTable", IntentsTable,
            "--Consent:Storage:ProjectionsTable", ProjectionsTable,
            "--Consent:Storage:ChangeLogTable", ChangeLogTable,
        ]
        : RouteStorage is null
            ? ["--Consent:Storage:Provider", nameof(StorageProvider.Sqlite), "--Consent:Storage:SqlitePath", SqlitePath]
            : throw new InvalidOperationException("RouteStorage routes a Table Storage connection: set Storage = TableStorage.");

    public string Token(string? subject, params string[] scopes) =>
        DevTokens.Create(new AuthOptions { Issuer = Issuer, Audience = Audience, SigningKey = SigningKey }, subject, scopes, TimeSpan.FromMinutes(10));

    /// <summary>A user token of <paramref name="subject"/>, signed with the server's key, that expired five minutes ago (past the 30 s clock skew the server allows).</summary>
    public string ExpiredUserToken(string subject)
    {
        var expired = DateTime.UtcNow.AddMinutes(-5);
        return new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Claims = new Dictionary<string, object> { ["sub"] = subject, ["scope"] = Scopes.User },
            IssuedAt = expired.AddMinutes(-10),
            NotBefore = expired.AddMinutes(-10),
            Expires = expired,
            SigningCredentials = new(new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(Encoding.UTF8.GetBytes(SigningKey)), "HS256"),
        });
    }

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
