using System.Globalization;
using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Evaluation;
using ConsentGateway.Core.Policy;
using ConsentGateway.Core.Projection;
using ConsentGateway.Core.Propagation;
using ConsentGateway.Testing.InMemory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ConsentGateway.LoadBench;

/// <summary>
/// What the decision cache holds per entry: the managed heap after reading N accounts and N
/// devices with one linked account each through the cache, less the heap before (the rows
/// themselves are in an in-memory store, there before). Each id is a string of its own, as a
/// request brings it, so the key's cost is counted.
/// </summary>
internal static class CacheMemoryBenchmark
{
    public static async Task<int> RunAsync(int subjects)
    {
        var store = new InMemoryProjectionStore();
        var germany = CountryCode.Parse("DE");
        var signedUp = new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var userIds = new string[subjects];
        var deviceIds = new string[subjects];
        for (var i = 0; i < subjects; i++)
        {
            userIds[i] = string.Create(CultureInfo.InvariantCulture, $"user-{i:D8}");
            deviceIds[i] = string.Create(CultureInfo.InvariantCulture, $"device-{i:D8}");
            await store.TryPutAccountAsync(new AccountProjection(userIds[i], true, germany, signedUp, true, 1, 1), null, default);
            await store.TryPutDeviceAsync(new DeviceProjection(deviceIds[i], [userIds[i]], 1), null, default);
        }

        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var options = Options.Create(new EvaluationOptions { MaxCachedSubjects = subjects });
        using var lanes = new ReadLanes(options);
        using var metrics = new EvaluationMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        var cache = new SubjectCache(store, new InMemoryAccountStore(), new InMemoryDeviceStore(), TimeProvider.System, options,
            Options.Create(new PropagationOptions()), Options.Create(new AccountsOptions()), metrics, NullLogger<SubjectCache>.Instance);
        var before = Heap();
        foreach (var id in userIds)
        {
            await cache.GetAccountAsync(new string(id.AsSpan()), lanes.InProcess, null, default);
        }

        var afterAccounts = Heap();
        foreach (var id in deviceIds)
        {
            await cache.GetDeviceAsync(new string(id.AsSpan()), lanes.InProcess, null, default);
        }

        var afterDevices = Heap();
        GC.KeepAlive(cache);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{cache.Count} entries: accounts {(afterAccounts - before) / (double)subjects:F0} B each ({(afterAccounts - before) / (double)subjects:F0} MB per million), devices with one link {(afterDevices - afterAccounts) / (double)subjects:F0} B each  [ids of 13-15 characters as a request brings them; a device's linked ids are the account entries' strings]"));
        return 0;
    }

    private static long Heap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
