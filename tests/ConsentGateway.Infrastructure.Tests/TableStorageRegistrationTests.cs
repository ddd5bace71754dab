using Azure.Data.Tables;
using Azure.Identity;
using ConsentGateway.Core;
using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Policy;
using ConsentGateway.Core.Projection;
using ConsentGateway.Infrastructure.TableStorage;
using ConsentGateway.Testing;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Infrastructure.Tests;

[Collection(SharedAzurite.Name)]
public sealed class TableStorageRegistrationTests(AzuriteServer azurite)
{
    private const string ClientId = "00000000-0000-0000-0000-000000000001";
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task The_hosted_service_creates_every_table_at_start_and_a_second_start_finds_them()
    {
        var (settings, tables) = UniqueTables();

        for (var start = 0; start < 2; start++)
        {
            using var host = BuildHost(settings);
            await host.StartAsync(Ct);
            await host.StopAsync(Ct);
        }

        var service = azurite.CreateServiceClient();
        foreach (var name in tables)
        {
            var found = await service.QueryAsync(TableServiceClient.CreateQueryFilter($"TableName eq {name}"), cancellationToken: Ct).ToListAsync(Ct);
            Assert.Single(found);
            await service.DeleteTableAsync(name, Ct);
        }
    }

    [Fact]
    public async Task The_registrations_give_the_table_stores_over_one_client_and_they_work()
    {
        var (settings, tables) = UniqueTables();
        using var host = BuildHost(settings);
        await host.StartAsync(Ct);

        Assert.Same(host.Services.GetRequiredService<TableServiceClient>(), host.Services.GetRequiredService<TableServiceClient>());
        var devices = Assert.IsType<TableDeviceStore>(host.Services.GetRequiredService<IDeviceStore>());
        var accounts = Assert.IsType<TableAccountStore>(host.Services.GetRequiredService<IAccountStore>());
        var intents = Assert.IsType<TableIntentLog>(host.Services.GetRequiredService<IIntentLog>());
        var projections = Assert.IsType<TableProjectionStore>(host.Services.GetRequiredService<IProjectionStore>());
        var changeLog = Assert.IsType<TableChangeLog>(host.Services.GetRequiredService<IChangeLog>());
        Assert.Same(intents, host.Services.GetRequiredService<IIntentLog>());
        Assert.Same(projections, host.Services.GetRequiredService<IProjectionStore>());
        Assert.Same(changeLog, host.Services.GetRequiredService<IChangeLog>());

        Assert.True(await devices.RegisterAsync("d1", DateTimeOffset.UnixEpoch, Ct));
        var account = new AccountRecord("u1", CountryCode.Parse("DE"), DateTimeOffset.UnixEpoch, 1, null, 0, null, Deleted: false, ConcurrencyToken: null);
        Assert.NotNull(await accounts.TryWriteAccountAsync(account, null, Ct));
        await accounts.AddDeviceLinkAsync("u1", "d1", DateTimeOffset.UnixEpoch, Ct);
        Assert.Equal(["d1"], await accounts.GetLinkedDevicesAsync("u1", Ct));
        var intent = await intents.RecordAsync(ChangeKind.Device, "d1", "u1", DateTimeOffset.UnixEpoch, Ct);
        Assert.Equal([intent], await intents.GetPendingAsync(DateTimeOffset.UnixEpoch.AddTicks(1), 10, Ct));
        Assert.NotNull(await projections.TryPutDeviceAsync(new DeviceProjection("d1", ["u1"], 1), null, Ct));
        Assert.NotNull(await projections.GetDeviceAsync("d1", Ct));
        var head = await changeLog.GetHeadAsync(Ct);
        var change = new ProjectedChange(SubjectKind.Device, "d1", SubjectVersion.OfDevice(1));
        await changeLog.AppendAsync(change, Ct);
        Assert.Equal([change], (await changeLog.ReadAsync(head, 10, Ct)).Changes);

        await host.StopAsync(Ct);
        var service = azurite.CreateServiceClient();
        foreach (var name in tables)
        {
            await service.DeleteTableAsync(name, Ct);
        }
    }

    [Fact]
    public void The_defaults_are_the_local_emulator_and_the_documented_table_names()
    {
        using var host = BuildHost(Settings());

        var options = host.Services.GetRequiredService<IOptions<TableStorageOptions>>().Value;

        Assert.Equal("UseDevelopmentStorage=true", options.ConnectionString);
        Assert.Null(options.ServiceUri);
        Assert.Equal("accounts", options.AccountsTable);
        Assert.Equal("devices", options.DevicesTable);
        Assert.Equal("intents", options.IntentsTable);
        Assert.Equal("projections", options.ProjectionsTable);
        Assert.Equal("changelog", options.ChangeLogTable);
    }

