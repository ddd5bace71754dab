using Azure.Data.Tables;
using ConsentGateway.Core.Consent;
using ConsentGateway.Infrastructure.TableStorage;
using ConsentGateway.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Infrastructure.Tests;

[Collection(SharedAzurite.Name)]
public sealed class TableStorageRegistrationTests(AzuriteServer azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task The_hosted_service_creates_both_tables_at_start_and_a_second_start_finds_them()
    {
        var accounts = AzuriteServer.UniqueTableName("accounts");
        var devices = AzuriteServer.UniqueTableName("devices");
        var settings = Settings(("ConnectionString", azurite.ConnectionString), ("AccountsTable", accounts), ("DevicesTable", devices));

        for (var start = 0; start < 2; start++)
        {
            using var host = BuildHost(settings);
            await host.StartAsync(Ct);
            await host.StopAsync(Ct);
        }

        var service = azurite.CreateServiceClient();
        foreach (var name in new[] { accounts, devices })
        {
            var found = await service.QueryAsync(TableServiceClient.CreateQueryFilter($"TableName eq {name}"), cancellationToken: Ct).ToListAsync(Ct);
            Assert.Single(found);
            await service.DeleteTableAsync(name, Ct);
        }
    }

    [Fact]
    public async Task The_registrations_give_the_table_stores_over_one_client_and_they_work()
    {
        var settings = Settings(("ConnectionString", azurite.ConnectionString), ("AccountsTable", AzuriteServer.UniqueTableName("accounts")), ("DevicesTable", AzuriteServer.UniqueTableName("devices")));
        using var host = BuildHost(settings);
        await host.StartAsync(Ct);

        Assert.Same(host.Services.GetRequiredService<TableServiceClient>(), host.Services.GetRequiredService<TableServiceClient>());
        var devices = Assert.IsType<TableDeviceStore>(host.Services.GetRequiredService<IDeviceStore>());
        var accounts = Assert.IsType<TableAccountStore>(host.Services.GetRequiredService<IAccountStore>());
        Assert.True(await devices.RegisterAsync("d1", DateTimeOffset.UnixEpoch, Ct));
        await accounts.AddDeviceLinkAsync("u1", "d1", DateTimeOffset.UnixEpoch, Ct);
        Assert.Equal(["d1"], await accounts.GetLinkedDevicesAsync("u1", Ct));

        await host.StopAsync(Ct);
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
    }

    [Theory]
    [InlineData("AccountsTable", "ab")]
    [InlineData("AccountsTable", "1accounts")]
    [InlineData("AccountsTable", "accounts-v2")]
    [InlineData("AccountsTable", "tables")]
    [InlineData("DevicesTable", "devices_2")]
    [InlineData("DevicesTable", "ACCOUNTS")]
    [InlineData("ServiceUri", "http://account.table.core.windows.net/")]
    [InlineData("ServiceUri", "/relative")]
    [InlineData("ConnectionString", "")]
    [InlineData("ConnectionString", "not a connection string")]
    [InlineData("ManagedIdentityClientId", "00000000-0000-0000-0000-000000000001")]
    public async Task Starting_with_an_invalid_setting_fails_with_a_message_naming_it(string setting, string value)
    {
        using var host = BuildHost(Settings((setting, value)));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        Assert.Contains($"Consent:Storage:{setting}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Identity_based_access_builds_a_client_for_the_service_address_without_a_request()
    {
        using var host = BuildHost(Settings(("ServiceUri", "https://example.table.core.windows.net/"), ("ManagedIdentityClientId", "00000000-0000-0000-0000-000000000001")));

        var client = host.Services.GetRequiredService<TableServiceClient>();

        Assert.Equal(new Uri("https://example.table.core.windows.net/"), client.Uri);
        Assert.Equal("example", client.AccountName);
    }

    [Fact]
    public void The_options_never_print_the_connection_string()
    {
        var options = new TableStorageOptions { ConnectionString = "AccountName=a;AccountKey=c2VjcmV0" };

        Assert.DoesNotContain("c2VjcmV0", options.ToString(), StringComparison.Ordinal);
        Assert.Contains("AccountsTable = accounts", options.ToString(), StringComparison.Ordinal);
    }

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
