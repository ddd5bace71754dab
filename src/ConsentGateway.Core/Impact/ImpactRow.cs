using ConsentGateway.Core.Evaluation;
using ConsentGateway.Core.Changes;

namespace ConsentGateway.Core.Impact;

/// <summary>
/// One kind of flip and how many subjects it touches: accounts (or devices) whose answer for
/// one data item to one partner changes the same way, in one region, for the same reasons.
/// </summary>
/// <param name="Partnership">The partner's partnership under the candidate (under the policy in force when the candidate drops the partner).</param>
/// <param name="Region">The region ids of the subject's country under the candidate, joined with '+'; <c>elsewhere</c> in none; for a device, its accounts' regions (<c>no account</c> when it has none).</param>
/// <param name="Examples">A few pseudonymous subject ids (keyed hashes), never raw ids.</param>
public sealed record ImpactRow(
    ImpactChange Change,
    SubjectKind Kind,
    string Partnership,
    string Partner,
    string DataItem,
    string Region,
    ReasonCode FromReason,
    ReasonCode ToReason,
    long Count,
    IReadOnlyList<string> Examples);
