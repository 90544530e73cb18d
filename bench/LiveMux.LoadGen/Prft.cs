using System.Buffers.Binary;

namespace LiveMux.LoadGen;

/// <summary>
/// The producer reference time box LiveMux puts before every moof (ISO/IEC 14496-12 8.16.5, version 1):
/// <code>
/// size(4)=32 'prft'(4) version(1)=1 flags(3) reference_track_ID(4) ntp_timestamp(8) media_time(8)
/// </code>
/// Its NTP time is the wall-clock time the hub received the frame.
/// </summary>
internal static class Prft
{
    private const long NtpToUnixSeconds = 2_208_988_800;

    /// <summary>The hub's receive time in Unix microseconds, when <paramref name="message"/> starts with a prft.</summary>
    public static bool TryReadReceiveTime(ReadOnlySpan<byte> message, out long epochMicroseconds)
    {
        epochMicroseconds = 0;
        if (message.Length < 32 || BinaryPrimitives.ReadUInt32BigEndian(message) != 32 || !message[4..8].SequenceEqual("prft"u8))
        {
            return false;
        }

        var ntp = BinaryPrimitives.ReadUInt64BigEndian(message[16..]);
        var seconds = (long)(ntp >> 32) - NtpToUnixSeconds;
        var fraction = (long)((ntp & 0xFFFF_FFFF) * 1_000_000 >> 32);
        epochMicroseconds = seconds * 1_000_000 + fraction;
        return true;
    }
}
