using ConsentGateway.Contracts;

namespace ConsentGateway.EgressProxy;

/// <summary>The proxy's own answers: RFC 9457 problems with a stable <c>code</c> (<see cref="ProxyProblemCodes"/>), as the gateway's.</summary>
internal static class ProxyProblems
{
    public static Task WriteAsync(HttpContext context, int status, string code, string detail, IDictionary<string, object?>? extensions = null)
    {
        var members = new Dictionary<string, object?>(extensions ?? new Dictionary<string, object?>()) { [ProblemTypes.CodeMember] = code };
        return Results.Problem(detail, statusCode: status, title: Title(status), type: ProblemTypes.Of(code), extensions: members)
            .ExecuteAsync(context);
    }

    private static string Title(int status) => status switch
    {
        StatusCodes.Status403Forbidden => "The data may not go to this partner",
        StatusCodes.Status503ServiceUnavailable => "The consent gateway is unavailable",
        StatusCodes.Status413PayloadTooLarge => "The body is too large",
        StatusCodes.Status415UnsupportedMediaType => "The body is not JSON",
        StatusCodes.Status500InternalServerError => "The proxy is misconfigured",
        _ => "The request is malformed",
    };
}
