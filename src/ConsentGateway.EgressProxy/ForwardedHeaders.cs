using System.Collections.Frozen;
using ConsentGateway.Contracts;

namespace ConsentGateway.EgressProxy;

/// <summary>
/// The request headers a route sends to its partner: the content headers every request needs,
/// plus those its rule names (<see cref="ConsentRouteOptions.ForwardHeaders"/>). Everything else
/// the caller sent stays inside (cookies, credentials, trace context and baggage, forwarding
/// headers, internal headers such as an X-Internal-User-Email), and so does every <c>X-Consent-*</c>
/// except the proxy's own decision id when the rule names it.
/// </summary>
internal sealed class ForwardedHeaders
{
    /// <summary>What a partner needs to read the body and choose its answer's format.</summary>
    public static readonly IReadOnlyList<string> Defaults = ["Accept", "Accept-Encoding", "Content-Type", "Content-Length", "Content-Encoding"];

    private readonly FrozenSet<string> _allowed;

    private ForwardedHeaders(IEnumerable<string> named)
    {
        _allowed = Defaults.Concat(named).ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        ForwardsDecisionId = _allowed.Contains(ConsentHeaders.DecisionId);
    }

    /// <summary>Whether the partner gets the decision id (<c>X-Consent-Decision-Id</c>, set by the proxy), for its audit trail.</summary>
    public bool ForwardsDecisionId { get; }

    public static ForwardedHeaders None { get; } = new([]);

    public bool Allows(string name) => _allowed.Contains(name);

    /// <summary>Checks a rule's named headers, adding a message naming the setting for each bad one (null when there are any).</summary>
    public static ForwardedHeaders? Create(IReadOnlyList<string> named, string setting, List<string> failures)
    {
        var before = failures.Count;
        for (var i = 0; i < named.Count; i++)
        {
            var name = named[i];
            if (string.IsNullOrEmpty(name) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                failures.Add($"{setting}:{i} '{name}' is not a header name.");
            }
            else if (name.StartsWith(ConsentHeaders.Prefix, StringComparison.OrdinalIgnoreCase) && !name.Equals(ConsentHeaders.DecisionId, StringComparison.OrdinalIgnoreCase))
            {
                failures.Add($"{setting}:{i} '{name}': the only {ConsentHeaders.Prefix} header a partner may get is {ConsentHeaders.DecisionId} (the others are the gateway's internal vocabulary).");
            }
        }

        return failures.Count > before ? null : new ForwardedHeaders(named);
    }
}
