using System.Buffers;
using System.Buffers.Binary;
using LiveMux.Media.Mp4;
using LiveMux.Media.Rtp;

namespace LiveMux.Hub.Tests.Infrastructure;

/// <summary>
/// An audio track as a depacketizer would hand it over: a config known from the SDP and one access unit
/// per codec frame, with its exact duration as audio depacketizers state it. The hub never decodes audio, so the bytes only carry a frame id, like
/// <see cref="H264Camera"/>'s slices (<see cref="H264Camera.FrameId"/> reads it back).
/// </summary>
internal sealed class FakeAudio(string codec = "mp4a.40.2", int sampleRate = 48000, int frameSamples = 1024)
{
    public int SampleRate => sampleRate;

    public int FrameSamples => frameSamples;

    public TrackConfig Config { get; } = new()
    {
        Kind = TrackKind.Audio,
        Codec = codec,
        Timescale = sampleRate,
        SampleEntry = [0, 0, 0, 12, (byte)'m', (byte)'p', (byte)'4', (byte)'a', 0, 0, 0, (byte)codec.Length],
    };

    /// <summary>RTP time of audio frame <paramref name="n"/> from a random-looking base.</summary>
    public uint Ts(int n, uint baseTs = 1_000_000_000) => unchecked(baseTs + ((uint)n * (uint)frameSamples));

    public AccessUnit Frame(int id, long timestamp)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(32);
        buffer.AsSpan(0, 32).Fill(0x21);
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(27), id);
        buffer[31] = 0x80;
        return new AccessUnit(buffer, 32, timestamp, frameSamples, configChanged: false);
    }
}
