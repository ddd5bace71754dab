using ConsentGateway.Contracts;
using ConsentGateway.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class HttpServiceCollectionExtensions
{
    /// <summary>The HTTP layer of both hosts: authentication, proxy keys, endpoint handlers, problem details.</summary>
    public static IServiceCollection AddConsentHttp(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddConsentAuthentication(configuration);
        services.TryAddSingleton<AccountEndpoints>();

        services.AddOptions<ProxyOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<ProxyOptions>>(new ProxyOptionsSetup(configuration)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProxyOptions>, ProxyOptionsValidator>());
        services.TryAddSingleton<ProxyAuthenticator>();
        services.TryAddSingleton<DecisionJson>();
        services.TryAddSingleton<EvaluationEndpoints>();
        services.TryAddSingleton<PolicyEndpoints>();
        services.AddConsentHealthChecks();
        services.AddExceptionHandler<BadRequestFramingHandler>();

        // Typed results write their bodies with the app's JSON options: the API's generated metadata
        // first, and numbers never read from strings, as ApiJsonContext reads (the OpenAPI schemas say so).
        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default);
            options.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
        });

        // Problems the framework writes itself (unknown route, wrong method, unhandled error)
        // get the same shape and a stable code as ours.
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var status = context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode;
            if (!context.ProblemDetails.Extensions.ContainsKey(ProblemTypes.CodeMember))
            {
                var code = Problems.CodeOf(status);
                context.ProblemDetails.Extensions[ProblemTypes.CodeMember] = code;
                context.ProblemDetails.Type = ProblemTypes.Of(code);
            }
        });
        return services;
    }
}
