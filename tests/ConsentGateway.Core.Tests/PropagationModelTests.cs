using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Evaluation;
using ConsentGateway.Core.Policy;
using ConsentGateway.Core.Projection;
using ConsentGateway.Core.Propagation;
using ConsentGateway.Testing;
using ConsentGateway.Testing.InMemory;
using CsCheck;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Core.Tests;

/// <summary>
/// Random histories of accepted changes, propagated with notices delivered late, out of order,
/// twice or not at all (then repaired): once everything is delivered, every decision read from
/// the projection (through the decision service, a device through its linked accounts' rows)
/// equals the decision of a reference model that replays the history directly. Devices are
/// shared by several accounts, up to a link limit the model predicts the refusals of.
/// </summary>
public class PropagationModelTests
{
    private const int Histories = 1_000;
    private const int MaxAccountsPerDevice = 2;
    private static readonly CompiledPolicy Policy = EvaluationCaseTable.Instance.Policy;
    private static readonly string[] Users = ["u0", "u1", "u2", "u3"];
    private static readonly string[] Devices = ["d0", "d1", "d2"];
    private static readonly string[] Countries = ["DE", "US", "GB", "NO", "JP"];
    private static readonly string[] Partners = ["google", "adv-one", "measure-co"];
    private static readonly string?[] RequestCountries = [null, "FR", "US"];

    private enum OpKind
    {
        Create,
        Move,
        Set,
        Delete,
        Register,
        Link,
    }

    private sealed record Op(OpKind Kind, int User, int Device, int Country, bool Flag);

    private static readonly Gen<Op> GenOp = Gen.Select(
        Gen.Enum<OpKind>(), Gen.Int[0, Users.Length - 1], Gen.Int[0, Devices.Length - 1], Gen.Int[0, Countries.Length - 1], Gen.Bool,
        (kind, user, device, country, flag) => new Op(kind, user, device, country, flag));

    // A history, and for each step how the transport misbehaves: 0 deliver in order later, 1 deliver twice, 2 lose it (repair).
    private static readonly Gen<(Op[] Ops, int[] Faults, int Seed)> GenHistory = Gen.Select(GenOp.Array[1, 25], Gen.Int[0, 2].Array[25], Gen.Int);

    [Fact]
    public void Projected_decisions_equal_the_reference_model_after_any_delivery_order() =>
        GenHistory.Sample(h => RunAsync(h.Ops, h.Faults, h.Seed).GetAwaiter().GetResult(), iter: Histories, threads: 1);

    private static async Task<bool> RunAsync(Op[] ops, int[] faults, int seed)
    {
        var accounts = new InMemoryAccountStore();
        var devices = new InMemoryDeviceStore();
        var projections = new InMemoryProjectionStore();
        var intents = new InMemoryIntentLog();
        var transport = new QueuedPublisher();
        using var meters = new TestMeterFactory();
        using var metrics = new PropagationMetrics(meters);
        var options = Options.Create(new PropagationOptions { RepairDelay = TimeSpan.FromTicks(1) });
        var feed = new ChangeFeed(intents, transport, TimeProvider.System, NullLogger<ChangeFeed>.Instance);
        var limits = Options.Create(new AccountsOptions { MaxAccountsPerDevice = MaxAccountsPerDevice });
        var service = new AccountService(accounts, devices, new PolicyInForce(Policy), feed, TimeProvider.System, limits);
        var changeLog = new InMemoryChangeLog();

        // The decision cache lives through the whole run, told of each projection, and is read
        // between steps: what it holds at the end must still be what the model says.
        var subjects = new SubjectCache(projections, accounts, devices, TimeProvider.System, Options.Create(new EvaluationOptions()), Options.Create(new PropagationOptions()), limits, new EvaluationMetrics(meters), NullLogger<SubjectCache>.Instance);
        var decisions = new DecisionService(new PolicyInForce(Policy), subjects, new DecisionLog(NullLoggerFactory.Instance, new SubjectPseudonyms(null)), new EvaluationMetrics(meters), TimeProvider.System);
        var projector = new Projector(accounts, devices, projections, intents, changeLog, [subjects], TimeProvider.System, metrics, limits);
        var repairer = new Repairer(intents, transport, accounts, changeLog, TimeProvider.System, options, Options.Create(new ChangeLogOptions()), metrics, NullLogger<Repairer>.Instance);

        var model = new ReferenceModel();
        var random = new Random(seed);
        var late = new List<ChangeNotice>();
        for (var step = 0; step < ops.Length; step++)
        {
            var accepted = await ApplyAsync(service, ops[step]);
            if (ops[step].Kind == OpKind.Link && accepted != model.AcceptsLink(ops[step]))
            {
                return false;
            }

            if (accepted)
            {
                model.Apply(ops[step]);
            }

            while (transport.Published.TryDequeue(out var notice))
            {
                switch (faults[step])
                {
                    case 0:
                        late.Add(notice);
                        break;
                    case 1:
                        late.Add(notice);
                        late.Add(notice);
                        break;
                }
            }

            if (random.Next(4) == 0)
            {
                await SameDecisionsAsync(model, decisions);
            }

            // Deliver a random part of what is in flight now, in random order.
            foreach (var notice in late.Where(_ => random.Next(3) == 0).OrderBy(_ => random.Next()).ToList())
            {
                late.Remove(notice);
                await projector.ProjectAsync(notice, default);
            }
        }

        foreach (var notice in late.OrderBy(_ => random.Next()))
        {
            await projector.ProjectAsync(notice, default);
        }

        // Lost notices: their intents stay; repair publishes them again until none is left.
        await Task.Delay(1);
        while (await repairer.RunOnceAsync(default) > 0)
        {
            while (transport.Published.TryDequeue(out var notice))
            {
                await projector.ProjectAsync(notice, default);
            }

            await Task.Delay(1);
        }

        return await SameDecisionsAsync(model, decisions);
    }

