using ConsentGateway.Core.Propagation;
using Microsoft.Azure.Functions.Worker;

namespace ConsentGateway.Functions;

/// <summary>
/// Republishes changes whose notices were lost (a crash between the write and the publish, a
/// Service Bus outage, a dead-lettered or malformed notice) on the <c>RepairSchedule</c> app
/// setting (NCRONTAB; every 30 s by default). A failing run throws: the host logs it and the
/// next tick tries again, which is the backoff; the timer trigger runs one instance at a time.
/// </summary>
public sealed class RepairFunction(Repairer repairer)
{
    /// <summary>The app setting holding the NCRONTAB schedule (seconds first).</summary>
    public const string ScheduleSetting = "%RepairSchedule%";

    [Function(nameof(Repair))]
    public Task Repair([TimerTrigger(ScheduleSetting)] TimerInfo timer, CancellationToken cancellationToken) =>
        repairer.RunOnceAsync(cancellationToken);
}
