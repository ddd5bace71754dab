using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ConsentGateway.Health;

/// <summary>
/// The body of a health answer, the same on every host: the overall status and, per check, its
/// status and short description. Never a check's exception or data: they may name a store, a
/// key or an id. Compiled into each host project (linked source), since the redacting proxy
/// shares no assembly with the gateway but its wire contracts.
/// </summary>
internal static class HealthReportJson
{
    public const string ContentType = "application/json; charset=utf-8";

    /// <summary>A <c>HealthCheckOptions.ResponseWriter</c>: the report as JSON (the status code is already set).</summary>
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.ContentType = ContentType;
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.Body.WriteAsync(ToUtf8(report), context.RequestAborted).AsTask();
    }

    public static byte[] ToUtf8(HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("status", report.Status.ToString());
            json.WriteStartObject("checks");
            foreach (var (name, entry) in report.Entries)
            {
                json.WriteStartObject(name);
                json.WriteString("status", entry.Status.ToString());
                json.WriteString("description", entry.Description ?? entry.Status.ToString());
                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
