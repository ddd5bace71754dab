using System.Text;

namespace ConsentGateway.Testing;

/// <summary>
/// Just enough of the protobuf wire format to read OTLP requests in tests (OpenTelemetry.Proto is
/// not available): the length-delimited fields of a message by number, and strings.
/// </summary>
public static class ProtobufReader
{
    private const int Varint = 0;
    private const int Fixed64 = 1;
    private const int LengthDelimited = 2;
    private const int Fixed32 = 5;

    /// <summary>Every length-delimited field <paramref name="number"/> of <paramref name="message"/> (sub-messages, strings, bytes), in order.</summary>
    public static IEnumerable<ReadOnlyMemory<byte>> Fields(ReadOnlyMemory<byte> message, int number)
    {
        var position = 0;
        while (position < message.Length)
        {
            var tag = ReadVarint(message.Span, ref position);
            var field = (int)(tag >> 3);
            switch ((int)(tag & 7))
            {
                case Varint:
                    ReadVarint(message.Span, ref position);
                    break;
                case Fixed64:
                    position += 8;
                    break;
                case Fixed32:
                    position += 4;
                    break;
                case LengthDelimited:
                    var length = (int)ReadVarint(message.Span, ref position);
                    if (field == number)
                    {
                        yield return message.Slice(position, length);
                    }

                    position += length;
                    break;
                default:
                    throw new InvalidDataException($"Wire type {tag & 7} at byte {position} is not one OTLP uses.");
            }
        }
    }

    /// <summary>The first string field <paramref name="number"/>, or <c>null</c>.</summary>
    public static string? Text(ReadOnlyMemory<byte> message, int number) =>
        Fields(message, number).Select(bytes => Encoding.UTF8.GetString(bytes.Span)).FirstOrDefault();

    /// <summary>Follows a path of sub-message fields, e.g. <c>(1, 2, 2)</c>: every message reached.</summary>
    public static IEnumerable<ReadOnlyMemory<byte>> Path(ReadOnlyMemory<byte> message, params int[] numbers) =>
        numbers.Aggregate((IEnumerable<ReadOnlyMemory<byte>>)[message], (messages, number) => messages.SelectMany(m => Fields(m, number)));

    private static ulong ReadVarint(ReadOnlySpan<byte> bytes, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = bytes[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
    }
}
