using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using ConsentGateway.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Core.Changes;

/// <summary>
/// Issues the consistency token of a write and reads one back (SPEC §4, read-your-writes). A token
/// is <see cref="Prefix"/> and then, in base64url without padding: the subject's kind (1 byte), the
/// version the write gave it (revision, setting version: unsigned LEB128), a tag of the subject
/// (HMAC-SHA256 of its kind and id, 128 bits) and a MAC (HMAC-SHA256 of the prefix and all before
/// it, 128 bits). So it is short (about 50 characters), safe in URLs and headers, cannot be made or
/// altered without the key, and holds no user or device id: tokens pass through proxies and their
/// logs. Both HMAC keys derive from <see cref="ConsistencyTokenOptions.Key"/> (HKDF, one label
/// each); tokens of <see cref="ConsistencyTokenOptions.PreviousKey"/> are read too, so the key can
/// be rotated without refusing the tokens already handed out.
/// </summary>
public sealed partial class ConsistencyTokens
{
    /// <summary>Names the format: another one gets another prefix, so both can be read while a deployment changes.</summary>
    public const string Prefix = "ct1.";

    private const int TagLength = 16;
    private const int MacLength = 16;

    // A version is a long that is never negative: 63 bits, 9 groups of 7.
    private const int MaxVarintLength = 9;
    private const int MaxPayloadLength = 1 + (2 * MaxVarintLength) + TagLength + MacLength;

    /// <summary>The longest token of this format: longer text is malformed before it is decoded.</summary>
    public static readonly int MaxLength = Prefix.Length + (((4 * MaxPayloadLength) + 2) / 3);

    private static readonly SearchValues<char> Base64UrlAlphabet = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    private readonly Keys _current;
    private readonly Keys? _previous;

    public ConsistencyTokens(IOptions<ConsistencyTokenOptions> options, ILogger<ConsistencyTokens> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var key = options.Value.Key;
        if (key is null)
        {
            LogRandomKey(logger);
        }

        _current = new Keys(key is null ? RandomNumberGenerator.GetBytes(32) : Encoding.UTF8.GetBytes(key));
        _previous = options.Value.PreviousKey is { } previous ? new Keys(Encoding.UTF8.GetBytes(previous)) : null;
    }

    /// <summary>The token of a write that gave <paramref name="subjectId"/> (of <paramref name="kind"/>) <paramref name="version"/>.</summary>
    public string Issue(SubjectKind kind, string subjectId, SubjectVersion version)
    {
        ArgumentNullException.ThrowIfNull(subjectId);
        ArgumentOutOfRangeException.ThrowIfNegative(version.Revision);
        ArgumentOutOfRangeException.ThrowIfNegative(version.SettingVersion);
        Span<byte> signed = stackalloc byte[Prefix.Length + MaxPayloadLength];
        var payload = signed[Encoding.ASCII.GetBytes(Prefix, signed)..];
        payload[0] = (byte)kind;
        var length = 1;
        length += WriteVarint(version.Revision, payload[length..]);
        length += WriteVarint(version.SettingVersion, payload[length..]);
        _current.Tag(kind, subjectId, payload.Slice(length, TagLength));
        length += TagLength;
        _current.Sign(signed[..(Prefix.Length + length)], payload.Slice(length, MacLength));
        length += MacLength;
        return Prefix + Base64Url.EncodeToString(payload[..length]);
    }

