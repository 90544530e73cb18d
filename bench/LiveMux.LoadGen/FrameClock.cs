using System.Buffers.Binary;
using LiveMux.Media.Bits;

namespace LiveMux.LoadGen;

/// <summary>
/// The frame clock that tests/tools/rtsp_replay_camera.py writes into every access unit: an H.264 SEI
/// user_data_unregistered message (ITU-T H.264 D.1.6) whose payload is
/// <code>
/// +------------------------------+------------------------+-----------------+
/// | UUID "LiveMuxFrameClk1" (16) | epoch microseconds (8) | frame number (4)|
/// +------------------------------+------------------------+-----------------+
/// </code>
/// big-endian, with emulation prevention (00 00 03) applied, so the 12 bytes after the UUID may hold up to
/// four escape bytes. The UUID itself has no zero bytes and is never escaped, so it can be searched for in
/// any container (fMP4 from LiveMux, or a GOP-sized chunk from the baseline's ffmpeg) without parsing it.
/// </summary>
internal static class FrameClock
{
    public static ReadOnlySpan<byte> Uuid => "LiveMuxFrameClk1"u8;

    /// <summary>Longest escaped stamp after the UUID: 12 bytes plus one escape per two zeros.</summary>
    public const int MaxStampBytes = 18;

    /// <summary>Reads the stamp that follows a UUID; false when <paramref name="afterUuid"/> is cut short.</summary>
    public static bool TryReadStamp(ReadOnlySpan<byte> afterUuid, out long epochMicroseconds, out uint frameNumber)
    {
        Span<byte> raw = stackalloc byte[MaxStampBytes];
        var n = EmulationPrevention.Remove(afterUuid[..Math.Min(afterUuid.Length, MaxStampBytes)], raw);
        epochMicroseconds = n >= 12 ? BinaryPrimitives.ReadInt64BigEndian(raw) : 0;
        frameNumber = n >= 12 ? BinaryPrimitives.ReadUInt32BigEndian(raw[8..]) : 0;
        return n >= 12;
    }
}
