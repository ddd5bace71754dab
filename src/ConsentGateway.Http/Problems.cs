using ConsentGateway.Contracts;
using ConsentGateway.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ConsentGateway.Http;

/// <summary>
/// Every error answer of the API: an RFC 9457 <c>application/problem+json</c> body whose
/// <c>type</c> is <c>urn:consent-gateway:problem:{code}</c> and which repeats the stable
/// <c>code</c> as an extension member. Written here, once, for both hosts.
/// </summary>
public static class Problems
{
    public static ProblemHttpResult Create(int status, string code, string detail) =>
        TypedResults.Problem(
            statusCode: status,
            type: ProblemTypes.Of(code),
            title: TitleOf(status),
            detail: detail,
            extensions: new Dictionary<string, object?> { [ProblemTypes.CodeMember] = code });

    public static ProblemHttpResult From(Failure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return Create(StatusOf(failure.Kind), failure.Code, failure.Detail);
    }

    /// <summary>How long a caller is asked to wait (<c>Retry-After</c>) after a 503 <c>store-unavailable</c>.</summary>
    public const int StoreRetryAfterSeconds = 1;

    /// <summary>
    /// The failure of a use case the store did not answer (SPEC §4: 503 <c>store-unavailable</c>
    /// with <c>Retry-After</c>, never a 500): sets <c>Retry-After</c> on the response.
    /// </summary>
    public static Failure StoreUnavailable(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers.RetryAfter = StoreRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new Failure(FailureKind.Unavailable, ProblemCodes.StoreUnavailable, "The store could not be reached in time; nothing was acknowledged. Retry after the Retry-After interval.");
    }

    /// <summary>401 <c>unauthorized</c> with its <c>Bearer</c> challenge.</summary>
    public static ProblemHttpResult Unauthorized(HttpContext context)
    {
        AuthenticationChallenges.ChallengeBearer(context);
        return Create(StatusCodes.Status401Unauthorized, ProblemCodes.Unauthorized, "A valid bearer token is required.");
    }

    public static ProblemHttpResult Forbidden(string detail) =>
        Create(StatusCodes.Status403Forbidden, ProblemCodes.Forbidden, detail);

    /// <summary>The code used for a bare status written by the framework (unknown route, wrong method).</summary>
    public static string CodeOf(int status) => status switch
    {
        StatusCodes.Status400BadRequest => ProblemCodes.BadRequest,
        StatusCodes.Status401Unauthorized => ProblemCodes.Unauthorized,
        StatusCodes.Status403Forbidden => ProblemCodes.Forbidden,
        StatusCodes.Status404NotFound => ProblemCodes.NotFound,
        StatusCodes.Status405MethodNotAllowed => ProblemCodes.MethodNotAllowed,
        StatusCodes.Status413PayloadTooLarge => ProblemCodes.BodyTooLarge,
        StatusCodes.Status415UnsupportedMediaType => ProblemCodes.UnsupportedMediaType,
        StatusCodes.Status429TooManyRequests => ProblemCodes.RateLimited,
        _ => ProblemCodes.Error,
    };

    private static int StatusOf(FailureKind kind) => kind switch
    {
        FailureKind.Invalid => StatusCodes.Status400BadRequest,
        FailureKind.NotFound => StatusCodes.Status404NotFound,
        FailureKind.PreconditionFailed => StatusCodes.Status412PreconditionFailed,
        FailureKind.Conflict => StatusCodes.Status409Conflict,
        FailureKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static string TitleOf(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "The request is not valid.",
        StatusCodes.Status401Unauthorized => "Authentication is required.",
        StatusCodes.Status403Forbidden => "The caller may not do this.",
        StatusCodes.Status404NotFound => "Not found.",
        StatusCodes.Status405MethodNotAllowed => "Method not allowed.",
        StatusCodes.Status408RequestTimeout => "The request body did not arrive in time.",
        StatusCodes.Status409Conflict => "Conflict.",
        StatusCodes.Status412PreconditionFailed => "The precondition failed.",
        StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
        StatusCodes.Status415UnsupportedMediaType => "Unsupported media type.",
        StatusCodes.Status431RequestHeaderFieldsTooLarge => "The request's header or trailer fields are too large.",
        StatusCodes.Status429TooManyRequests => "Too many requests.",
        StatusCodes.Status503ServiceUnavailable => "Service unavailable.",
        _ => "Error.",
    };
}
