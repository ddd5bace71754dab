using ConsentGateway.Contracts;
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
        services.AddSingleton<PolicyEndpoints>();

        // Typed results write their bodies with the app's JSON options: the API's generated metadata first.
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default));

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

    private sealed class ProxyOptionsValidator(CompiledPolicy policy) : IValidateOptions<ProxyOptions>
    {
        public ValidateOptionsResult Validate(string? name, ProxyOptions options)
        {
            var problems = options.Problems(policy).ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
