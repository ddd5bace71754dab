using System.Net;
using ConsentGateway.Contracts;
using ConsentGateway.EndToEnd.Tests.Evaluation;
using Microsoft.Data.Sqlite;

namespace ConsentGateway.EndToEnd.Tests.EmbeddedStore;

/// <summary>
/// Another process holding the SQLite file's write lock (a backup tool, <c>sqlite3</c> left at a
/// prompt inside a transaction) makes writes a prompt 503 <c>store-unavailable</c> that changes
/// nothing, never a request that hangs; once the lock is released, the same write lands.
/// </summary>
public sealed class WriteLockTests : IAsyncLifetime
{
    private readonly GatewayServer _server = new();

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task A_write_lock_held_by_another_process_is_a_503_that_changes_nothing_and_the_retry_after_it_lands()
    {
        var userId = await _server.CreateAccountAsync("DE", enabled: false);
        using var user = _server.User(userId);
        // Far above the few seconds a lock is waited for, far below the 30 s a busy statement was retried.
        user.Timeout = TimeSpan.FromSeconds(15);
        var setting = $"/api/v1/accounts/{userId}/partner-sharing";

        using (var other = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _server.SqlitePath, Pooling = false }.ToString()))
        {
            other.Open();
            using (var begin = other.CreateCommand())
            {
                begin.CommandText = "BEGIN IMMEDIATE";
                begin.ExecuteNonQuery();
            }

            var before = await _server.SnapshotSourceAsync();
            using var refused = await user.PutAsync(setting, GatewayServer.Json("""{"enabled":true}"""));

            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal(ProblemCodes.StoreUnavailable, (await EvaluationApi.ReadProblemAsync(refused, "PUT partner-sharing")).Code);
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.Equal(before, await _server.SnapshotSourceAsync());
        }

        using var retried = await user.PutAsync(setting, GatewayServer.Json("""{"enabled":true}"""));
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal([false, true], (await _server.HistoryAsync(userId)).Changes.Select(e => e.Enabled));
    }
}
