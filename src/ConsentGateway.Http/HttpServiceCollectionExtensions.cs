using ConsentGateway.Core.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Http;

public static class HttpServiceCollectionExtensions
{
    /// <summary>The HTTP layer of both hosts: authentication, endpoint handlers, problem details.</summary>
    public static IServiceCollection AddConsentHttp(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddConsentAuthentication(configuration);
        services.AddSingleton<AccountEndpoints>();

        services.AddOptions<ProxyOptions>().Configure(options => options.Bind(configuration)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ProxyOptions>, ProxyOptionsValidator>();
        services.AddSingleton<ProxyAuthenticator>();
        services.AddSingleton<DecisionJson>();
        services.AddSingleton<EvaluationEndpoints>();

        // Problems the framework writes itself (unknown route, wrong method, unhandled error)
        // get the same shape and a stable code as ours.
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var status = context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode;
            if (!context.ProblemDetails.Extensions.ContainsKey("code"))
            {
                var code = Problems.CodeOf(status);
                context.ProblemDetails.Extensions["code"] = code;
                context.ProblemDetails.Type = Problems.TypePrefix + code;
            }
        });
        return services;
    }

    private sealed class ProxyOptionsValidator(CompiledPolicy policy) : IValidateOptions<ProxyOptions>
    {
        public ValidateOptionsResult Validate(string? name, ProxyOptions options)
        {
            var problems = options.Problems(policy).ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
