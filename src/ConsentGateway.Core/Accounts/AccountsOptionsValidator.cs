using Microsoft.Extensions.Options;

namespace ConsentGateway.Core.Accounts;

/// <summary>Checks <see cref="AccountsOptions"/> at start; the message names the setting.</summary>
internal sealed class AccountsOptionsValidator : IValidateOptions<AccountsOptions>
{
    public ValidateOptionsResult Validate(string? name, AccountsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.MaxAccountsPerDevice is < 1 or > AccountsOptions.MaxAllowedAccountsPerDevice
            ? ValidateOptionsResult.Fail($"{AccountsOptions.SectionName}:MaxAccountsPerDevice must be between 1 and {AccountsOptions.MaxAllowedAccountsPerDevice} (a device's projection row holds at most that many account ids).")
            : ValidateOptionsResult.Success;
    }
}
