using ConsentGateway.Contracts;

namespace ConsentGateway.Server.OpenApi;

/// <summary>
/// What each problem <c>code</c> (<see cref="ProblemCodes"/>) means and with which status it is
/// answered, for the OpenAPI document; README's "Problem codes" table says the same to people
/// (a test keeps codes and statuses of both equal, and every code of the catalog described).
/// </summary>
internal static class ProblemCatalog
{
    /// <summary>The status of the framework's own <see cref="ProblemCodes.Error"/>: any other.</summary>
    public const int AnyStatus = 0;

    public static IReadOnlyList<(string Code, int Status, string Meaning)> Entries { get; } =
    [
        (ProblemCodes.InvalidUserId, 400, "a user id breaks the id rules"),
        (ProblemCodes.InvalidDeviceId, 400, "a device advertising id breaks the id rules"),
        (ProblemCodes.InvalidCountry, 400, "not an assigned ISO 3166-1 alpha-2 code in upper case"),
        (ProblemCodes.InvalidSignedUpAt, 400, "`signedUpAt` is not an ISO 8601 UTC instant, or before 1970"),
        (ProblemCodes.SignedUpAtInFuture, 400, "`signedUpAt` is in the future"),
        (ProblemCodes.MissingField, 400, "a required member is missing (`enabled`)"),
        (ProblemCodes.InvalidIfMatch, 400, "`If-Match` is not one version ETag or `*`"),
        (ProblemCodes.InvalidNoticeVersion, 400, "`noticeVersion` is not 1–64 of `A–Z a–z 0–9 . _ - :`"),
        (ProblemCodes.UnknownField, 400, "the body has a property the endpoint does not know"),
        (ProblemCodes.MalformedJson, 400, "the body is not valid JSON for the endpoint (or repeats a property)"),
        (ProblemCodes.UnsupportedMediaType, 415, "the body is not `application/json`"),
        (ProblemCodes.BodyTooLarge, 413, "the body is over the endpoint's limit"),
        (ProblemCodes.MissingPartner, 400, "an evaluation names no partner"),
        (ProblemCodes.InvalidPartner, 400, "a partner or `via` id breaks the id rules"),
        (ProblemCodes.MissingSubject, 400, "an evaluation names neither a user nor a device"),
        (ProblemCodes.MissingData, 400, "an evaluation names no data item"),
        (ProblemCodes.UnknownDataItem, 400, "a data item the policy does not name"),
        (ProblemCodes.InvalidRequestId, 400, "a batch request's `id` is over 256 characters"),
        (ProblemCodes.RepeatedHeader, 400, "a `/check` header is given twice"),
        (ProblemCodes.EmptyBatch, 400, "a batch without requests"),
        (ProblemCodes.MissingRequest, 400, "a batch request is `null`"),
        (ProblemCodes.BatchTooLarge, 413, "more than 1,000 requests in a batch"),
        (ProblemCodes.MalformedConsistencyToken, 400, "`consistency.atLeastAsFresh` or `X-Consent-At-Least-As-Fresh` is not a consistency token"),
        (ProblemCodes.ForgedConsistencyToken, 400, "a consistency token whose MAC does not verify"),
        (ProblemCodes.Unauthorized, 401, "no valid bearer token"),
        (ProblemCodes.Forbidden, 403, "the token's scopes do not allow the call for this account"),
        (ProblemCodes.ProxyUnauthorized, 401, "no `X-Consent-Key` of a configured proxy"),
        (ProblemCodes.ProxyNotAllowed, 403, "the proxy may not ask about that partner"),
        (ProblemCodes.AccountNotFound, 404, "no account with this id"),
        (ProblemCodes.VersionMismatch, 412, "the setting is no longer at the `If-Match` version"),
        (ProblemCodes.ConcurrentUpdate, 409, "other writers kept changing the account; retry"),
        (ProblemCodes.TooManyLinkedAccounts, 409, "the device already has the most linked accounts allowed; nothing was linked"),
        (ProblemCodes.RateLimited, 429, "the proxy or token subject is over its rate limit, or the source presented too many refused credentials; retry after `Retry-After`"),
        (ProblemCodes.StoreUnavailable, 503, "the store could not be reached in time; nothing was acknowledged, retry after `Retry-After`"),
        (ProblemCodes.BadRequest, 400, "a request the framework refused before the API saw it"),
        (ProblemCodes.NotFound, 404, "no such route"),
        (ProblemCodes.MethodNotAllowed, 405, "the route does not take this method"),
        (ProblemCodes.Error, AnyStatus, "any other status the framework answers"),
    ];

    /// <summary>The codes answered with <paramref name="status"/>.</summary>
    public static IEnumerable<string> CodesOf(int status) =>
        Entries.Where(entry => entry.Status == status).Select(entry => entry.Code);
}