    [Theory]
    [InlineData("AccountsTable", "ab")]
    [InlineData("AccountsTable", "1accounts")]
    [InlineData("AccountsTable", "accounts-v2")]
    [InlineData("AccountsTable", "tables")]
    [InlineData("DevicesTable", "devices_2")]
    [InlineData("DevicesTable", "ACCOUNTS")]
    [InlineData("IntentsTable", "intents-v2")]
    [InlineData("IntentsTable", "Devices")]
    [InlineData("ProjectionsTable", "p")]
    [InlineData("ProjectionsTable", "intents")]
    [InlineData("ChangeLogTable", "change-log")]
    [InlineData("ChangeLogTable", "Projections")]
    [InlineData("ServiceUri", "http://account.table.core.windows.net/")]
    [InlineData("ServiceUri", "/relative")]
    [InlineData("ConnectionString", "")]
    [InlineData("ConnectionString", "not a connection string")]
    [InlineData("ClientId", "00000000-0000-0000-0000-000000000001")]
    [InlineData("Credential", "managedidentity")]
    [InlineData("RequestTimeout", "00:00:00")]
    [InlineData("RequestTimeout", "00:00:01.5")]
    [InlineData("MaxRetries", "-1")]
    [InlineData("MaxRetries", "11")]
    [InlineData("MaxRetries", "3")]
    [InlineData("RetryDelay", "-00:00:01")]
    [InlineData("RetryDelay", "00:00:01")]
    public async Task Starting_with_an_invalid_setting_fails_with_a_message_naming_it(string setting, string value)
    {
        using var host = BuildHost(Settings((setting, value)));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        Assert.Contains($"Consent:Storage:{setting}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_client_settings_default_to_a_call_that_gives_up_within_2_s()
    {
        using var host = BuildHost(Settings());

        var options = host.Services.GetRequiredService<IOptions<TableStorageOptions>>().Value;

        Assert.Equal((TimeSpan.FromMilliseconds(550), 2, TimeSpan.FromMilliseconds(100)), (options.RequestTimeout, options.MaxRetries, options.RetryDelay));
        Assert.InRange(options.WorstCallTime(), TimeSpan.Zero, TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Tables_the_store_lost_after_the_start_are_created_again_and_the_call_succeeds()
    {
        var (settings, tables) = UniqueTables();
        using var host = BuildHost(settings);
        await host.StartAsync(Ct);
        var accounts = host.Services.GetRequiredService<IAccountStore>();
        var changeLog = host.Services.GetRequiredService<IChangeLog>();
        var service = azurite.CreateServiceClient();
        var account = new AccountRecord("u-lost-tables", CountryCode.Parse("DE"), DateTimeOffset.UnixEpoch, 1, true, 1, DateTimeOffset.UnixEpoch, false, null);

        // A transaction first: the service answers it 202 with the missing table inside.
        await DeleteAsync(service, tables);
        var written = await accounts.TryWriteAccountAsync(account, new SettingChange(1, true, DateTimeOffset.UnixEpoch, ChangeChannel.User, "2020-04-06"), Ct);
        await DeleteAsync(service, tables);
        // Throws without the tables made again.
        await changeLog.AppendAsync(new ProjectedChange(SubjectKind.Account, "u-lost-tables", new SubjectVersion(1, 1)), Ct);
        await DeleteAsync(service, tables);
        var found = await accounts.FindAsync("u-lost-tables", Ct);

        Assert.NotNull(written);
        Assert.Null(found);
        await DeleteAsync(service, tables);
    }

    private static async Task DeleteAsync(TableServiceClient service, IEnumerable<string> tables)
    {
        foreach (var name in tables)
        {
            await service.DeleteTableAsync(name, Ct);
        }
    }

    [Fact]
    public async Task A_store_nothing_listens_on_is_unavailable()
    {
        using var host = BuildHost(Settings(("ConnectionString", ConnectionStringFor(ChildProcess.FreeLoopbackPort()))));

        await Assert.ThrowsAsync<StoreUnavailableException>(() => host.Services.GetRequiredService<IAccountStore>().FindAsync("u1", Ct));
        var changeLog = host.Services.GetRequiredService<IChangeLog>();
        await Assert.ThrowsAsync<StoreUnavailableException>(() => changeLog.AppendAsync(new ProjectedChange(SubjectKind.Account, "u1", new SubjectVersion(1, 1)), Ct));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => changeLog.ReadAsync(default, 10, Ct));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => changeLog.PruneAsync(DateTimeOffset.UnixEpoch, Ct));
    }

    [Theory]
    [InlineData(408)]
    [InlineData(500)]
    [InlineData(503)]
    public async Task A_store_answering_a_timeout_or_server_error_is_unavailable_after_the_retries(int status)
    {
        await using var store = await RecordingServer.StartAsync(context =>
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        });
        using var host = BuildHost(Settings(("ConnectionString", ConnectionStringFor(store.BaseAddress.Port))));

        await Assert.ThrowsAsync<StoreUnavailableException>(() => host.Services.GetRequiredService<IIntentLog>().RecordAsync(ChangeKind.Setting, "u1", null, DateTimeOffset.UnixEpoch, Ct));

        // Tried again before giving up (how often depends on the status: the SDK classifies them).
        Assert.True(store.Requests.Count(request => request.Method == "POST") > 1);
    }

    [Fact]
    public async Task A_store_that_does_not_answer_is_unavailable()
    {
        await using var store = await HangingStoreAsync();
        using var host = BuildHost(Settings(("ConnectionString", ConnectionStringFor(store.BaseAddress.Port)), ("RequestTimeout", "00:00:00.200"), ("MaxRetries", "0")));

        await Assert.ThrowsAsync<StoreUnavailableException>(() => host.Services.GetRequiredService<IAccountStore>().FindAsync("u1", Ct));
    }

    [Fact]
    public async Task A_caller_that_cancels_is_told_so_not_that_the_store_is_unavailable()
    {
        await using var store = await HangingStoreAsync();
        using var host = BuildHost(Settings(("ConnectionString", ConnectionStringFor(store.BaseAddress.Port)), ("RequestTimeout", "00:00:01.9"), ("MaxRetries", "0")));
        using var caller = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.Services.GetRequiredService<IAccountStore>().FindAsync("u1", caller.Token));
    }

