using System.Threading.Channels;
using ConsentGateway.Core.Changes;

namespace ConsentGateway.Server.Propagation;

/// <summary>
/// The self-host's transport: the same contract as the Service Bus topic (the publisher port
/// in, <see cref="ChangeNoticeConsumer"/> out, the same JSON body, delivery counts and a
/// maximum), in memory. What it loses in a crash, the intent log still has.
/// </summary>
/// <remarks>
/// Fair: notices wait in one queue per subject, and the subjects that have notices waiting and
/// none running take turns in arrival order. A turn takes up to <see cref="MaxNoticesPerTurn"/>
/// of one subject's waiting notices, projected once, and the subject then goes to the back of
/// the line. So a subject with a backlog of thousands has at most one turn running, and another
/// subject's notice waits for one turn of each subject ahead of it, never for a backlog.
/// </remarks>
public sealed class InProcessChangeBus : IChangePublisher, INoticesInFlight, IUnconfirmedWrites
{
    /// <summary>Notices of one subject in one turn at most: one projection and one round of intent deletes.</summary>
    internal const int MaxNoticesPerTurn = 16;

    private readonly Lock _lock = new();

    // Subjects with notices waiting or a turn running.
    private readonly Dictionary<string, SubjectQueue> _subjects = new(StringComparer.Ordinal);

    // Subjects with notices waiting and no turn running, each at most once, in turn order.
    private readonly Channel<string> _ready = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleWriter = false, SingleReader = false });

    // Intents whose delivery is running or waiting out its redelivery pause: how many times.
    private readonly Dictionary<string, int> _inFlight = new(StringComparer.Ordinal);

    // Intents published and not yet projected (given up on too: repair publishes them again), and
    // those of writes that threw (only repair publishes them), with when they were accepted.
    private readonly Dictionary<string, DateTimeOffset> _unprojected = new(StringComparer.Ordinal);

    public Task PublishAsync(ChangeNotice notice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var delivery = new Delivery(notice.ToJson(), ChangeNotice.KindName(notice.Kind) + "/" + notice.Key, notice.IntentId, 0);
        lock (_lock)
        {
            _unprojected.TryAdd(notice.IntentId, notice.AcceptedAt);
            Enqueue(delivery);
        }

        return Task.CompletedTask;
    }

    /// <summary>Until a notice of its intent is projected (repair's), the write that threw counts as an unprojected change.</summary>
    public void Unconfirmed(Intent intent)
    {
        ArgumentNullException.ThrowIfNull(intent);
        lock (_lock)
        {
            _unprojected.TryAdd(intent.Id, intent.RecordedAt);
        }
    }

    /// <summary>When the oldest change published (or unconfirmed) here and not yet projected was accepted; <c>null</c> when every one is projected.</summary>
    public DateTimeOffset? OldestUnprojected()
    {
        lock (_lock)
        {
            return _unprojected.Count == 0 ? null : _unprojected.Values.Min();
        }
    }

    /// <summary>
    /// True while a delivery of the intent runs or waits to be redelivered after a failure, not
    /// while it waits in its subject's queue: a repair's notice for a waiting intent joins it there.
    /// </summary>
    public bool Contains(string intentId)
    {
        lock (_lock)
        {
            return _inFlight.ContainsKey(intentId);
        }
    }

    /// <summary>The next turn: waiting notices of one subject, each delivered once more, now in flight.</summary>
    internal async ValueTask<IReadOnlyList<Delivery>> NextTurnAsync(CancellationToken cancellationToken)
    {
        var subject = await _ready.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            var queue = _subjects[subject];
            queue.Running = true;
            var turn = new List<Delivery>(Math.Min(queue.Waiting.Count, MaxNoticesPerTurn));
            while (turn.Count < MaxNoticesPerTurn && queue.Waiting.TryDequeue(out var delivery))
            {
                queue.WaitingIntents.Remove(delivery.IntentId);
                _inFlight[delivery.IntentId] = _inFlight.GetValueOrDefault(delivery.IntentId) + 1;
                turn.Add(delivery with { DeliveryCount = delivery.DeliveryCount + 1 });
            }

            return turn;
        }
    }

    /// <summary>The turn is over: its subject goes to the back of the line if more of its notices wait.</summary>
    internal void EndTurn(string subject)
    {
        lock (_lock)
        {
            var queue = _subjects[subject];
            queue.Running = false;
            if (queue.Waiting.Count > 0)
            {
                _ready.Writer.TryWrite(subject);
            }
            else
            {
                _subjects.Remove(subject);
            }
        }
    }

    /// <summary>
    /// The deliveries are over (<paramref name="projected"/>, or given up): their intents are no
    /// longer in flight here; one given up on is still unprojected until repair's notice of it is.
    /// </summary>
    internal void Settle(IEnumerable<Delivery> deliveries, bool projected)
    {
        lock (_lock)
        {
            foreach (var delivery in deliveries)
            {
                Land(delivery);
                if (projected)
                {
                    _unprojected.Remove(delivery.IntentId);
                }
            }
        }
    }

    /// <summary>After its pause, a failed delivery waits in its subject's queue again, no longer in flight.</summary>
    internal void Redeliver(Delivery delivery)
    {
        lock (_lock)
        {
            Land(delivery);
            Enqueue(delivery);
        }
    }

    private void Land(Delivery delivery)
    {
        if (_inFlight[delivery.IntentId] == 1)
        {
            _inFlight.Remove(delivery.IntentId);
        }
        else
        {
            _inFlight[delivery.IntentId]--;
        }
    }

    private void Enqueue(Delivery delivery)
    {
        if (!_subjects.TryGetValue(delivery.Subject, out var queue))
        {
            _subjects[delivery.Subject] = queue = new SubjectQueue();
        }

        // The same intent already waiting (a repair of a queued notice): that delivery covers this one.
        if (!queue.WaitingIntents.Add(delivery.IntentId))
        {
            return;
        }

        queue.Waiting.Enqueue(delivery);
        if (!queue.Running && queue.Waiting.Count == 1)
        {
            _ready.Writer.TryWrite(delivery.Subject);
        }
    }

    private sealed class SubjectQueue
    {
        public Queue<Delivery> Waiting { get; } = new();

        public HashSet<string> WaitingIntents { get; } = new(StringComparer.Ordinal);

        public bool Running { get; set; }
    }
}
