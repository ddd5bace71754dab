using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Data.Tables.Models;
using Microsoft.Extensions.Logging;

namespace ConsentGateway.Infrastructure.TableStorage;

/// <summary>
/// A store that lost its tables (an in-memory Azurite restarted, a table deleted by hand) answers
/// every call 404 <c>TableNotFound</c>: this policy then creates the configured tables again
/// (one creation at a time, shared by the calls that wait for it) and sends the call once more.
/// It sits first in the pipeline, so the second try goes through the outage handling and the
/// retries like the first. A transaction's missing table is found in its answer's body (the
/// service answers a transaction 202 and the failed operation inside); a transaction that failed
/// wrote nothing, so sending it again is safe.
/// </summary>
internal sealed partial class MissingTablePolicy(IReadOnlyList<string> tables, Func<TableServiceClient> client, ILogger logger) : HttpPipelinePolicy
{
    private static readonly string TableNotFound = TableErrorCode.TableNotFound.ToString();

    private readonly Lock _lock = new();
    private Task? _creating;

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ProcessNext(message, pipeline);
        if (IsTableNotFound(message))
        {
            CreateTablesAsync().GetAwaiter().GetResult();
            ProcessNext(message, pipeline);
        }
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        if (IsTableNotFound(message))
        {
            await CreateTablesAsync().WaitAsync(message.CancellationToken).ConfigureAwait(false);
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }
    }

    private static bool IsTableNotFound(HttpMessage message)
    {
        if (!message.HasResponse)
        {
            return false;
        }

        var response = message.Response;
        if (response.Status == 404)
        {
            return response.Headers.TryGetValue("x-ms-error-code", out var code) && code == TableNotFound;
        }

        // A transaction ($batch): 202, with the failed operation's status line and error in the body.
        return response.Status == 202
            && message.Request.Uri.Path.EndsWith("/$batch", StringComparison.Ordinal)
            && response.Content.ToString() is var body
            && body.Contains(" 404 ", StringComparison.Ordinal)
            && body.Contains(TableNotFound, StringComparison.Ordinal);
    }

    private Task CreateTablesAsync()
    {
        lock (_lock)
        {
            return _creating is { IsCompleted: false } running ? running : _creating = CreateAllAsync();
        }
    }

    // Not cancelled by the call that started it: the other calls waiting for it need it done.
    private async Task CreateAllAsync()
    {
        LogRecreating(logger, tables.Count);
        var service = client();
        foreach (var table in tables)
        {
            await service.CreateTableIfNotExistsAsync(table, CancellationToken.None).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The table store answered that a table does not exist (did it lose its data?): creating the {Count} tables again, then retrying the call once.")]
    private static partial void LogRecreating(ILogger logger, int count);
}
