using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ConsentGateway.Contracts;
using ConsentGateway.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ConsentGateway.Http;

/// <summary>Reads a JSON request body strictly; every way it can be wrong is a distinct 4xx problem.</summary>
public static class JsonRequestBody
{
    /// <summary>The API's bodies are a few dozen bytes; anything near this limit is not one of them.</summary>
    public const int MaxBytes = 16 * 1024;

    /// <summary>Turns a body's bytes into a value, or the problem to answer.</summary>
    public delegate (T? Value, ProblemHttpResult? Problem) Parser<T>(ReadOnlySpan<byte> body);

    /// <summary>
    /// Binds the body to <typeparamref name="T"/>; a property <typeparamref name="T"/> does not
    /// have is a 400 <c>unknown-field</c>, found from the type's metadata (<see cref="UnknownMembers"/>).
    /// </summary>
    public static Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo, int maxBytes = MaxBytes)
        where T : class =>
        ReadAsync<T>(request, maxBytes, body =>
            JsonSerializer.Deserialize(body, typeInfo) is not { } value ? (null, Invalid(ProblemCodes.MalformedJson, "The body must be a JSON object."))
            : UnknownMembers.Find(body, typeInfo) is { } unknown ? (null, Invalid(ProblemCodes.UnknownField, $"The body has a property this endpoint does not know, at {unknown}."))
            : (value, null));

    /// <summary>Reads the body and hands it to <paramref name="parse"/>; invalid JSON it throws on is a 400.</summary>
    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request, int maxBytes, Parser<T> parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(request);
        if (!IsJson(request.ContentType))
        {
            return (default, Problems.Create(StatusCodes.Status415UnsupportedMediaType, ProblemCodes.UnsupportedMediaType, "The body must be JSON: Content-Type: application/json."));
        }

        if (request.ContentLength > maxBytes)
        {
            return (default, TooLarge(maxBytes));
        }

        // Sized to the declared length (one byte more, to notice a body longer than declared);
        // pooled, because a batch's body is large enough to land on the large object heap.
        var size = (int)Math.Min(request.ContentLength ?? maxBytes, maxBytes) + 1;
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var length = 0;
            int read;
            while ((read = await request.Body.ReadAsync(buffer.AsMemory(length, size - length), request.HttpContext.RequestAborted).ConfigureAwait(false)) > 0)
            {
                length += read;

                // A full buffer means more bytes than declared, or than the limit.
                if (length == size)
                {
                    return (default, TooLarge(maxBytes));
                }
            }

            return parse(buffer.AsSpan(0, length));
        }
        catch (JsonException ex)
        {
            return (default, Invalid(ProblemCodes.MalformedJson, $"The body is not valid JSON for this endpoint (at {ex.Path ?? "$"}, line {ex.LineNumber}, byte {ex.BytePositionInLine})."));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // application/json, with or without parameters such as charset.
    private static bool IsJson(string? contentType) =>
        contentType is not null
        && contentType.Split(';', 2)[0].Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase);

    private static ProblemHttpResult TooLarge(int maxBytes) =>
        Problems.Create(StatusCodes.Status413PayloadTooLarge, ProblemCodes.BodyTooLarge, $"The body must be at most {maxBytes} bytes.");

    private static ProblemHttpResult Invalid(string code, string detail) => Problems.From(Failure.Invalid(code, detail));
}
