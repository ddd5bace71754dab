namespace ConsentGateway.Core.Changes;

/// <summary>
/// Which intents a transport is delivering right now, so repair does not publish them a second
/// time while their projection runs. Only a delivery that is running (or pausing briefly before
/// its redelivery after a failure) counts: it ends soon, in a cleared intent or a dead letter,
/// and repair then sees the intent again. A notice merely waiting in a queue does not count:
/// repair publishes it again, and the in-process bus folds that into the waiting one. Service
/// Bus does not know (then nothing is registered, and a notice still queued past the repair
/// delay is published once more per repair run: extra load, no harm, since projecting again is
/// idempotent).
/// </summary>
public interface INoticesInFlight
{
    bool Contains(string intentId);
}
