using System.Security.Cryptography;
using System.Text;

namespace ConsentGateway.Core;

/// <summary>
/// The keyed HMAC-SHA256 that stands for user and device ids wherever they would leave the
/// process: the subject hashes of the decision log and the Service Bus message ids. The same id
/// gets the same value under one key (so every instance given the same
/// <c>Consent:Evaluation:SubjectHashKey</c> agrees, which Service Bus duplicate detection needs),
/// and nobody without the key can test a guessed id against it. Each use has its own key derived
/// from the configured one, so a message id cannot be matched with a log line's hash.
/// </summary>
public sealed class SubjectPseudonyms
{
    private static readonly byte[] MessageIdPurpose = "consent-gateway/service-bus/message-id"u8.ToArray();

    private readonly byte[] _subjectKey;
    private readonly byte[] _messageIdKey;

    /// <param name="key">The configured key (at least 16 characters), or <c>null</c> for a random one: values then agree only within this process.</param>
    public SubjectPseudonyms(string? key)
    {
        IsKeyRandom = key is null;
        var root = key is null ? RandomNumberGenerator.GetBytes(32) : Encoding.UTF8.GetBytes(key);

        // The decision log's hashes stay what they were under a configured key (its readers may keep them).
        _subjectKey = root;
        _messageIdKey = HMACSHA256.HashData(root, MessageIdPurpose);
    }

    /// <summary>Whether no key was configured (a random one per process is in use).</summary>
    public bool IsKeyRandom { get; }

    /// <summary>The pseudonym of a subject id in logs (128 bits, hex); <c>null</c> for no id.</summary>
    public string? Subject(string? id)
    {
        if (id is null)
        {
            return null;
        }

        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Mac(_subjectKey, id, mac);
        return Convert.ToHexStringLower(mac[..16]);
    }

    /// <summary>The digest (256 bits, hex) of a change's identity, for its message id.</summary>
    public string MessageDigest(string change)
    {
        ArgumentNullException.ThrowIfNull(change);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Mac(_messageIdKey, change, mac);
        return Convert.ToHexStringLower(mac);
    }

    private static void Mac(byte[] key, string value, Span<byte> mac)
    {
        // Valid ids are at most 128 ASCII characters; anything longer is hashed from the heap.
        var maxBytes = Encoding.UTF8.GetMaxByteCount(value.Length);
        Span<byte> bytes = maxBytes <= 512 ? stackalloc byte[maxBytes] : new byte[maxBytes];
        var length = Encoding.UTF8.GetBytes(value, bytes);
        HMACSHA256.HashData(key, bytes[..length], mac);
    }
}
