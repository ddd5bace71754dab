using BenchmarkDotNet.Attributes;
using ConsentGateway.Core.Evaluation;
using ConsentGateway.Core.Policy;

namespace ConsentGateway.Benchmarks;

/// <summary>
/// The in-process decision: the request is resolved against the policy (partner lookup by
/// id, data items as bits) and the subject's facts are already read, as on the hot path.
/// </summary>
[MemoryDiagnoser]
public class EvaluatorBenchmarks
{
    private const int BatchSize = 1_000;

    private readonly CompiledPolicy _policy = PolicyLoader.LoadDefault();
    private readonly AccountLookup[] _deviceAccounts = new AccountLookup[3];
    private readonly DecisionRequest[] _batch = new DecisionRequest[BatchSize];
    private readonly AccountLookup[] _batchUsers = new AccountLookup[BatchSize];
    private DecisionRequest _request;
    private AccountLookup _user;

    [GlobalSetup]
    public void Setup()
    {
        var data = Data("ip_address", "mobile_ad_id", "email");
        _request = new DecisionRequest(_policy.ResolvePartner("google"), PartnerRef.None, data, default);
        _user = Account("DE", 2021, setting: true);
        _deviceAccounts[0] = Account("DE", 2021, setting: true);
        _deviceAccounts[1] = Account("US", 2018, setting: null);
        _deviceAccounts[2] = Account("FR", 2022, setting: false);

        string[] countries = ["DE", "US", "GB", "NO", "JP", "FR"];
        for (var i = 0; i < BatchSize; i++)
        {
            var partner = i % 2 == 0 ? "google" : "facebook";
            _batch[i] = new DecisionRequest(_policy.ResolvePartner(partner), PartnerRef.None, data, default);
            _batchUsers[i] = Account(countries[i % countries.Length], 2019 + (i % 4), setting: (i % 3) switch { 0 => null, 1 => true, _ => false });
        }
    }

    [Benchmark(Description = "one account, three data items")]
    public Decision OneAccount() =>
        PolicyEvaluator.Evaluate(_policy, _request, SubjectFacts.ForUser(_user));

    [Benchmark(Description = "device linked to three accounts")]
    public Decision DeviceWithThreeAccounts() =>
        PolicyEvaluator.Evaluate(_policy, _request, SubjectFacts.ForDevice(LookupStatus.Found, _deviceAccounts));

    [Benchmark(Description = "batch of 1,000 (per batch)", OperationsPerInvoke = 1)]
    public int BatchOfThousand()
    {
        var allowed = 0;
        for (var i = 0; i < _batch.Length; i++)
        {
            allowed += PolicyEvaluator.Evaluate(_policy, _batch[i], SubjectFacts.ForUser(_batchUsers[i])).Allowed.Count;
        }

        return allowed;
    }

    [Benchmark(Description = "resolve ids + one decision")]
    public Decision ResolveAndDecide()
    {
        _policy.TryGetDataItem("ip_address", out var ip);
        _policy.TryGetDataItem("mobile_ad_id", out var adId);
        var request = new DecisionRequest(_policy.ResolvePartner("google"), PartnerRef.None, DataSet.Of(ip).Union(DataSet.Of(adId)), default);
        return PolicyEvaluator.Evaluate(_policy, request, SubjectFacts.ForUser(_user));
    }

    private DataSet Data(params string[] names)
    {
        var set = DataSet.Empty;
        foreach (var name in names)
        {
            set = set.Union(DataSet.Of(_policy.TryGetDataItem(name, out var item) ? item : throw new ArgumentException(name)));
        }

        return set;
    }

    private static AccountLookup Account(string country, int signupYear, bool? setting) =>
        AccountLookup.Found(new AccountFacts(
            CountryCode.Parse(country),
            new DateTimeOffset(signupYear, 6, 1, 0, 0, 0, TimeSpan.Zero),
            setting,
            setting is null ? 0 : 1));
}
