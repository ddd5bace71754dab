using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Client.Tests;

public sealed class OptionsTests
{
    [Theory]
    [InlineData("BaseAddress")]
    [InlineData("ProxyKey")]
    [InlineData("Timeout")]
    [InlineData("Retries")]
    [InlineData("CacheMaxEntries")]
    [InlineData("MicroBatchMaxSize")]
    [InlineData("MicroBatchMaxDelay")]
    public void An_invalid_option_fails_at_start_naming_the_option(string option)
    {
        using var provider = TestClient.Build(FakeHandler.Echoing(5), o =>
        {
            o.MicroBatchingEnabled = option.StartsWith("MicroBatch", StringComparison.Ordinal);
            switch (option)
            {
                case "BaseAddress": o.BaseAddress = new Uri("/relative", UriKind.Relative); break;
                case "ProxyKey": o.ProxyKey = " "; break;
                case "Timeout": o.Timeout = TimeSpan.Zero; break;
                case "Retries": o.Retries = 9; break;
                case "CacheMaxEntries": o.CacheMaxEntries = 0; break;
                case "MicroBatchMaxSize": o.MicroBatchMaxSize = 1001; break;
                default: o.MicroBatchMaxDelay = TimeSpan.Zero; break;
            }
        });

        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        var message = Assert.Single(failure.Failures);
        Assert.Contains($"ConsentGatewayClientOptions.{option}", message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_defaults_with_an_address_and_a_key_pass_validation()
    {
        using var provider = TestClient.Build(FakeHandler.Echoing(5));

        provider.GetRequiredService<IStartupValidator>().Validate();
        var options = provider.GetRequiredService<IOptions<ConsentGatewayClientOptions>>().Value;

        Assert.True(options.CacheEnabled);
        Assert.False(options.MicroBatchingEnabled);
        Assert.Equal(1, options.Retries);
    }

    [Fact]
    public void The_documented_defaults_are_a_200_ms_timeout_one_retry_and_the_cache_on()
    {
        var options = new ConsentGatewayClientOptions();

        Assert.Equal(TimeSpan.FromMilliseconds(200), options.Timeout);
        Assert.Equal(1, options.Retries);
        Assert.True(options.CacheEnabled);
        Assert.False(options.MicroBatchingEnabled);
    }
}
