using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Projection;
using ConsentGateway.Infrastructure.Sqlite;
using ConsentGateway.Infrastructure.Tests.Contracts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Infrastructure.Tests.Sqlite;

public sealed class SqliteStorageOptionsTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public void The_default_file_is_under_the_ignored_data_directory()
    {
        Assert.Equal(".data/consent.db", new SqliteStorageOptions().SqlitePath);
        Assert.True(new SqliteStorageOptionsValidator().Validate(null, new SqliteStorageOptions()).Succeeded);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("data/")]
    [InlineData("with\0nul.db")]
    public void A_path_that_names_no_file_is_refused_naming_the_key(string path)
    {
        var result = new SqliteStorageOptionsValidator().Validate(null, new SqliteStorageOptions { SqlitePath = path });

        Assert.True(result.Failed);
        Assert.Contains("Consent:Storage:SqlitePath", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void An_existing_directory_is_refused_naming_the_key()
    {
        var result = new SqliteStorageOptionsValidator().Validate(null, new SqliteStorageOptions { SqlitePath = Path.GetTempPath().TrimEnd('/') });

        Assert.Contains("is a directory", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Starting_the_registrations_creates_the_file_and_a_bad_path_stops_the_start()
    {
        var path = SqliteStoreHarness.NewPath();
        try
        {
            using (var host = BuildHost(path))
            {
                await host.StartAsync(Ct);
                Assert.True(File.Exists(path));

                // The change log is the file's too.
                var log = Assert.IsType<SqliteChangeLog>(host.Services.GetRequiredService<IChangeLog>());
                var head = await log.GetHeadAsync(Ct);
                var change = new ProjectedChange(SubjectKind.Device, "d1", SubjectVersion.OfDevice(1));
                await log.AppendAsync(change, Ct);
                Assert.Equal([change], (await log.ReadAsync(head, 10, Ct)).Changes);
                await host.StopAsync(Ct);
            }

            using var refused = BuildHost(" ");
            var error = await Assert.ThrowsAsync<OptionsValidationException>(() => refused.StartAsync(Ct));
            Assert.Contains("Consent:Storage:SqlitePath", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            SqliteFiles.Delete(path);
        }
    }

    private static IHost BuildHost(string path)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection([new("Consent:Storage:SqlitePath", path)]);
        builder.Services.AddConsentSqlite(builder.Configuration);
        return builder.Build();
    }
}
