using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace ConsentGateway.Client.Tests;

/// <summary>A stand-in for the gateway: records every request and answers with the given function.</summary>
internal sealed class FakeHandler(Func<HttpRequestMessage, string, CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler
{
    public ConcurrentQueue<(HttpRequestMessage Request, string Body)> Calls { get; } = new();

    public int CallCount => Calls.Count;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        Calls.Enqueue((request, body));
        return await answer(request, body, cancellationToken);
    }

    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    public static FakeHandler Answering(string json) => new((_, _, _) => Task.FromResult(Json(json)));

    /// <summary>Answers every question, single or batch: items whose name starts with "ok" are allowed, the rest denied.</summary>
    public static FakeHandler Echoing(int ttlSeconds) => new((request, body, _) => Task.FromResult(Echo(request, body, ttlSeconds)));

    /// <summary>As <see cref="Echoing"/> with a ttl of 0, each answer held back until <paramref name="released"/> completes.</summary>
    public static FakeHandler EchoingAfter(Task released) => new(async (request, body, cancellationToken) =>
    {
        await released.WaitAsync(cancellationToken);
        return Echo(request, body, ttlSeconds: 0);
    });

    private static HttpResponseMessage Echo(HttpRequestMessage request, string body, int ttlSeconds)
    {
        var node = JsonNode.Parse(body)!;
        if (request.RequestUri!.AbsolutePath.EndsWith("/batch", StringComparison.Ordinal))
        {
            var results = new JsonArray([.. node["requests"]!.AsArray().Select(r => (JsonNode?)AnswerOne(r!, ttlSeconds))]);
            return Json(new JsonObject { ["results"] = results }.ToJsonString());
        }

        return Json(AnswerOne(node, ttlSeconds).ToJsonString());
    }

    private static JsonObject AnswerOne(JsonNode request, int ttlSeconds)
    {
        var data = request["data"]!.AsArray().Select(d => d!.GetValue<string>()).ToArray();
        var allowed = data.Where(d => d.StartsWith("ok", StringComparison.Ordinal)).ToArray();
        var denied = data.Except(allowed).ToArray();
        var answer = new JsonObject
        {
            ["decision"] = denied.Length == 0 ? "allow" : allowed.Length == 0 ? "deny" : "partial",
            ["allowed"] = new JsonArray([.. allowed.Select(a => (JsonNode?)a)]),
            ["denied"] = new JsonArray([.. denied.Select(d => (JsonNode?)new JsonObject { ["data"] = d, ["reason"] = "SETTING_DISABLED" })]),
            ["reasons"] = new JsonArray(denied.Length == 0 ? "SETTING_ENABLED" : "SETTING_DISABLED"),
            ["partnership"] = request["partner"]!.GetValue<string>() + "-partnership",
            ["policyVersion"] = "p1",
            ["consentVersion"] = 1,
            ["decisionId"] = Guid.NewGuid().ToString(),
            ["ttlSeconds"] = ttlSeconds,
        };
        if (request["id"] is { } id)
        {
            answer["id"] = id.GetValue<string>();
        }

        return answer;
    }
}

internal static class TestClient
{
    public const string Key = "proxy-key-1";

    public static ServiceProvider Build(HttpMessageHandler handler, Action<ConsentGatewayClientOptions>? tweak = null, TimeProvider? time = null)
    {
        var services = new ServiceCollection();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddConsentGatewayClient(options =>
            {
                options.BaseAddress = new Uri("http://gateway.test");
                options.ProxyKey = Key;
                options.Timeout = TimeSpan.FromSeconds(5);
                tweak?.Invoke(options);
            })
            .ConfigurePrimaryHttpMessageHandler(() => handler);
        return services.BuildServiceProvider();
    }

    public static IConsentGatewayClient Client(this ServiceProvider provider) => provider.GetRequiredService<IConsentGatewayClient>();

    public static ConsentQuestion Question(string userId = "u1", params string[] data) => new()
    {
        Partner = "google",
        UserId = userId,
        Data = data.Length == 0 ? ["ok_ip_address", "email"] : data,
        Country = "DE",
    };
}