    private static async Task<bool> ApplyAsync(AccountService service, Op op)
    {
        var user = Users[op.User];
        var failure = op.Kind switch
        {
            OpKind.Create => (await service.RegisterAccountAsync(user, Countries[op.Country], op.Flag ? "2019-06-01T00:00:00Z" : "2021-06-01T00:00:00Z", default)).Failure,
            OpKind.Move => (await service.RegisterAccountAsync(user, Countries[op.Country], ReferenceModel.SignupOf(op), default)).Failure,
            OpKind.Set => (await service.ChangeSettingAsync(user, op.Flag, null, ChangeChannel.User, default)).Failure,
            OpKind.Delete => (await service.DeleteAccountAsync(user, default)).Failure,
            OpKind.Register => (await service.RegisterDeviceAsync(Devices[op.Device], default)).Failure,
            OpKind.Link => (await service.LinkDeviceAsync(Devices[op.Device], user, default)).Failure,
            _ => throw new ArgumentOutOfRangeException(nameof(op)),
        };
        return failure is null;
    }

    private static readonly ReadLanes Lanes = new(Options.Create(new EvaluationOptions()));

    private static async Task<bool> SameDecisionsAsync(ReferenceModel model, DecisionService decisions)
    {
        foreach (var partner in Partners)
        {
            foreach (var country in RequestCountries)
            {
                var request = new DecisionRequest(Policy.ResolvePartner(partner), PartnerRef.None, AllGovernedData(), country is null ? default : CountryCode.Parse(country));
                foreach (var user in Users)
                {
                    var projected = await decisions.DecideAsync(Ask(partner, country, userId: user), Lanes.InProcess, default);
                    if (projected.Decision != PolicyEvaluator.Evaluate(Policy, request, SubjectFacts.ForUser(model.Lookup(user))))
                    {
                        return false;
                    }
                }

                foreach (var device in Devices)
                {
                    var projected = await decisions.DecideAsync(Ask(partner, country, deviceAdId: device), Lanes.InProcess, default);
                    var expected = model.DeviceLinks(device) is { } links
                        ? SubjectFacts.ForDevice(LookupStatus.Found, links.Select(model.Lookup).ToArray())
                        : SubjectFacts.ForDevice(LookupStatus.NotFound, []);
                    if (projected.Decision != PolicyEvaluator.Evaluate(Policy, request, expected))
                    {
                        return false;
                    }
                }
            }
        }

        return true;
    }

    private static EvaluationQuestion Ask(string partner, string? country, string? userId = null, string? deviceAdId = null) =>
        EvaluationQuestion.Create(Policy, partner, null, userId, deviceAdId, Outcome.Success(AllGovernedData()), country).Value!;

    private static DataSet AllGovernedData()
    {
        var data = DataSet.Empty;
        foreach (var name in (string[])["ip_address", "mobile_ad_id", "ad_interactions"])
        {
            Policy.TryGetDataItem(name, out var item);
            data = data.Union(DataSet.Of(item));
        }

        return data;
    }

    /// <summary>The history of accepted changes replayed into plain state: what the projection must end up saying.</summary>
    private sealed class ReferenceModel
    {
        private readonly Dictionary<string, (bool Exists, string Country, string SignedUpAt, bool? Setting, long Version)> _accounts = [];
        private readonly Dictionary<string, SortedSet<string>> _devices = [];

        // A move keeps the sign-up: the op only says where to.
        public static string SignupOf(Op op) => op.Flag ? "2019-06-01T00:00:00Z" : "2021-06-01T00:00:00Z";

        public void Apply(Op op)
        {
            var user = Users[op.User];
            var current = _accounts.GetValueOrDefault(user);
            switch (op.Kind)
            {
                case OpKind.Create or OpKind.Move:
                    // Registering again revives a deleted account with its setting reset (already null).
                    _accounts[user] = (true, Countries[op.Country], SignupOf(op), current.Exists ? current.Setting : null, current.Version);
                    break;
                case OpKind.Set:
                    _accounts[user] = current with { Setting = op.Flag, Version = current.Version + 1 };
                    break;
                case OpKind.Delete:
                    _accounts[user] = current with { Exists = false, Setting = null, Version = current.Version + 1 };
                    break;
                case OpKind.Register:
                    _devices.TryAdd(Devices[op.Device], new(StringComparer.Ordinal));
                    break;
                case OpKind.Link:
                    _devices.TryAdd(Devices[op.Device], new(StringComparer.Ordinal));
                    _devices[Devices[op.Device]].Add(user);
                    break;
            }
        }

        /// <summary>A link is accepted for an existing account when the device has room for it or has it already.</summary>
        public bool AcceptsLink(Op op) =>
            _accounts.GetValueOrDefault(Users[op.User]).Exists
            && (_devices.GetValueOrDefault(Devices[op.Device]) is not { } links || links.Count < MaxAccountsPerDevice || links.Contains(Users[op.User]));

        public AccountLookup Lookup(string user) =>
            _accounts.TryGetValue(user, out var a) && a.Exists
                ? AccountLookup.Found(new AccountFacts(CountryCode.Parse(a.Country), DateTimeOffset.Parse(a.SignedUpAt, System.Globalization.CultureInfo.InvariantCulture), a.Setting, a.Version))
                : AccountLookup.NotFound;

        public SortedSet<string>? DeviceLinks(string device) => _devices.GetValueOrDefault(device);
    }
}