    [Fact]
    public void Identity_based_access_builds_a_client_for_the_service_address_without_a_request()
    {
        using var host = BuildHost(Settings(("ServiceUri", "https://example.table.core.windows.net/"), ("credential", "managedidentity"), ("clientId", ClientId)));

        var client = host.Services.GetRequiredService<TableServiceClient>();

        Assert.Equal(new Uri("https://example.table.core.windows.net/"), client.Uri);
        Assert.Equal("example", client.AccountName);
    }

    [Theory]
    [InlineData("managedidentity", ClientId, typeof(ManagedIdentityCredential))]
    [InlineData("managedidentity", null, typeof(ManagedIdentityCredential))]
    [InlineData(null, ClientId, typeof(DefaultAzureCredential))]
    [InlineData(null, null, typeof(DefaultAzureCredential))]
    public void Identity_based_access_uses_the_credential_the_section_names(string? credential, string? clientId, Type expected)
    {
        // Bicep deploys credential = managedidentity with the user-assigned identity's clientId:
        // ManagedIdentityCredential in Azure; without it, the developer's sign-in (DefaultAzureCredential).
        var settings = Settings(("ServiceUri", "https://example.table.core.windows.net/"));
        settings["Consent:Storage:credential"] = credential;
        settings["Consent:Storage:clientId"] = clientId;
        using var host = BuildHost(settings);

        Assert.Equal("example", host.Services.GetRequiredService<TableServiceClient>().AccountName);
        var section = host.Services.GetRequiredService<IConfiguration>().GetSection(TableStorageOptions.SectionName);
        Assert.IsType(expected, host.Services.GetRequiredService<AzureComponentFactory>().CreateTokenCredential(section));
    }

    [Fact]
    public void The_options_never_print_the_connection_string()
    {
        var options = new TableStorageOptions { ConnectionString = "AccountName=a;AccountKey=c2VjcmV0" };

        Assert.DoesNotContain("c2VjcmV0", options.ToString(), StringComparison.Ordinal);
        Assert.Contains("AccountsTable = accounts", options.ToString(), StringComparison.Ordinal);
    }

    private (Dictionary<string, string?> Settings, string[] Tables) UniqueTables()
    {
        string[] tables = [AzuriteServer.UniqueTableName("accounts"), AzuriteServer.UniqueTableName("devices"), AzuriteServer.UniqueTableName("intents"), AzuriteServer.UniqueTableName("projections"), AzuriteServer.UniqueTableName("changelog")];
        var settings = Settings(("ConnectionString", azurite.ConnectionString), ("AccountsTable", tables[0]), ("DevicesTable", tables[1]), ("IntentsTable", tables[2]), ("ProjectionsTable", tables[3]), ("ChangeLogTable", tables[4]));
        return (settings, tables);
    }

    // A stand-in store that never answers a table request.
    private static Task<RecordingServer> HangingStoreAsync() => RecordingServer.StartAsync(context =>
        context.Request.Path.StartsWithSegments("/" + AzuriteServer.AccountName, StringComparison.Ordinal) ? Task.Delay(Timeout.Infinite, context.RequestAborted) : Task.CompletedTask);

    // Any well-formed key: the stand-in stores do not check signatures.
    private static string ConnectionStringFor(int port) =>
        $"DefaultEndpointsProtocol=http;AccountName={AzuriteServer.AccountName};AccountKey={Convert.ToBase64String(new byte[64])};TableEndpoint=http://127.0.0.1:{port}/{AzuriteServer.AccountName};";

    private static Dictionary<string, string?> Settings(params (string Key, string Value)[] settings) =>
        settings.ToDictionary(setting => $"Consent:Storage:{setting.Key}", setting => (string?)setting.Value);

    private static IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddConsentTableStorage(builder.Configuration);
        return builder.Build();
    }
}
