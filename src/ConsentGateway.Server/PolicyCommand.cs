using System.CommandLine;
using ConsentGateway.Core;
using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Evaluation;
using ConsentGateway.Core.Impact;
using ConsentGateway.Core.Policy;
using ConsentGateway.Core.Projection;
using ConsentGateway.Infrastructure.Sqlite;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Server;

/// <summary>
/// <c>policy validate FILE</c>: the start-up check of a policy document, without starting.
/// <c>policy diff FILE [--json]</c>: what switching from the policy in force (<c>Consent:PolicyPath</c>,
/// or the shipped default) to FILE would change for every projected account and device of the
/// configured store. The SQLite store is read from an online backup taken first, so the answer
/// is one moment's population and the server may go on serving; Table Storage is scanned directly.
/// </summary>
internal static class PolicyCommand
{
    public const string Name = "policy";

    public const string Usage =
        """
        Usage: policy validate FILE
               policy diff FILE [--json] [--Consent:Storage:Provider Sqlite|TableStorage] [--Consent:Storage:SqlitePath DATABASE] [--Consent:PolicyPath IN-FORCE.json]
        """;

    public static Command Create(IReadOnlyList<string> settings)
    {
        var validateFile = new Argument<string>("FILE") { Description = "The policy document to check." };
        var validate = new Command("validate", "Check a policy document as the gateway does at start: every problem, each with its field path; exit code 1 when invalid.") { validateFile };
        validate.SetAction(result => Validate(result.GetValue(validateFile)!) is { } policy ? Valid(policy) : 1);

        var diffFile = new Argument<string>("FILE") { Description = "The candidate policy document." };
        var json = new Option<bool>("--json") { Description = "Print the report as one JSON document." };
        var diff = new Command("diff", "What switching to FILE would change: every projected account and device of the configured store, under the policy in force and the candidate.") { diffFile, json };
        diff.SetAction((result, _) => DiffAsync(result.GetValue(diffFile)!, result.GetValue(json), [.. settings]));

        return new Command(Name, "Check a policy document, or see what a switch to it would change, before it is in force.") { validate, diff };
    }

    private static int Valid(CompiledPolicy policy)
    {
        Console.WriteLine($"Valid: policy {policy.Version}, {policy.Partnerships.Count} partnership(s), {policy.Document.Partners!.Count} partner(s), {policy.DataItems.Count} data item(s).");
        return 0;
    }

    // The same messages as at start-up: every problem, each with its field path.
    private static CompiledPolicy? Validate(string file)
    {
        try
        {
            return PolicyLoader.Load(file);
        }
        catch (PolicyValidationException ex)
        {
            Console.Error.WriteLine($"{file}: {ex.Message}");
        }
        catch (IOException ex)
        {
            Console.Error.WriteLine($"{file}: {ex.Message}");
        }
        catch (UnauthorizedAccessException ex)
        {
            Console.Error.WriteLine($"{file}: {ex.Message}");
        }

        return null;
    }

    private static async Task<int> DiffAsync(string file, bool json, string[] settings)
    {
        if (Validate(file) is not { } candidate)
        {
            return 1;
        }

        var configuration = CommandConfiguration.Build(settings);
        CompiledPolicy current;
        StorageProvider provider;
        try
        {
            current = PolicyLoader.Load(configuration[CoreServiceCollectionExtensions.PolicyPathKey]);
            provider = ServerServiceCollectionExtensions.StorageProviderOf(configuration);
        }
        catch (Exception ex) when (ex is PolicyValidationException or OptionsValidationException or IOException)
        {
            Console.Error.WriteLine($"The policy in force or the store could not be read: {ex.Message}");
            return 1;
        }

        // The copy holds personal data, and opening it leaves -wal, -shm and -lock files beside it:
        // a directory of its own (0700 on Unix), removed whole.
        var snapshotDirectory = provider == StorageProvider.Sqlite ? Directory.CreateTempSubdirectory("consent-policy-diff-") : null;
        var snapshot = snapshotDirectory is null ? null : Path.Combine(snapshotDirectory.FullName, "store.db");
        try
        {
            if (snapshot is not null)
            {
                var source = configuration.GetSection(SqliteStorageOptions.SectionName).Get<SqliteStorageOptions>()?.SqlitePath ?? SqliteStorageOptions.DefaultPath;
                SqliteDatabase.BackUp(source, snapshot);
                configuration = new ConfigurationBuilder().AddConfiguration(configuration)
                    .AddInMemoryCollection([new($"{SqliteStorageOptions.SectionName}:{nameof(SqliteStorageOptions.SqlitePath)}", snapshot)]).Build();
            }

            await using var services = new ServiceCollection().AddLogging().AddConsentStorage(configuration).BuildServiceProvider();
            var limits = Options.Create(configuration.GetSection(AccountsOptions.SectionName).Get<AccountsOptions>() ?? new AccountsOptions());
            var pseudonyms = new SubjectPseudonyms((configuration.GetSection(EvaluationOptions.SectionName).Get<EvaluationOptions>() ?? new EvaluationOptions()).SubjectHashKey);
            var analysis = new PolicyImpactAnalysis(services.GetRequiredService<IProjectionScan>(), services.GetRequiredService<IProjectionStore>(), limits);
            var report = await analysis.AnalyseAsync(current, candidate, id => pseudonyms.Subject(id)!, CancellationToken.None).ConfigureAwait(false);
            if (json)
            {
                using var stdout = Console.OpenStandardOutput();
                ImpactReportWriter.WriteJson(report, stdout);
            }
            else
            {
                ImpactReportWriter.WriteTable(report, Console.Out);
            }

            return 0;
        }
        catch (Exception ex) when (ex is SqliteStoreFileException or Core.StoreUnavailableException or OptionsValidationException)
        {
            Console.Error.WriteLine($"The store could not be read: {ex.Message}");
            return 1;
        }
        finally
        {
            snapshotDirectory?.Delete(recursive: true);
        }
    }
}
