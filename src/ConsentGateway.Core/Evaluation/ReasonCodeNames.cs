using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using ConsentGateway.Contracts;

namespace ConsentGateway.Core.Evaluation;

/// <summary>
/// The wire names of <see cref="ReasonCode"/>s: each value's name in upper snake case, which must
/// be one of <see cref="ReasonCodes.Decision"/> (checked once, when this type is first used).
/// </summary>
public static partial class ReasonCodeNames
{
    private static readonly string[] Codes = [.. Enum.GetValues<ReasonCode>().Select(WireNameOf)];
    private static readonly ConcurrentDictionary<uint, string> Joined = new();

    public static IReadOnlyList<ReasonCode> All { get; } = Enum.GetValues<ReasonCode>();

    /// <summary>The wire form, e.g. <c>SETTING_DISABLED</c>; returns a cached string.</summary>
    public static string ToCode(this ReasonCode reason) => Codes[(int)reason];

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

    private static string WireNameOf(ReasonCode reason)
    {
        var name = WordBoundary().Replace(reason.ToString(), "_").ToUpperInvariant();
        return ReasonCodes.Decision.Contains(name)
            ? name
            : throw new InvalidOperationException($"ReasonCode.{reason} has no wire name in ReasonCodes.Decision ({name}).");
    }

    [GeneratedRegex("(?<=[a-z])(?=[A-Z])")]
    private static partial Regex WordBoundary();
}
