using ConsentGateway.Core;
using ConsentGateway.Core.Policy;

namespace ConsentGateway.Server;

/// <summary>
/// The self-host's hot switch: while <c>Consent:PolicyPath</c> names a file, it is read every
/// <see cref="Interval"/> and a changed, valid document with a new version becomes the policy in
/// force (<see cref="PolicyReloader"/>); without the setting the shipped document stays. A file
/// that cannot be read is said once, with a count, until it can again; the policy in force stays.
/// </summary>
public sealed partial class PolicyReloadService(
    PolicyInForce policy, PolicyMetrics metrics, IConfiguration configuration, TimeProvider time, ILogger<PolicyReloader> reloaderLogger, ILogger<PolicyReloadService> logger) : BackgroundService
{
    /// <summary>How often the file is read: a written document decides within this and one read (SPEC §3: 5 s).</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly RateLimitedLog _unreadable = new(time);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (configuration[CoreServiceCollectionExtensions.PolicyPathKey] is not { Length: > 0 } path)
        {
            return;
        }

        var reloader = new PolicyReloader(new PolicyFileSource(path), policy, metrics, time, reloaderLogger);
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await reloader.PollAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                if (_unreadable.Occurred(out var count))
                {
                    LogUnreadable(logger, path, policy.Current.Version, count, ex.Message);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The policy file {Path} cannot be read ({Count} time(s) since the last line): {Reason}; {Version} stays in force.")]
    private static partial void LogUnreadable(ILogger logger, string path, string version, long count, string reason);
}
