using System.Numerics;

namespace ConsentGateway.Core.Policy;

/// <summary>
/// A set of data items of one compiled policy, as bits in the policy's canonical order.
/// Duplicates and request order vanish by construction; set operations never allocate.
/// </summary>
public readonly record struct DataSet(ulong Bits)
{
    public static DataSet Empty => default;

    public bool IsEmpty => Bits == 0;

    public int Count => BitOperations.PopCount(Bits);

    public static DataSet Of(int item) => new(1ul << item);

    public bool Contains(int item) => (Bits & (1ul << item)) != 0;

    public DataSet Union(DataSet other) => new(Bits | other.Bits);

    public DataSet Intersect(DataSet other) => new(Bits & other.Bits);

    public DataSet Except(DataSet other) => new(Bits & ~other.Bits);

    public bool IsSubsetOf(DataSet other) => (Bits & ~other.Bits) == 0;

    /// <summary>Item indexes in canonical order.</summary>
    public Enumerator GetEnumerator() => new(Bits);

    public struct Enumerator(ulong bits)
    {
        private ulong _remaining = bits;

        public int Current { get; private set; }

        public bool MoveNext()
        {
            if (_remaining == 0)
            {
                return false;
            }

            Current = BitOperations.TrailingZeroCount(_remaining);
            _remaining &= _remaining - 1;
            return true;
        }
    }
}
