using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ConsentGateway.Core.Changes;

/// <summary>
/// A change notice: small, ids only, no personal data. The projector re-reads the source of
/// truth for <see cref="Key"/>, so duplicates and reordering are harmless by construction.
/// </summary>
/// <param name="Kind">What changed.</param>
/// <param name="Key">The user id or device advertising id.</param>
/// <param name="Version">The version the change produced (0 where the source has none).</param>
/// <param name="AcceptedAt">When the change was accepted (for the propagation-lag metric).</param>
/// <param name="IntentId">The intent-log entry that guards this change; cleared once projected.</param>
/// <param name="LinkedUserId">For a device link, the account linked (part of the message id only).</param>
/// <param name="RepairedAt">Set when repair publishes the change again: the message id then differs from the original's.</param>
public sealed record ChangeNotice(ChangeKind Kind, string Key, long Version, DateTimeOffset AcceptedAt, string IntentId, string? LinkedUserId = null, DateTimeOffset? RepairedAt = null)
{
    /// <summary>
    /// Derived from the business key and version, so that Service Bus duplicate detection drops
    /// a second publish of the same change: the kind and a keyed HMAC
    /// (<see cref="SubjectPseudonyms.MessageDigest"/>) of the key, version (or linked account)
    /// and, for a repair, its time. Keyed so that it holds no user or device id (brokers and hosts
    /// log message ids) and no one without the key can confirm a guessed id from it; within Service
    /// Bus's 128 characters. Every instance must share the key for their ids to agree.
    /// A repair's notice differs from the original's: the original may have been accepted by
    /// the broker and then dead-lettered, and the repair must not be dropped as its duplicate.
    /// </summary>
    public string MessageId(SubjectPseudonyms pseudonyms)
    {
        ArgumentNullException.ThrowIfNull(pseudonyms);

        // '/' separates the parts because no id may hold one.
        var change = Kind == ChangeKind.Device && LinkedUserId is not null
            ? $"{Key}/link/{LinkedUserId}"
            : string.Create(CultureInfo.InvariantCulture, $"{Key}/{Version}");
        if (RepairedAt is { } repairedAt)
        {
            change = string.Create(CultureInfo.InvariantCulture, $"{change}/repair/{repairedAt.UtcTicks}");
        }

        return KindName(Kind) + "-" + pseudonyms.MessageDigest(change);
    }

    public static string KindName(ChangeKind kind) => kind switch
    {
        ChangeKind.Account => "account",
        ChangeKind.Setting => "setting",
        ChangeKind.Device => "device",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, NoticeJsonContext.Default.ChangeNotice);

    /// <summary>Parses a message body; <c>null</c> when it is not a valid notice.</summary>
    public static ChangeNotice? TryParse(ReadOnlySpan<byte> json)
    {
        try
        {
            var notice = JsonSerializer.Deserialize(json, NoticeJsonContext.Default.ChangeNotice);
            return notice is { Key.Length: > 0, IntentId: not null } && Enum.IsDefined(notice.Kind) ? notice : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    UseStringEnumConverter = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]

[JsonSerializable(typeof(ChangeNotice))]
internal sealed partial class NoticeJsonContext : JsonSerializerContext;
