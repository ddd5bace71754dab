namespace ConsentGateway.Core.Evaluation;

/// <summary>A set of <see cref="ReasonCode"/>s as bits: copying and combining never allocates.</summary>
public readonly record struct ReasonSet(uint Bits)
{
    public static ReasonSet Empty => default;

    public bool IsEmpty => Bits == 0;

    public static ReasonSet Of(ReasonCode reason) => new(1u << (int)reason);

    public bool Contains(ReasonCode reason) => (Bits & (1u << (int)reason)) != 0;

    public ReasonSet With(ReasonCode reason) => new(Bits | (1u << (int)reason));

    public ReasonSet Union(ReasonSet other) => new(Bits | other.Bits);

    /// <summary>The highest-priority reason in the set; the set must not be empty.</summary>
    public ReasonCode First => (ReasonCode)System.Numerics.BitOperations.TrailingZeroCount(Bits);

    public Enumerator GetEnumerator() => new(Bits);

    public struct Enumerator(uint bits)
    {
        private uint _remaining = bits;

        public ReasonCode Current { get; private set; }

        public bool MoveNext()
        {
            if (_remaining == 0)
            {
                return false;
            }

            Current = (ReasonCode)System.Numerics.BitOperations.TrailingZeroCount(_remaining);
            _remaining &= _remaining - 1;
            return true;
        }
    }
}
