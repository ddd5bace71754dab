using ConsentGateway.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ConsentGateway.Http;

/// <summary>
/// Maps the API as ASP.NET Core endpoints under <c>/api</c> (the self-hosted server). Answers come
/// from the handlers' typed results; only what they cannot say is declared here: the bodies
/// they read by hand, the problem statuses they may answer, the headers they read and write,
/// and who may call (the handlers check it themselves).
/// </summary>
public static class ConsentApi
{
    private const string IdRule = "1–128 of `A–Z a–z 0–9 . _ - :`, starting with a letter or digit.";

    public static IEndpointRouteBuilder MapConsentApi(this IEndpointRouteBuilder app)
    {
        var root = app.MapGroup("/" + ApiRoutes.Prefix);
        var api = root.MapGroup(string.Empty)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        // The routes of apps and the account service call the store: it may not answer (503 store-unavailable).
        var accounts = api.MapGroup(string.Empty).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        accounts.MapPut(ApiRoutes.Account, (AccountEndpoints e, HttpContext c, string userId) => e.PutAccountAsync(c, userId))
            .WithName("PutAccount").WithTags(ApiTags.Accounts).WithSummary("Create or update an account (account service).")
            .WithDescription("Registers the account's facts: its country and when it signed up. 201 when it is new, 200 when it existed (a move to another country is a new revision). The answer's `consistencyToken` asks an evaluation to reflect this write. User ids: " + IdRule)
            .WithMetadata(AllowedCallers.Bearer(Scopes.Accounts))
            .Accepts<AccountBody>("application/json")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        accounts.MapDelete(ApiRoutes.Account, (AccountEndpoints e, HttpContext c, string userId) => e.DeleteAccountAsync(c, userId))
            .WithName("DeleteAccount").WithTags(ApiTags.Accounts).WithSummary("Delete an account: from then on it evaluates as unknown.")
            .WithDescription("The account stays as a tombstone with its history (proof of consent); its setting is reset to the default by a history entry with `enabled: null`. Evaluations then answer `UNKNOWN_ACCOUNT`.")
            .WithMetadata(AllowedCallers.Bearer(Scopes.Accounts))
            .WithMetadata(new ResponseHeader(StatusCodes.Status204NoContent, ConsentHeaders.ConsistencyToken, "The consistency token of the deletion: pass it back (consistency.atLeastAsFresh, X-Consent-At-Least-As-Fresh) for an answer that reflects it."))
            .ProducesProblem(StatusCodes.Status404NotFound);

        accounts.MapGet(ApiRoutes.Setting, (AccountEndpoints e, HttpContext c, string userId) => e.GetSettingAsync(c, userId))
            .WithName("GetPartnerSharing").WithTags(ApiTags.PartnerSharing).WithSummary("Read the partner-sharing setting (ETag = version).")
            .WithDescription("The setting \"Allow additional information sharing with business partners\" of one account: `isDefault` while nobody has set it (disabled in the EEA and UK, enabled elsewhere). A user's token reads only its own account (`sub`).")
            .WithMetadata(AllowedCallers.Bearer(Scopes.User, Scopes.Accounts))
            .WithMetadata(new ResponseHeader(StatusCodes.Status200OK, "ETag", "The setting's version as a strong ETag, e.g. \"3\": send it as If-Match to change exactly this version."))
            .ProducesProblem(StatusCodes.Status404NotFound);

        accounts.MapPut(ApiRoutes.Setting, (AccountEndpoints e, HttpContext c, string userId) => e.PutSettingAsync(c, userId))
            .WithName("PutPartnerSharing").WithTags(ApiTags.PartnerSharing).WithSummary("Grant or withdraw partner sharing; optional If-Match.")
            .WithDescription("Every accepted change is a new version and a new history entry (`channel`: `user` when the user's own token made it, `service` otherwise) with a new random `receiptId` (a UUID) for the user to keep; `noticeVersion` (optional: the version of the texts the user saw, e.g. the effects' `noticeVersion`; " + NoticeVersions.Rule + ") is recorded with it, and anything else there is a 400 `invalid-notice-version` that changes nothing. With `If-Match` the change applies only to that version (412 otherwise); without it a change that loses a race is retried on the fresh state.")
            .WithMetadata(AllowedCallers.Bearer(Scopes.User, Scopes.Accounts))
            .WithMetadata(new RequestHeader("If-Match", "Apply the change only to this version of the setting: its ETag as answered, e.g. \"3\", or `*` for any version.", "^(\\*|\"[0-9]+\")$", "\"0\""))
            .WithMetadata(new ResponseHeader(StatusCodes.Status200OK, "ETag", "The new version as a strong ETag, e.g. \"4\"."))
            .Accepts<SettingBody>("application/json")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        accounts.MapGet(ApiRoutes.History, (AccountEndpoints e, HttpContext c, string userId) => e.GetHistoryAsync(c, userId))
            .WithName("GetPartnerSharingHistory").WithTags(ApiTags.PartnerSharing).WithSummary("Every accepted change, oldest first (proof of consent).")
            .WithDescription("Each entry has the version, the value (`null` for the reset when the account was deleted), when, through which channel, under which policy version, its `receiptId` (`null` for entries written before receipts existed) and the `noticeVersion` the change gave (`null` when none).")
            .WithMetadata(AllowedCallers.Bearer(Scopes.User, Scopes.Accounts))
            .ProducesProblem(StatusCodes.Status404NotFound);

        accounts.MapGet(ApiRoutes.Effects, (AccountEndpoints e, HttpContext c, string userId) => e.GetEffectsAsync(c, userId))
            .WithName("GetPartnerSharingEffects").WithTags(ApiTags.PartnerSharing).WithSummary("What the setting does for this account now, partnership by partnership.")
            .WithDescription("One entry per partnership of the policy in force: whether the setting governs it in the account's region, whether its data may be shared now (`sharing`) and why (`reason`, as `/evaluate` answers it: the same evaluator on the same projection), a plain English `explanation`, the before-signup rule, the partners and the data items with the policy's texts. `setting.inEffect` is `false` while the last change is still reaching decisions (the entries may then still show the old answer). `noticeVersion` is the version of these texts: pass it back when changing the setting. A user's token reads only its own account (`sub`).")
            .WithMetadata(AllowedCallers.Bearer(Scopes.User, Scopes.Accounts))
            .ProducesProblem(StatusCodes.Status404NotFound);

        accounts.MapGet(ApiRoutes.Export, (AccountEndpoints e, HttpContext c, string userId) => e.GetExportAsync(c, userId))
            .WithName("ExportAccount").WithTags(ApiTags.Accounts).WithSummary("Everything held about this account, as a file (data subject access).")
            .WithDescription("One JSON document: the account's facts, the setting, the whole history with receipts, the effects and the advertising ids of every linked device. Answered as an attachment (`consent-export.json`). A user's token reads only its own account (`sub`).")
            .WithMetadata(AllowedCallers.Bearer(Scopes.User, Scopes.Accounts))
            .WithMetadata(new ResponseHeader(StatusCodes.Status200OK, "Content-Disposition", "`" + AccountEndpoints.ExportDisposition + "`: save the answer as a file."))
            .ProducesProblem(StatusCodes.Status404NotFound);

        accounts.MapPut(ApiRoutes.Device, (AccountEndpoints e, HttpContext c, string adId) => e.PutDeviceAsync(c, adId))
            .WithName("PutDevice").WithTags(ApiTags.Devices).WithSummary("Register a device that opened an app (account service).")
            .WithDescription("No body. 201 when the advertising id is new, 200 when it was known. Advertising ids: " + IdRule)
            .WithMetadata(AllowedCallers.Bearer(Scopes.Accounts));

        accounts.MapPut(ApiRoutes.DeviceLink, (AccountEndpoints e, HttpContext c, string adId, string userId) => e.PutDeviceLinkAsync(c, adId, userId))
            .WithName("PutDeviceLink").WithTags(ApiTags.Devices).WithSummary("Link a device to an account that logged in on it.")
            .WithDescription("No body; registers the device if needed. 201 linked, 200 already linked; 409 `too-many-linked-accounts` past `Consent:Accounts:MaxAccountsPerDevice`. A user's token links only to its own account.")
            .WithMetadata(AllowedCallers.Bearer(Scopes.User, Scopes.Accounts))
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        api.MapGet(ApiRoutes.Policy, (PolicyEndpoints e, HttpContext c) => e.GetPolicyAsync(c))
            .WithName("GetPolicy").WithTags(ApiTags.Policy).WithSummary("The policy in force (egress proxies: X-Consent-Key; the account service).")
            .WithDescription("The versioned policy document: partnerships, partners, regions, data items, the never-shared list, the cut-off and the defaults; e.g. for a redacting proxy to check that its rules name known data items.")
            .WithMetadata(new AllowedCallers(true, [Scopes.Accounts]));

        var proxies = api.MapGroup(string.Empty).WithTags(ApiTags.Evaluation).WithMetadata(AllowedCallers.Proxies);
        proxies.MapPost(ApiRoutes.Evaluate, (EvaluationEndpoints e, HttpContext c) => e.EvaluateAsync(c))
            .WithName("Evaluate").WithSummary("May this data about this user or device go to this partner? (X-Consent-Key)")
            .WithDescription("Answers `allow` (every item may go), `partial` (the `allowed` ones may, the `denied` ones not, each with its reason) or `deny`, with the reasons, the policy and consent versions it was made from, a `decisionId` for audit and `ttlSeconds` it may be reused. Where the rules are silent or the store cannot be read in time, it fails closed (a deny with its own reason, never an error). A subject with both ids, or a device with several accounts, gets the most restrictive answer.")
            .Accepts<EvaluateBody>("application/json")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        proxies.MapPost(ApiRoutes.EvaluateBatch, (EvaluationEndpoints e, HttpContext c) => e.EvaluateBatchAsync(c))
            .WithName("EvaluateBatch").WithSummary("Up to 1,000 evaluations in one call; results in request order. (X-Consent-Key)")
            .WithDescription("Each request is an `/evaluate` body, optionally with an `id` (at most 256 characters) echoed in its result. More than 1,000 requests: 413 `batch-too-large`. One invalid request refuses the whole batch.")
            .Accepts<BatchBody>("application/json")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        // Any method (nginx auth_request and Envoy ext_authz send the original request's): the
        // document describes it as GET. Its 401 and 403 are bodiless (CheckResult), so it is not
        // in the group whose 401 and 403 are problems.
        root.MapGroup(string.Empty).WithTags(ApiTags.Evaluation).WithMetadata(AllowedCallers.Proxies)
            .Map(ApiRoutes.Check, (EvaluationEndpoints e, HttpContext c) => e.CheckAsync(c))
            .WithName("Check").WithSummary("nginx auth_request / Envoy ext_authz: X-Consent-* headers in, 200 or 403 with the decision in headers out.")
            .WithDescription("The question of `/evaluate` in headers, the answer in headers, no body: 200 when every item may go, 403 when not (`X-Consent-Decision` says `partial` or `deny`), 401 without a proxy key and 403 for a partner the proxy does not serve (`X-Consent-Reason` `PROXY_UNAUTHORIZED`, `PROXY_NOT_ALLOWED`). Any method and any path below `/api/v1/check` are answered alike. An empty header counts as absent; a header given twice is a 400.")
            .WithMetadata(
                new RequestHeader(ConsentHeaders.Partner, "The partner the data goes to (required).", SubjectIds.Pattern, "google"),
                new RequestHeader(ConsentHeaders.Via, "The processor it goes through, if any.", SubjectIds.Pattern),
                new RequestHeader(ConsentHeaders.User, "The user the data is about (this and/or " + ConsentHeaders.Device + ").", SubjectIds.Pattern, "alice"),
                new RequestHeader(ConsentHeaders.Device, "The device advertising id the data is about.", SubjectIds.Pattern),
                new RequestHeader(ConsentHeaders.Data, "The data items, comma-separated (names of the policy in force; required).", null, "ip_address"),
                new RequestHeader(ConsentHeaders.Country, "Where the subject is now: an assigned ISO 3166-1 alpha-2 code in upper case.", "^[A-Z]{2}$"),
                new RequestHeader(ConsentHeaders.AtLeastAsFresh, "A write's consistencyToken: the answer reflects at least that write."))
            .WithMetadata(CheckHeaders(StatusCodes.Status200OK).Concat(CheckHeaders(StatusCodes.Status403Forbidden)).Concat(CheckRefusalHeaders(StatusCodes.Status401Unauthorized)).ToArray())
            .ProducesProblem(StatusCodes.Status400BadRequest);

        return app;
    }

