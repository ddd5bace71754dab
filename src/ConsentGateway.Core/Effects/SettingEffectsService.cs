using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Policy;
using ConsentGateway.Core.Projection;

namespace ConsentGateway.Core.Effects;

/// <summary>
/// The use cases of a person's view of their setting (SPEC §4): its effects, read from the
/// account store (the setting as stored) and the decision projection (what decisions read),
/// and the export of everything held about the account.
/// </summary>
public sealed class SettingEffectsService(IAccountStore accounts, IProjectionStore projections, PolicyInForce policies, TimeProvider time)
{
    public async Task<Outcome<SettingEffects>> GetEffectsAsync(string userId, CancellationToken cancellationToken)
    {
        var account = await FindAsync(userId, cancellationToken).ConfigureAwait(false);
        return account.Failure is { } failure ? failure : await EffectsOfAsync(account.Value!, policies.Current, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The account's facts, setting, history with receipts, effects and linked devices.</summary>
    public async Task<Outcome<AccountExport>> ExportAsync(string userId, CancellationToken cancellationToken)
    {
        var found = await FindAsync(userId, cancellationToken).ConfigureAwait(false);
        if (found.Failure is { } failure)
        {
            return failure;
        }

        var account = found.Value!;
        var policy = policies.Current;
        var exportedAt = time.GetUtcNow();
        var history = await accounts.GetHistoryAsync(userId, cancellationToken).ConfigureAwait(false);
        var devices = await accounts.GetLinkedDevicesAsync(userId, cancellationToken).ConfigureAwait(false);
        var effects = await EffectsOfAsync(account, policy, cancellationToken).ConfigureAwait(false);
        return new AccountExport(exportedAt, account, SettingView.Of(account, policy), history, effects, devices);
    }

    private async Task<Outcome<AccountRecord>> FindAsync(string userId, CancellationToken cancellationToken)
    {
        if (Identifiers.CheckUserId(userId) is { } invalidId)
        {
            return invalidId;
        }

        return await accounts.FindAsync(userId, cancellationToken).ConfigureAwait(false) is { Exists: true } account ? account : Failure.AccountNotFound();
    }

    // The projection is read after the account: a change in between makes it newer, never older, than the setting answered.
    private async Task<SettingEffects> EffectsOfAsync(AccountRecord account, CompiledPolicy policy, CancellationToken cancellationToken)
    {
        var row = await projections.GetAccountAsync(account.UserId, cancellationToken).ConfigureAwait(false);
        return EffectsEvaluator.Evaluate(policy, account, row?.Value);
    }
}
