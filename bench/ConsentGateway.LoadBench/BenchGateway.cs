using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using ConsentGateway.Contracts;
using ConsentGateway.Http;
using ConsentGateway.Server;
using ConsentGateway.Testing;
using Microsoft.AspNetCore.Builder;

namespace ConsentGateway.LoadBench;

/// <summary>
/// The self-hosted server on a free loopback port, on the store the benchmark names (a fresh
/// SQLite file, deleted on dispose, or an in-memory Azurite started for it), with a client of
/// the account service.
/// </summary>
internal sealed class BenchGateway : IAsyncDisposable
{
    private BenchGateway(BenchStore store, AzuriteServer? azurite, string? sqlitePath, WebApplication app, HttpClient client)
    {
        Store = store;
        Azurite = azurite;
        SqlitePath = sqlitePath;
        App = app;
        Client = client;
    }

    /// <summary>The key of egress proxy <c>bench</c>, registered by <see cref="ProxySettings"/>.</summary>
    public const string ProxyKey = "bench-proxy-key-0123456789";

    /// <summary>Settings for <see cref="StartAsync"/> that register egress proxy <c>bench</c> (key <see cref="ProxyKey"/>, every partner).</summary>
    public static string[] ProxySettings =>
    [
        "--Consent:Proxies:bench:KeySha256", Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(ProxyKey))),
        "--Consent:Proxies:bench:Partners", "*",
    ];

    public BenchStore Store { get; }

    /// <summary>The emulator of a <see cref="BenchStore.Table"/> run; <c>null</c> on SQLite.</summary>
    public AzuriteServer? Azurite { get; }

    /// <summary>The database file of a <see cref="BenchStore.Sqlite"/> run; <c>null</c> on Azurite.</summary>
    public string? SqlitePath { get; }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    /// <param name="settings">More configuration, as <c>--Key value</c> pairs (they override the defaults).</param>
    public static async Task<BenchGateway> StartAsync(BenchStore store, params string[] settings)
    {
        AzuriteServer? azurite = null;
        string? sqlitePath = null;
        string[] storage;
        if (store == BenchStore.Table)
        {
            azurite = new AzuriteServer();
            await azurite.InitializeAsync();
            storage = ["--Consent:Storage:Provider", nameof(StorageProvider.TableStorage), "--Consent:Storage:ConnectionString", azurite.ConnectionString];
        }
        else
        {
            sqlitePath = BenchFiles.NewSqlitePath();
            storage = ["--Consent:Storage:Provider", nameof(StorageProvider.Sqlite), "--Consent:Storage:SqlitePath", sqlitePath];
        }

        Console.WriteLine(store == BenchStore.Table ? "store: Table Storage on an in-memory Azurite" : $"store: SQLite, fresh file {sqlitePath}");
        var signingKey = Convert.ToHexString(Guid.NewGuid().ToByteArray()) + Convert.ToHexString(Guid.NewGuid().ToByteArray());
        var app = ConsentServer.Build(
        [
            "--urls", "http://127.0.0.1:0",
            .. storage,
            "--Consent:Auth:Issuer", "bench",
            "--Consent:Auth:Audience", "bench",
            "--Consent:Auth:SigningKey", signingKey,
            "--Logging:LogLevel:Default", "Warning",
            .. settings,
        ]);
        await app.StartAsync();
        var baseAddress = new Uri(app.Urls.Single());
        var token = DevTokens.Create(new AuthOptions { Issuer = "bench", Audience = "bench", SigningKey = signingKey }, "bench", [Scopes.Accounts], TimeSpan.FromHours(1));
        var client = new HttpClient { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new BenchGateway(store, azurite, sqlitePath, app, client);
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>Registers <paramref name="count"/> accounts named <c>{prefix}-{i}</c>.</summary>
    public Task CreateAccountsAsync(string prefix, int count, string country, int concurrency) =>
        Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) =>
        {
            using var response = await Client.PutAsync($"/api/v1/accounts/{prefix}-{i}", Json($$"""{"country":"{{country}}","signedUpAt":"2021-01-01T00:00:00Z"}"""), ct);
            response.EnsureSuccessStatusCode();
        });

    /// <summary>Links <paramref name="count"/> devices named <c>{userId}-device-{i}</c> to account <paramref name="userId"/>.</summary>
    public Task LinkDevicesAsync(string userId, int count, int concurrency) =>
        Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) =>
        {
            using var response = await Client.PutAsync($"/api/v1/devices/{userId}-device-{i}/accounts/{userId}", null, ct);
            response.EnsureSuccessStatusCode();
        });

    /// <summary>Toggles the setting of account <c>{prefix}-{account}</c> (on for even rounds).</summary>
    public Task<HttpResponseMessage> ToggleAsync(string prefix, long account, long round, CancellationToken cancellationToken) =>
        Client.PutAsync($"/api/v1/accounts/{prefix}-{account}/partner-sharing", Json($$"""{"enabled":{{(round % 2 == 0 ? "true" : "false")}}}"""), cancellationToken);

    /// <summary>
    /// Asks <c>/api/v1/check</c> as proxy <c>bench</c> (started with <see cref="ProxySettings"/>) until
    /// google may have <paramref name="data"/> of <paramref name="userId"/>: afterwards the account is
    /// in the gateway's memory. A read that outlasts the store timeout while Azurite is busy is a
    /// STORE_UNAVAILABLE deny; the read goes on and fills the cache, so it is asked again a little later.
    /// </summary>
    public async Task WaitUntilAllowedAsync(string userId, string data, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/check");
            request.Headers.Add(ConsentHeaders.Key, ProxyKey);
            request.Headers.Add(ConsentHeaders.Partner, "google");
            request.Headers.Add(ConsentHeaders.User, userId);
            request.Headers.Add(ConsentHeaders.Data, data);
            using var response = await Client.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
            if (attempt == 600)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"Account {userId} was not allowed after {attempt} checks: {response.StatusCode} {string.Join(',', response.Headers.GetValues(ConsentHeaders.Reason))}"));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        if (Azurite is not null)
        {
            await Azurite.DisposeAsync();
        }

        if (SqlitePath is not null)
        {
            BenchFiles.DeleteSqlite(SqlitePath);
        }
    }
}
