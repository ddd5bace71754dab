using System.Security.Cryptography;

namespace ConsentGateway.Core.Evaluation;

/// <summary>
/// Decision ids as UUIDv7 (RFC 9562): the time in milliseconds, then 74 bits that are a random
/// per-process start plus a counter. Unique without a random draw per id (which costs more than
/// the decision itself), and ordered by time in the decision log.
/// </summary>
internal sealed class DecisionIds(TimeProvider time)
{
    private readonly ulong _start = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(sizeof(ulong)));
    private readonly short _versionAndRandomA = (short)(0x7000 | RandomNumberGenerator.GetInt32(1 << 12));
    private long _sequence;

    public Guid Next()
    {
        var milliseconds = (ulong)time.GetUtcNow().ToUnixTimeMilliseconds();
        var random = _start + (ulong)Interlocked.Increment(ref _sequence);
        return new Guid(
            (int)(milliseconds >> 16),
            (short)milliseconds,
            _versionAndRandomA,
            (byte)(0x80 | ((random >> 56) & 0x3F)),
            (byte)(random >> 48),
            (byte)(random >> 40),
            (byte)(random >> 32),
            (byte)(random >> 24),
            (byte)(random >> 16),
            (byte)(random >> 8),
            (byte)random);
    }
}
