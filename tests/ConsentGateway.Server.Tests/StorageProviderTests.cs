using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Projection;
using ConsentGateway.Infrastructure.Sqlite;
using ConsentGateway.Infrastructure.TableStorage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Server.Tests;

/// <summary><c>Consent:Storage:Provider</c>: SQLite unless configured otherwise, Table Storage when asked, anything else stops the start naming the key.</summary>
public sealed class StorageProviderTests
{
    [Theory]
    [InlineData(null, StorageProvider.Sqlite)]
    [InlineData("", StorageProvider.Sqlite)]
    [InlineData("Sqlite", StorageProvider.Sqlite)]
    [InlineData("sqlite", StorageProvider.Sqlite)]
    [InlineData("TableStorage", StorageProvider.TableStorage)]
    [InlineData("tablestorage", StorageProvider.TableStorage)]
    public void The_provider_is_read_by_name_case_insensitively_with_SQLite_the_default(string? value, StorageProvider expected)
    {
        Assert.Equal(expected, ServerServiceCollectionExtensions.StorageProviderOf(Configuration(value)));
    }

    [Theory]
    [InlineData("Cosmos")]
    [InlineData("1")]
    [InlineData("Sqlite,TableStorage")]
    [InlineData(" Sqlite")]
    public void Any_other_value_stops_the_start_naming_the_key_and_the_choices(string value)
    {
        var refused = Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddConsentStorage(Configuration(value)));

        Assert.Contains($"Consent:Storage:Provider '{value}'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Sqlite or TableStorage", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, typeof(SqliteAccountStore), typeof(SqliteDeviceStore), typeof(SqliteIntentLog), typeof(SqliteProjectionStore))]
    [InlineData("TableStorage", typeof(TableAccountStore), typeof(TableDeviceStore), typeof(TableIntentLog), typeof(TableProjectionStore))]
    public async Task Each_provider_serves_every_store_port(string? value, Type accounts, Type devices, Type intents, Type projections)
    {
        var path = Path.Combine(Path.GetTempPath(), "consent-gateway-tests", Guid.NewGuid().ToString("N") + ".db");
        var configuration = Configuration(value, ("Consent:Storage:SqlitePath", path));
        await using var provider = new ServiceCollection().AddLogging().AddConsentStorage(configuration).BuildServiceProvider();
        try
        {
            Assert.IsType(accounts, provider.GetRequiredService<IAccountStore>());
            Assert.IsType(devices, provider.GetRequiredService<IDeviceStore>());
            Assert.IsType(intents, provider.GetRequiredService<IIntentLog>());
            Assert.IsType(projections, provider.GetRequiredService<IProjectionStore>());
        }
        finally
        {
            await provider.DisposeAsync();
            foreach (var file in Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + "*"))
            {
                File.Delete(file);
            }
        }
    }

    private static IConfiguration Configuration(string? provider, params (string Key, string Value)[] more) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection([new("Consent:Storage:Provider", provider), .. more.Select(setting => new KeyValuePair<string, string?>(setting.Key, setting.Value))])
            .Build();
}
