using ConsentGateway.Core;
using Microsoft.AspNetCore.Http;

namespace ConsentGateway.Http;

/// <summary>
/// Every error answer of the API: an RFC 9457 <c>application/problem+json</c> body whose
/// <c>type</c> is <c>urn:consent-gateway:problem:{code}</c> and which repeats the stable
/// <c>code</c> as an extension member. Written here, once, for both hosts.
/// </summary>
public static class Problems
{
    public const string TypePrefix = "urn:consent-gateway:problem:";

    public static IResult Create(int status, string code, string detail) =>
        Results.Problem(
            statusCode: status,
            type: TypePrefix + code,
            title: TitleOf(status),
            detail: detail,
            extensions: new Dictionary<string, object?> { ["code"] = code });

    public static IResult From(Failure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return Create(StatusOf(failure.Kind), failure.Code, failure.Detail);
    }

    public static IResult Unauthorized() =>
        Create(StatusCodes.Status401Unauthorized, "unauthorized", "A valid bearer token is required.");

    public static IResult Forbidden(string detail) =>
        Create(StatusCodes.Status403Forbidden, "forbidden", detail);

    /// <summary>The code used for a bare status written by the framework (unknown route, wrong method).</summary>
    public static string CodeOf(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "bad-request",
        StatusCodes.Status401Unauthorized => "unauthorized",
        StatusCodes.Status403Forbidden => "forbidden",
        StatusCodes.Status404NotFound => "not-found",
        StatusCodes.Status405MethodNotAllowed => "method-not-allowed",
        StatusCodes.Status413PayloadTooLarge => "body-too-large",
        StatusCodes.Status415UnsupportedMediaType => "unsupported-media-type",
        _ => "error",
    };

    private static int StatusOf(FailureKind kind) => kind switch
    {
        FailureKind.Invalid => StatusCodes.Status400BadRequest,
        FailureKind.NotFound => StatusCodes.Status404NotFound,
        FailureKind.PreconditionFailed => StatusCodes.Status412PreconditionFailed,
        FailureKind.Conflict => StatusCodes.Status409Conflict,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static string TitleOf(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "The request is not valid.",
        StatusCodes.Status401Unauthorized => "Authentication is required.",
        StatusCodes.Status403Forbidden => "The caller may not do this.",
        StatusCodes.Status404NotFound => "Not found.",
        StatusCodes.Status405MethodNotAllowed => "Method not allowed.",
        StatusCodes.Status409Conflict => "Conflict.",
        StatusCodes.Status412PreconditionFailed => "The precondition failed.",
        StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
        StatusCodes.Status415UnsupportedMediaType => "Unsupported media type.",
        _ => "Error.",
    };
}
