using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Evaluation;
using ConsentGateway.Core.Policy;
using ConsentGateway.Core.Propagation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class CoreServiceCollectionExtensions
{
    /// <summary>The configuration key of an alternative policy document; empty means the shipped one.</summary>
    public const string PolicyPathKey = "Consent:PolicyPath";

    /// <summary>
    /// The policy (from <c>Consent:PolicyPath</c> or the shipped default), the use cases and the
    /// propagation (feed, projector, consumer, repair; options from <c>Consent:Propagation</c>).
    /// Hosts resolve <see cref="CompiledPolicy"/> at start so that an invalid document stops them.
    /// The host provides the ports' implementations and <c>IMeterFactory</c> (<c>AddMetrics</c>).
    /// </summary>
    public static IServiceCollection AddConsentCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(_ => PolicyLoader.Load(configuration[PolicyPathKey]));
        services.AddSingleton<AccountService>();

        services.AddOptions<PropagationOptions>().Bind(configuration.GetSection(PropagationOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PropagationOptions>, PropagationOptionsValidator>();
        services.AddSingleton<PropagationMetrics>();
        services.AddSingleton<ChangeFeed>();
        services.AddSingleton<Projector>();
        services.AddSingleton<ChangeNoticeConsumer>();
        services.AddSingleton<Repairer>();

        services.AddOptions<EvaluationOptions>().Bind(configuration.GetSection(EvaluationOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<EvaluationOptions>, EvaluationOptionsValidator>();
        services.AddSingleton<EvaluationMetrics>();
        services.AddSingleton<SubjectCache>();
        services.AddSingleton<DecisionLog>();
        services.AddSingleton<DecisionService>();
        return services;
    }

    private sealed class EvaluationOptionsValidator(IOptions<PropagationOptions> propagation) : IValidateOptions<EvaluationOptions>
    {
        public ValidateOptionsResult Validate(string? name, EvaluationOptions options)
        {
            var problems = options.Problems(propagation.Value.StalenessBound).ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }

    private sealed class PropagationOptionsValidator : IValidateOptions<PropagationOptions>
    {
        public ValidateOptionsResult Validate(string? name, PropagationOptions options)
        {
            var problems = options.Problems().ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