    /// <summary>Reads a token a caller passed back: <c>malformed-consistency-token</c> when it is not one, <c>forged-consistency-token</c> when its MAC does not verify.</summary>
    public Outcome<ConsistencyToken> Parse(string? token)
    {
        if (token is null || token.Length > MaxLength || !token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return Malformed();
        }

        // Only the alphabet: no padding, no whitespace, which a decoder might skip.
        var encoded = token.AsSpan(Prefix.Length);
        Span<byte> signed = stackalloc byte[Prefix.Length + MaxPayloadLength];
        var prefixLength = Encoding.ASCII.GetBytes(Prefix, signed);
        if (encoded.ContainsAnyExcept(Base64UrlAlphabet)
            || Base64Url.DecodeFromChars(encoded, signed[prefixLength..], out _, out var written) != OperationStatus.Done)
        {
            return Malformed();
        }

        // The layout is read before the MAC is checked, so a truncated or padded token is malformed, not forged.
        var payload = signed.Slice(prefixLength, written);
        var at = 1;
        if (payload.IsEmpty
            || !Enum.IsDefined((SubjectKind)payload[0])
            || !TryReadVarint(payload, ref at, out var revision)
            || !TryReadVarint(payload, ref at, out var settingVersion)
            || payload.Length - at != TagLength + MacLength)
        {
            return Malformed();
        }

        var mac = payload[^MacLength..];
        var covered = signed[..(prefixLength + written - MacLength)];
        var keys = _current.Verifies(covered, mac) ? _current
            : _previous is not null && _previous.Verifies(covered, mac) ? _previous
            : null;
        if (keys is null)
        {
            return Failure.Invalid(ProblemCodes.ForgedConsistencyToken, $"The consistency token does not verify: it was altered, or signed with a key this gateway no longer accepts ({ConsistencyTokenOptions.SectionName}:Key). Ask with the token of a newer write.");
        }

        var kind = (SubjectKind)payload[0];
        var tag = payload.Slice(at, TagLength).ToArray();
        return new ConsistencyToken(kind, new SubjectVersion(revision, settingVersion), subjectId => keys.Names(kind, subjectId, tag));
    }

    private static Failure Malformed() =>
        Failure.Invalid(ProblemCodes.MalformedConsistencyToken, "The consistency token is not one this gateway issues: pass back the consistencyToken of a write (or its X-Consent-Consistency-Token header) unchanged.");

    private static int WriteVarint(long value, Span<byte> to)
    {
        var rest = (ulong)value;
        var at = 0;
        while (rest >= 0x80)
        {
            to[at++] = (byte)(rest | 0x80);
            rest >>= 7;
        }

        to[at++] = (byte)rest;
        return at;
    }

    private static bool TryReadVarint(ReadOnlySpan<byte> bytes, ref int at, out long value)
    {
        value = 0;
        for (var shift = 0; shift < 7 * MaxVarintLength && at < bytes.Length; shift += 7)
        {
            var next = bytes[at++];
            value |= (long)(next & 0x7F) << shift;
            if (next < 0x80)
            {
                return true;
            }
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consent:ConsistencyTokens:Key is not set: consistency tokens are signed with a random key of this process, so other instances and this one after a restart refuse them.")]
    private static partial void LogRandomKey(ILogger logger);

    /// <summary>The two keys derived from one secret: one signs tokens, the other tags subjects.</summary>
    private sealed class Keys
    {
        private readonly byte[] _mac = new byte[32];
        private readonly byte[] _subject = new byte[32];

        public Keys(byte[] secret)
        {
            HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, _mac, [], "consent-gateway consistency-token mac"u8);
            HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, _subject, [], "consent-gateway consistency-token subject"u8);
        }

        public void Sign(ReadOnlySpan<byte> covered, Span<byte> mac)
        {
            Span<byte> full = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(_mac, covered, full);
            full[..MacLength].CopyTo(mac);
        }

        public bool Verifies(ReadOnlySpan<byte> covered, ReadOnlySpan<byte> mac)
        {
            Span<byte> expected = stackalloc byte[MacLength];
            Sign(covered, expected);
            return CryptographicOperations.FixedTimeEquals(expected, mac);
        }

        public void Tag(SubjectKind kind, string subjectId, Span<byte> tag)
        {
            // Valid ids are at most 128 ASCII characters; anything longer is tagged from the heap.
            var maxBytes = 1 + Encoding.UTF8.GetMaxByteCount(subjectId.Length);
            Span<byte> input = maxBytes <= 512 ? stackalloc byte[maxBytes] : new byte[maxBytes];
            input[0] = (byte)kind;
            var length = 1 + Encoding.UTF8.GetBytes(subjectId, input[1..]);
            Span<byte> full = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(_subject, input[..length], full);
            full[..TagLength].CopyTo(tag);
        }

        public bool Names(SubjectKind kind, string subjectId, ReadOnlySpan<byte> tag)
        {
            Span<byte> asked = stackalloc byte[TagLength];
            Tag(kind, subjectId, asked);
            return CryptographicOperations.FixedTimeEquals(asked, tag);
        }
    }
}
