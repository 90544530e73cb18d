using System.Globalization;
using LiveMux.Media.Mp4;
using LiveMux.Media.Rtp;
using LiveMux.Media.Rtp.Opus;
using LiveMux.Media.Sdp;

namespace LiveMux.Media.Formats;

/// <summary>
/// Opus over RTP (RFC 7587): always a 48 kHz clock and "/2" in a=rtpmap (7.1); sprop-stereo says whether the
/// sender sends stereo, sprop-maxcapturerate the rate it captured at.
/// <code>
/// a=rtpmap:111 opus/48000/2
/// a=fmtp:111 sprop-stereo=1
/// </code>
/// </summary>
public sealed class OpusFormat : MediaFormat
{
    public OpusFormat(int payloadType, int channels, int inputSampleRate = OpusDepacketizer.ClockRate)
        : base(payloadType, OpusDepacketizer.ClockRate)
    {
        Channels = Math.Clamp(channels, 1, 2);
        InputSampleRate = inputSampleRate;
    }

    /// <summary>1 or 2, from sprop-stereo (or a=rtpmap when it is absent).</summary>
    public int Channels { get; }

    public int InputSampleRate { get; }

    public override TrackKind Kind => TrackKind.Audio;

    public override string EncodingName => "opus";

    protected override int RtpMapChannels => 2;

    public override IDepacketizer CreateDepacketizer(AudioDepacketizerOptions? options = null) =>
        new OpusDepacketizer(Channels, InputSampleRate, options);

    public override RtpPacketizer CreatePacketizer(RtpPacketizerOptions options) => new OpusPacketizer(options);

    public override string FormatParameters =>
        string.Create(CultureInfo.InvariantCulture, $"sprop-stereo={(Channels == 2 ? 1 : 0)}")
        + (InputSampleRate != OpusDepacketizer.ClockRate ? string.Create(CultureInfo.InvariantCulture, $";sprop-maxcapturerate={InputSampleRate}") : "");

    internal static OpusFormat Parse(MediaTrack track) => new(track.PayloadType, ChannelsOf(track), InputRate(track));

    /// <summary>RFC 7587 7.1: rtpmap always says 2; sprop-stereo=0 or 1 tells what the sender sends.</summary>
    private static int ChannelsOf(MediaTrack track) =>
        track.FormatParameters.TryGetValue("sprop-stereo", out var stereo) && stereo is "0" or "1"
            ? stereo == "1" ? 2 : 1
            : Math.Clamp(track.Channels, 1, 2);

    private static int InputRate(MediaTrack track) =>
        track.FormatParameters.TryGetValue("sprop-maxcapturerate", out var text)
        && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var rate) && rate is >= 8000 and <= 192000
            ? rate
            : OpusDepacketizer.ClockRate;
}
