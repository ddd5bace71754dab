using ConsentGateway.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ConsentGateway.Http;

/// <summary>
/// Maps the API as ASP.NET Core endpoints under <c>/api</c> (the self-hosted server). Answers come
/// from the handlers' typed results; only what they cannot say is declared here: the bodies
/// they read by hand, the problem statuses they may answer and the headers of bodiless answers.
/// </summary>
public static class ConsentApi
{
    public static IEndpointRouteBuilder MapConsentApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/" + ApiRoutes.Prefix)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        // The routes of apps and the account service call the store: it may not answer (503 store-unavailable).
        var accounts = api.MapGroup(string.Empty).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        accounts.MapPut(ApiRoutes.Account, (AccountEndpoints e, HttpContext c, string userId) => e.PutAccountAsync(c, userId))
            .WithName("PutAccount").WithSummary("Create or update an account (account service).")
            .Accepts<AccountBody>("application/json")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        accounts.MapDelete(ApiRoutes.Account, (AccountEndpoints e, HttpContext c, string userId) => e.DeleteAccountAsync(c, userId))
            .WithName("DeleteAccount").WithSummary("Delete an account: from then on it evaluates as unknown.")
            .WithMetadata(new ResponseHeader(StatusCodes.Status204NoContent, ConsentHeaders.ConsistencyToken, "The consistency token of the deletion: pass it back (consistency.atLeastAsFresh, X-Consent-At-Least-As-Fresh) for an answer that reflects it."))
            .ProducesProblem(StatusCodes.Status404NotFound);

        accounts.MapGet(ApiRoutes.Setting, (AccountEndpoints e, HttpContext c, string userId) => e.GetSettingAsync(c, userId))
            .WithName("GetPartnerSharing").WithSummary("Read the partner-sharing setting (ETag = version).")
            .ProducesProblem(StatusCodes.Status404NotFound);

        accounts.MapPut(ApiRoutes.Setting, (AccountEndpoints e, HttpContext c, string userId) => e.PutSettingAsync(c, userId))
            .WithName("PutPartnerSharing").WithSummary("Grant or withdraw partner sharing; optional If-Match.")
            .Accepts<SettingBody>("application/json")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        accounts.MapGet(ApiRoutes.History, (AccountEndpoints e, HttpContext c, string userId) => e.GetHistoryAsync(c, userId))
            .WithName("GetPartnerSharingHistory").WithSummary("Every accepted change, oldest first (proof of consent).")
            .ProducesProblem(StatusCodes.Status404NotFound);

        accounts.MapPut(ApiRoutes.Device, (AccountEndpoints e, HttpContext c, string adId) => e.PutDeviceAsync(c, adId))
            .WithName("PutDevice").WithSummary("Register a device that opened an app (account service).");

        accounts.MapPut(ApiRoutes.DeviceLink, (AccountEndpoints e, HttpContext c, string adId, string userId) => e.PutDeviceLinkAsync(c, adId, userId))
            .WithName("PutDeviceLink").WithSummary("Link a device to an account that logged in on it.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet(ApiRoutes.Policy, (PolicyEndpoints e, HttpContext c) => e.GetPolicyAsync(c))
            .WithName("GetPolicy").WithSummary("The policy in force (egress proxies: X-Consent-Key; the account service).");

        var proxies = api.MapGroup(string.Empty).WithTags("Egress proxies");
        proxies.MapPost(ApiRoutes.Evaluate, (EvaluationEndpoints e, HttpContext c) => e.EvaluateAsync(c))
            .WithName("Evaluate").WithSummary("May this data about this user or device go to this partner? (X-Consent-Key)")
            .Accepts<EvaluateBody>("application/json")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        proxies.MapPost(ApiRoutes.EvaluateBatch, (EvaluationEndpoints e, HttpContext c) => e.EvaluateBatchAsync(c))
            .WithName("EvaluateBatch").WithSummary("Up to 1,000 evaluations in one call; results in request order. (X-Consent-Key)")
            .Accepts<BatchBody>("application/json")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        proxies.Map(ApiRoutes.Check, (EvaluationEndpoints e, HttpContext c) => e.CheckAsync(c))
            .WithName("Check").WithSummary("nginx auth_request / Envoy ext_authz: X-Consent-* headers in, 200 or 403 with the decision in headers out.");

        return app;
    }
}
