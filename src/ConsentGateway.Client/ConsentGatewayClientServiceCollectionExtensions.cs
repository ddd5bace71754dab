using ConsentGateway.Client;
using ConsentGateway.Contracts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="IConsentGatewayClient"/>.</summary>
public static class ConsentGatewayClientServiceCollectionExtensions
{
    /// <summary>The name of the resilience pipeline on the gateway's HTTP client.</summary>
    public const string PipelineName = "consent-gateway";

    /// <summary>Registers the client with options set in code.</summary>
    /// <returns>The typed HTTP client's builder, for further configuration.</returns>
    public static IHttpClientBuilder AddConsentGatewayClient(this IServiceCollection services, Action<ConsentGatewayClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<ConsentGatewayClientOptions>().Configure(configure).ValidateOnStart();
        return AddCore(services, sectionPath: null);
    }

    /// <summary>Registers the client with options bound from a configuration section (<see cref="ConsentGatewayClientOptions.SectionName"/> by convention).</summary>
    /// <returns>The typed HTTP client's builder, for further configuration.</returns>
    public static IHttpClientBuilder AddConsentGatewayClient(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        services.AddOptions<ConsentGatewayClientOptions>().Bind(section).ValidateOnStart();
        return AddCore(services, (section as IConfigurationSection)?.Path);
    }

    private static IHttpClientBuilder AddCore(IServiceCollection services, string? sectionPath)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConsentGatewayClientOptions>, ConsentGatewayClientOptionsValidator>(
            _ => new ConsentGatewayClientOptionsValidator(sectionPath)));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IConsentGatewayClient, ConsentGatewayClient>();

        var builder = services.AddHttpClient<ConsentGatewayTransport>((provider, http) =>
        {
            var options = provider.GetRequiredService<IOptions<ConsentGatewayClientOptions>>().Value;
            if (options.BaseAddress is { } address)
            {
                http.BaseAddress = address.AbsoluteUri.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/");
            }

            if (!string.IsNullOrEmpty(options.ProxyKey))
            {
                http.DefaultRequestHeaders.Add(ConsentHeaders.Key, options.ProxyKey);
            }

            // The resilience pipeline's total timeout is the one that applies.
            http.Timeout = Timeout.InfiniteTimeSpan;
        });

        builder.AddResilienceHandler(PipelineName, static (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<ConsentGatewayClientOptions>>().Value;
            pipeline.AddTimeout(options.Timeout);
            if (options.Retries > 0)
            {
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = options.Retries,
                    BackoffType = DelayBackoffType.Constant,
                    Delay = TimeSpan.FromMilliseconds(10),
                    UseJitter = true,
                });
            }

            pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                FailureRatio = 0.5,
                MinimumThroughput = 20,
                SamplingDuration = TimeSpan.FromSeconds(10),
                BreakDuration = TimeSpan.FromSeconds(5),
            });
        });

        return builder;
    }
}
