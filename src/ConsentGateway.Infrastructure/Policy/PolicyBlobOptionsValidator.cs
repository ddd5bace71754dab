using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Infrastructure.Policy;

/// <summary>Checks <see cref="PolicyBlobOptions"/> at start; every message names the setting at fault.</summary>
internal sealed class PolicyBlobOptionsValidator : IValidateOptions<PolicyBlobOptions>
{
    private const string Prefix = PolicyBlobOptions.SectionName + ":";

    /// <summary>Every instance asks once per interval: faster costs requests for nothing.</summary>
    internal static readonly TimeSpan MinPollInterval = TimeSpan.FromSeconds(1);

    /// <summary>A published document must reach every instance in minutes, not hours.</summary>
    internal static readonly TimeSpan MaxPollInterval = TimeSpan.FromMinutes(5);

    public ValidateOptionsResult Validate(string? name, PolicyBlobOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        if (options.ServiceUri is { } serviceUri)
        {
            if (!serviceUri.IsAbsoluteUri || serviceUri.Scheme != Uri.UriSchemeHttps)
            {
                failures.Add($"{Prefix}{nameof(options.ServiceUri)} must be the absolute https address of the blob endpoint, e.g. https://myaccount.blob.core.windows.net/ (identity-based access needs TLS).");
            }
        }
        else if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add($"{Prefix}{nameof(options.ServiceUri)} (identity-based) or {Prefix}{nameof(options.ConnectionString)} must be set: the section {PolicyBlobOptions.SectionName} turns the blob policy source on.");
        }
        else
        {
            CheckConnectionString(options.ConnectionString, failures);
        }

        if (!IsValidContainerName(options.ContainerName))
        {
            failures.Add($"{Prefix}{nameof(options.ContainerName)} is '{options.ContainerName}', which is not a valid container name: 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.");
        }

        if (string.IsNullOrWhiteSpace(options.BlobName) || options.BlobName.Length > 1024)
        {
            failures.Add($"{Prefix}{nameof(options.BlobName)} must name the policy blob (1 to 1024 characters).");
        }

        if (options.PollInterval < MinPollInterval || options.PollInterval > MaxPollInterval)
        {
            failures.Add($"{Prefix}{nameof(options.PollInterval)} is {options.PollInterval}: it must be between {MinPollInterval} and {MaxPollInterval}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsValidContainerName(string? containerName) =>
        containerName is { Length: >= 3 and <= 63 }
        && containerName[0] != '-'
        && containerName[^1] != '-'
        && containerName.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
        && !containerName.Contains("--", StringComparison.Ordinal);

    private static void CheckConnectionString(string connectionString, List<string> failures)
    {
        try
        {
            // Parses only; no request is sent.
            _ = new BlobServiceClient(connectionString);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            // The value is not shown: it may hold an account key.
            failures.Add($"{Prefix}{nameof(PolicyBlobOptions.ConnectionString)} is not a valid storage connection string ({ex.GetType().Name}).");
        }
    }
}
