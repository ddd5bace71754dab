using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace ConsentGateway.Functions;

/// <summary>
/// The Functions ASP.NET Core integration executes <see cref="IActionResult"/>s; the shared HTTP
/// layer returns <see cref="IResult"/>s. This adapts one to the other.
/// </summary>
public sealed class ResultActionResult(IResult result) : IActionResult
{
    public IResult Result { get; } = result;

    public Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Result.ExecuteAsync(context.HttpContext);
    }
}