    // The answer of a decision: the decision and everything a proxy logs or forwards. A 403 is
    // also the refusal of a partner the proxy does not serve, which carries no decision's details.
    private static IEnumerable<object> CheckHeaders(int status) =>
    [
        ..CheckRefusalHeaders(status),
        new ResponseHeader(status, ConsentHeaders.AllowedData, "The data items that may go, comma-separated.", Required: status == StatusCodes.Status200OK),
        new ResponseHeader(status, ConsentHeaders.PolicyVersion, "The version of the policy the decision was made under.", Required: status == StatusCodes.Status200OK),
        new ResponseHeader(status, ConsentHeaders.DecisionId, "The decision's id (a UUID), as in the decision log.", Required: status == StatusCodes.Status200OK),
    ];

    // What every answer of /check carries, a refusal of the proxy too.
    private static IEnumerable<object> CheckRefusalHeaders(int status) =>
    [
        new ResponseHeader(status, ConsentHeaders.Decision, "`allow`, `partial` or `deny`."),
        new ResponseHeader(status, ConsentHeaders.Reason, "The reason codes, comma-separated."),
        new ResponseHeader(status, "Cache-Control", "`private, max-age=<ttl>`: this proxy may reuse a decision for its ttl; `no-store` for a refusal of the proxy."),
        new ResponseHeader(status, CheckResult.AccelExpiresHeader, "nginx's cache lifetime of the answer in seconds (one less than the ttl, 0 for a refusal)."),
    ];
}
