namespace ConsentGateway.Contracts;

/// <summary>
/// Every <c>code</c> the gateway's API answers in a problem (the <c>type</c> is
/// <see cref="ProblemTypes.Of"/> of it). Codes are stable: clients branch on them.
/// </summary>
public static class ProblemCodes
{
    // Ids, facts and the setting (400).
    public const string InvalidUserId = "invalid-user-id";
    public const string InvalidDeviceId = "invalid-device-id";
    public const string InvalidCountry = "invalid-country";
    public const string InvalidSignedUpAt = "invalid-signed-up-at";
    public const string SignedUpAtInFuture = "signed-up-at-in-future";
    public const string MissingField = "missing-field";
    public const string InvalidIfMatch = "invalid-if-match";
    public const string InvalidNoticeVersion = "invalid-notice-version";

    // Bodies.
    public const string UnknownField = "unknown-field";
    public const string MalformedJson = "malformed-json";
    public const string UnsupportedMediaType = "unsupported-media-type";
    public const string BodyTooLarge = "body-too-large";

    // Evaluation questions (400; a too large batch is 413).
    public const string MissingPartner = "missing-partner";
    public const string InvalidPartner = "invalid-partner";
    public const string MissingSubject = "missing-subject";
    public const string MissingData = "missing-data";
    public const string UnknownDataItem = "unknown-data-item";
    public const string InvalidRequestId = "invalid-request-id";
    public const string RepeatedHeader = "repeated-header";
    public const string EmptyBatch = "empty-batch";
    public const string MissingRequest = "missing-request";
    public const string BatchTooLarge = "batch-too-large";

    // Read-your-writes (400): a consistency token that is not one, or whose MAC does not verify.
    public const string MalformedConsistencyToken = "malformed-consistency-token";
    public const string ForgedConsistencyToken = "forged-consistency-token";

    // Who may do what.
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string ProxyUnauthorized = "proxy-unauthorized";
    public const string ProxyNotAllowed = "proxy-not-allowed";

    // State.
    public const string AccountNotFound = "account-not-found";
    public const string VersionMismatch = "version-mismatch";
    public const string ConcurrentUpdate = "concurrent-update";
    public const string TooManyLinkedAccounts = "too-many-linked-accounts";
    public const string StoreUnavailable = "store-unavailable";

    // Limits (429): a caller over its rate, or a source past its refused credentials.
    public const string RateLimited = "rate-limited";

    // Answers the framework writes itself: an unknown route, a wrong method, an unexpected status.
    public const string BadRequest = "bad-request";
    public const string NotFound = "not-found";
    public const string MethodNotAllowed = "method-not-allowed";
    public const string Error = "error";

    /// <summary>Every code above, once.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        InvalidUserId, InvalidDeviceId, InvalidCountry, InvalidSignedUpAt, SignedUpAtInFuture, MissingField, InvalidIfMatch, InvalidNoticeVersion,
        UnknownField, MalformedJson, UnsupportedMediaType, BodyTooLarge,
        MissingPartner, InvalidPartner, MissingSubject, MissingData, UnknownDataItem, InvalidRequestId, RepeatedHeader, EmptyBatch, MissingRequest, BatchTooLarge,
        MalformedConsistencyToken, ForgedConsistencyToken,
        Unauthorized, Forbidden, ProxyUnauthorized, ProxyNotAllowed,
        AccountNotFound, VersionMismatch, ConcurrentUpdate, TooManyLinkedAccounts, StoreUnavailable, RateLimited,
        BadRequest, NotFound, MethodNotAllowed, Error,
    ];
}
