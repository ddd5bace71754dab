using System.Collections.Concurrent;
using ConsentGateway.Contracts;

namespace ConsentGateway.Core.Evaluation;

/// <summary>The wire names of <see cref="ReasonCode"/>s: <see cref="ReasonCodes.Decision"/>, in the enum's order.</summary>
public static class ReasonCodeNames
{
    private static readonly ConcurrentDictionary<uint, string> Joined = new();

    public static IReadOnlyList<ReasonCode> All { get; } = Enum.GetValues<ReasonCode>();

    /// <summary>The wire form, e.g. <c>SETTING_DISABLED</c>; returns a cached string.</summary>
    public static string ToCode(this ReasonCode reason) => ReasonCodes.Decision[(int)reason];

    /// <summary>The codes in priority order, comma-separated; one string per distinct set, made once.</summary>
    public static string ToCodes(this ReasonSet reasons) => Joined.GetOrAdd(reasons.Bits, static bits =>
    {
        var codes = new List<string>();
        foreach (var reason in new ReasonSet(bits))
        {
            codes.Add(reason.ToCode());
        }

        return string.Join(',', codes);
    });
}
