namespace ConsentGateway.Contracts;

/// <summary>The <c>X-Consent-*</c> headers of the API, of <c>/check</c> and of the redacting proxy.</summary>
public static class ConsentHeaders
{
    /// <summary>Every header of the gateway's vocabulary starts with this.</summary>
    public const string Prefix = "X-Consent-";

    /// <summary>The egress proxy's key, on every call of the evaluation API.</summary>
    public const string Key = "X-Consent-Key";

    // /check questions (nginx auth_request, Envoy ext_authz).

    public const string Partner = "X-Consent-Partner";
    public const string Via = "X-Consent-Via";
    public const string User = "X-Consent-User";
    public const string Device = "X-Consent-Device";

    /// <summary>A comma-separated list of data items.</summary>
    public const string Data = "X-Consent-Data";
    public const string Country = "X-Consent-Country";

    /// <summary>A write's consistency token: the answer must reflect at least that write (read-your-writes; also the redacting proxy's default request header for it).</summary>
    public const string AtLeastAsFresh = "X-Consent-At-Least-As-Fresh";

    // /check answers; Decision and DecisionId are also on the redacting proxy's answers.

    /// <summary><c>allow</c>, <c>partial</c> or <c>deny</c> (<see cref="Decisions"/>).</summary>
    public const string Decision = "X-Consent-Decision";

    /// <summary>A comma-separated list of reason codes (<see cref="ReasonCodes"/>).</summary>
    public const string Reason = "X-Consent-Reason";
    public const string AllowedData = "X-Consent-Allowed-Data";
    public const string PolicyVersion = "X-Consent-Policy-Version";
    public const string DecisionId = "X-Consent-Decision-Id";

    /// <summary>On the redacting proxy's answer: the paths of the body fields it removed before forwarding.</summary>
    public const string Removed = "X-Consent-Removed";

    /// <summary>On the answer of a write that has no body (<c>DELETE</c> of an account): its consistency token.</summary>
    public const string ConsistencyToken = "X-Consent-Consistency-Token";
}
