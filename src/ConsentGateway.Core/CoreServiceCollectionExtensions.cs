using ConsentGateway.Core;
using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Effects;
using ConsentGateway.Core.Evaluation;
using ConsentGateway.Core.Policy;
using ConsentGateway.Core.Projection;
using ConsentGateway.Core.Propagation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class CoreServiceCollectionExtensions
{
    /// <summary>The configuration key of an alternative policy document; empty means the shipped one.</summary>
    public const string PolicyPathKey = "Consent:PolicyPath";

    /// <summary>
    /// The policy (from <c>Consent:PolicyPath</c> or the shipped default), the use cases (limits from <c>Consent:Accounts</c>) and the
    /// propagation (feed, projector, consumer, repair; options from <c>Consent:Propagation</c>).
    /// Hosts resolve <see cref="PolicyInForce"/> at start so that an invalid document stops them.
    /// The host provides the ports' implementations and <c>IMeterFactory</c> (<c>AddMetrics</c>).
    /// </summary>
    public static IServiceCollection AddConsentCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => new PolicyInForce(PolicyLoader.Load(configuration[PolicyPathKey])));
        services.TryAddSingleton<PolicyMetrics>();
        services.AddOptions<AccountsOptions>().Bind(configuration.GetSection(AccountsOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AccountsOptions>, AccountsOptionsValidator>());
        services.TryAddSingleton<AccountService>();
        services.TryAddSingleton<SettingEffectsService>();
        services.AddOptions<ConsistencyTokenOptions>().Bind(configuration.GetSection(ConsistencyTokenOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConsistencyTokenOptions>, ConsistencyTokenOptionsValidator>());
        services.TryAddSingleton<ConsistencyTokens>();

        services.AddOptions<PropagationOptions>().Bind(configuration.GetSection(PropagationOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PropagationOptions>, PropagationOptionsValidator>());
        services.TryAddSingleton<PropagationMetrics>();
        services.TryAddSingleton<ChangeFeed>();
        services.TryAddSingleton<Projector>();
        services.TryAddSingleton<ChangeNoticeConsumer>();
        services.TryAddSingleton<Repairer>();

        services.AddOptions<ChangeLogOptions>().Bind(configuration.GetSection(ChangeLogOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ChangeLogOptions>, ChangeLogOptionsValidator>());

        services.AddOptions<EvaluationOptions>().Bind(configuration.GetSection(EvaluationOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EvaluationOptions>, EvaluationOptionsValidator>());
        services.TryAddSingleton<EvaluationMetrics>();
        services.TryAddSingleton<SubjectCache>();
        services.AddSingleton<IProjectedChangeObserver>(provider => provider.GetRequiredService<SubjectCache>());
        services.TryAddSingleton<ReadLanes>();
        services.AddSubjectPseudonyms();
        services.TryAddSingleton<DecisionLog>();
        services.TryAddSingleton<DecisionService>();
        return services;
    }

    /// <summary>
    /// The keyed pseudonyms of subject ids (decision log hashes, Service Bus message ids) under
    /// <c>Consent:Evaluation:SubjectHashKey</c> (<see cref="EvaluationOptions.SubjectHashKey"/>);
    /// for layers registered without Core too (the key is then random per process).
    /// </summary>
    public static IServiceCollection AddSubjectPseudonyms(this IServiceCollection services)
    {
        services.AddOptions();
        services.TryAddSingleton(provider => new SubjectPseudonyms(provider.GetRequiredService<IOptions<EvaluationOptions>>().Value.SubjectHashKey));
        return services;
    }

    /// <summary>
    /// For an instance whose projector is not the only one of its store (the Functions app): its
    /// decision cache follows the change log through <see cref="ChangeLogWatcher"/> (the host runs
    /// <see cref="ChangeLogWatcher.RunAsync"/>), which tells it up to when it knows every change.
    /// </summary>
    public static IServiceCollection AddChangeLogWatch(this IServiceCollection services)
    {
        services.TryAddSingleton<ChangeLogWatcher>();
        return services;
    }
}
