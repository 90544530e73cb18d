using System.Buffers.Binary;
using LiveMux.Media.Mp4;

namespace LiveMux.LoadGen;

/// <summary>
/// Reads the prft box LiveMux puts before every moof (<see cref="ProducerReferenceTime"/>): its NTP time is
/// the wall-clock time the hub received the frame.
/// </summary>
internal static class Prft
{
    /// <summary>The hub's receive time in Unix microseconds, when <paramref name="message"/> starts with a prft.</summary>
    public static bool TryReadReceiveTime(ReadOnlySpan<byte> message, out long epochMicroseconds)
    {
        epochMicroseconds = 0;
        if (message.Length < ProducerReferenceTime.Size
            || BinaryPrimitives.ReadUInt32BigEndian(message) != ProducerReferenceTime.Size
            || !message[4..8].SequenceEqual("prft"u8))
        {
            return false;
        }

        var at = ProducerReferenceTime.FromNtp(BinaryPrimitives.ReadUInt64BigEndian(message[16..]));
        epochMicroseconds = (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;
        return true;
    }
}
