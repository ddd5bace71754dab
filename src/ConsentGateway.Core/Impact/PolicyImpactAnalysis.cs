using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Evaluation;
using ConsentGateway.Core.Policy;
using ConsentGateway.Core.Projection;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Core.Impact;

/// <summary>
/// What a candidate policy would change before it is switched on: every projected account and
/// device is evaluated by the same evaluator as decisions, under the policy in force and under the
/// candidate, for every data item of every partner of either, and the answers that differ are
/// counted. It streams the projection a page at a time (a device page reads its accounts' rows as
/// one group), so memory holds one page and the tally, whatever the population.
/// </summary>
/// <remarks>
/// Each question is the one a proxy asks for one item, without <c>via</c> and without a country:
/// a device with no account is judged as a proxy that does not know its location would see it.
/// </remarks>
public sealed class PolicyImpactAnalysis(IProjectionScan scan, IProjectionStore projections, IOptions<AccountsOptions> limits)
{
    public const int PageSize = 1000;

    /// <param name="pseudonym">Turns a subject id into what a report may show (a keyed hash).</param>
    public async Task<ImpactReport> AnalyseAsync(CompiledPolicy current, CompiledPolicy candidate, Func<string, string> pseudonym, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(pseudonym);
        var tally = new ImpactTally(current, candidate, ImpactQuestion.Of(current, candidate), pseudonym);
        long accounts = 0;
        await foreach (var page in scan.ScanAccountsAsync(PageSize, cancellationToken).ConfigureAwait(false))
        {
            foreach (var account in page)
            {
                tally.Account(account);
            }

            accounts += page.Count;
        }

        long devices = 0;
        var maxAccounts = limits.Value.MaxAccountsPerDevice;
        await foreach (var page in scan.ScanDevicesAsync(PageSize, cancellationToken).ConfigureAwait(false))
        {
            var linked = page.Where(device => device.IsWithin(maxAccounts)).SelectMany(device => device.LinkedUserIds).Distinct(StringComparer.Ordinal).ToList();
            var rows = linked.Count == 0 ? new Dictionary<string, Stored<AccountProjection>>() : await projections.GetAccountsAsync(linked, cancellationToken).ConfigureAwait(false);
            foreach (var device in page)
            {
                tally.Device(device, rows, maxAccounts);
            }

            devices += page.Count;
        }

        return new ImpactReport(current.Version, candidate.Version, accounts, devices, tally.Rows());
    }
}
