using LiveMux.Media.Codecs.Aac;
using LiveMux.Media.Codecs.H264;
using LiveMux.Media.Codecs.H265;
using LiveMux.Media.Formats;
using LiveMux.Media.Mp4;
using LiveMux.Media.Mp4.Reading;
using LiveMux.Media.Rtp;
using LiveMux.Media.Sdp;
using LiveMux.Media.Tests.Formats;
using LiveMux.Media.Tests.Mp4.Reading;
using LiveMux.Media.Tests.Rtp;

namespace LiveMux.Media.Tests.Fuzz;

/// <summary>
/// The properties every LiveMux.Media parser must keep for any input: it returns a result or a named reason and
/// never throws (LiveMux.Media throws nothing for bad input), it makes progress, and what it hands out stays
/// inside its documented limits. Each target is one static check, shared by the seed replay and the CsCheck runs.
/// </summary>
internal static class MediaFuzzTargets
{
    public static string Sdp(byte[] input)
    {
        if (!SessionDescription.TryParse(input, out var sdp, out var error))
        {
            Assert.False(string.IsNullOrEmpty(error));
            return "rejected";
        }

        Assert.True(input.Length <= SdpLimits.MaxBytes, "an SDP over the byte limit was accepted");
        Assert.InRange(sdp.Tracks.Count, 0, SdpLimits.MaxMediaSections);
        foreach (var track in sdp.Tracks)
        {
            Assert.InRange(track.FormatParameters.Count, 0, SdpLimits.MaxFormatParameters);
            Assert.True(track.ClockRate >= 0 && track.Channels >= 1, track.ToString());

            // The fmtp of a hostile SDP reaches the codec parsers through the factory: it must only say no.
            var reason = MediaFormat.UnsupportedReason(track);
            using var depacketizer = MseDepacketizer.TryCreate(track);
            Assert.Equal(reason is null, depacketizer is not null);
            if (depacketizer?.Config is { } config)
            {
                CheckConfig(config);
            }
        }

        return sdp.Tracks.Any(MediaFormat.IsSupported) ? "supported-track" : "no-supported-track";
    }

    public static string H264Sps(byte[] input)
    {
        if (!Sps.TryParse(input, out var sps, out var error))
        {
            Assert.False(string.IsNullOrEmpty(error));
            return "rejected";
        }

        Assert.True(input.Length <= Sps.MaxNalBytes);
        Assert.True(sps.Width > 0 && sps.Height > 0, $"{sps.Width}x{sps.Height}");
        Assert.Matches("^avc1\\.[0-9A-F]{6}$", sps.CodecString);

        // Round trip through the one SPS encoder: the rewritten SPS parses to the same picture, with the new field.
        if (SpsRewriter.AddBitstreamRestriction(input, sps, 2) is { } rewritten)
        {
            Assert.True(Sps.TryParse(rewritten, out var again, out var againError), againError);
            Assert.Equal((sps.Width, sps.Height, sps.ProfileIdc, sps.LevelIdc, sps.FrameRate), (again.Width, again.Height, again.ProfileIdc, again.LevelIdc, again.FrameRate));
            Assert.True(again.HasBitstreamRestriction);
            Assert.Equal(2, again.MaxNumReorderFrames);
            Assert.True(rewritten.Length <= input.Length + 16, "the rewrite grew the SPS by more than its new fields");
            return "rewritten";
        }

        return "parsed";
    }

    public static string H265Sps(byte[] input)
    {
        if (!global::LiveMux.Media.Codecs.H265.H265Sps.TryParse(input, out var sps, out var error))
        {
            Assert.False(string.IsNullOrEmpty(error));
            return "rejected";
        }

        Assert.True(input.Length <= global::LiveMux.Media.Codecs.H265.H265Sps.MaxNalBytes);
        Assert.True(sps.Width > 0 && sps.Height > 0 && sps.Width <= sps.CodedWidth && sps.Height <= sps.CodedHeight,
            $"{sps.Width}x{sps.Height} of {sps.CodedWidth}x{sps.CodedHeight}");
        Assert.StartsWith("h", sps.CodecString, StringComparison.Ordinal);
        Assert.InRange(sps.BitDepthLuma, 8, 16);
        return "parsed";
    }

    public static string AudioSpecificConfig(byte[] input)
    {
        if (!global::LiveMux.Media.Codecs.Aac.AudioSpecificConfig.TryParse(input, out var config, out var error))
        {
            Assert.False(string.IsNullOrEmpty(error));
            return "rejected";
        }

        CheckAsc(config);
        return config.Sbr ? "parsed-sbr" : "parsed";
    }

    public static string StreamMuxConfig(byte[] input)
    {
        if (!global::LiveMux.Media.Codecs.Aac.StreamMuxConfig.TryParse(input, out var config, out var error))
        {
            Assert.False(string.IsNullOrEmpty(error));
            return "rejected";
        }

        CheckAsc(config.Config);
        Assert.True(config.ConfigBytes.Length <= input.Length, "the AudioSpecificConfig is longer than the StreamMuxConfig it came from");
        Assert.True(config.SubFrames >= 1);

        // ConfigBytes is the AudioSpecificConfig re-encoded on a byte boundary: it must parse to the same config.
        Assert.True(global::LiveMux.Media.Codecs.Aac.AudioSpecificConfig.TryParse(config.ConfigBytes, out var again, out var againError), againError);
        Assert.Equal(config.Config, again);
        return "parsed";
    }

    /// <summary>
    /// The reader over the whole input and over a buffer split into small segments must agree, and nothing it
    /// hands out may exceed <see cref="Fmp4Limits"/>.
    /// </summary>
    public static string Fmp4(byte[] input, int segment)
    {
        var limits = new Fmp4Limits { MaxBoxBytes = 64 * 1024, MaxMdatBytes = 256 * 1024, MaxSamplesPerFragment = 64, MaxTracks = 4 };
        var whole = Fmp4ReaderHarness.Read(input, int.MaxValue, limits);
        var split = Fmp4ReaderHarness.Read(input, Math.Max(1, segment), limits);

        Assert.Equal(whole.Last, split.Last);
        Assert.Equal(whole.Error, split.Error);
        Assert.Equal(whole.Samples.Count, split.Samples.Count);
        Assert.Equal(whole.Unconsumed, split.Unconsumed);
        Assert.InRange(whole.Tracks.Count, 0, limits.MaxTracks);
        Assert.Equal(whole.Last == Fmp4Status.Error, whole.Error is not null);
        long total = 0;
        for (var i = 0; i < whole.Samples.Count; i++)
        {
            Assert.Equal(whole.Samples[i].Data, split.Samples[i].Data);
            // Against the limit, not the last moov: a later moov (even an empty one) replaces the tracks.
            Assert.InRange(whole.Samples[i].Track, 0, limits.MaxTracks - 1);
            total += whole.Samples[i].Data.Length;
        }

        Assert.True(total <= input.Length, $"{total} sample bytes out of a {input.Length}-byte input");
        foreach (var track in whole.Tracks.Where(t => t.Config is not null))
        {
            CheckConfig(track.Config!);
        }

        return whole.Last == Fmp4Status.Error ? "error" : whole.Samples.Count > 0 ? "samples" : "no-samples";
    }

    /// <summary>Packets of one track through the depacketizer its SDP makes; every unit inside the limits.</summary>
    public static string Depacketize(MediaTrack track, IReadOnlyList<byte[]> packets)
    {
        using var depacketizer = MseDepacketizer.TryCreate(track);
        Assert.NotNull(depacketizer);
        var video = depacketizer is NalDepacketizer;
        var nalLimits = new NalDepacketizerOptions();
        var audioLimits = new AudioDepacketizerOptions();
        long input = 0, output = 0, units = 0;
        foreach (var data in packets)
        {
            input += data.Length;
            if (RtpPacket.TryParse(data, out var packet) != RtpParseStatus.Ok)
            {
                continue;
            }

            var status = depacketizer.Push(packet, out var unit);
            var fromPacket = 0;
            if (status == DepacketizeStatus.AccessUnit)
            {
                output += CheckUnit(unit, video, nalLimits, audioLimits);
                fromPacket++;
                while (depacketizer.TryTakeNext(out var more))
                {
                    output += CheckUnit(more, video, nalLimits, audioLimits);
                    fromPacket++;
                }
            }
            else
            {
                Assert.Equal(0, unit.Length);
                Assert.Equal(status == DepacketizeStatus.Dropped, depacketizer.LastDropReason != DropReason.None);
                Assert.False(depacketizer.TryTakeNext(out _), "units waiting after a packet that completed none");
            }

            Assert.InRange(fromPacket, 0, video ? 1 : audioLimits.MaxAccessUnitsPerPacket);
            units += fromPacket;
            if (depacketizer.Config is { } config)
            {
                CheckConfig(config);
            }
        }

        // Output is bounded by input: length prefixes and in-band parameter sets on keyframes for video,
        // 16-bit FLAC samples for 8-bit G.711, the bytes themselves for AAC and Opus.
        var bound = (4 * input) + (units * (video ? 2 * (Sps.MaxNalBytes + 1024) : 64));
        Assert.True(output <= bound, $"{output} bytes out of {input} bytes in ({units} units)");
        return units > 0 ? "units" : "no-units";
    }

    private static int CheckUnit(AccessUnit unit, bool video, NalDepacketizerOptions nal, AudioDepacketizerOptions audio)
    {
        using (unit)
        {
            Assert.InRange(unit.Length, 1, video ? nal.MaxAccessUnitBytes : audio.MaxAccessUnitBytes);
            if (video)
            {
                // 4-byte length-prefixed NAL units that tile the unit exactly.
                var data = unit.Data;
                var count = 0;
                for (var offset = 0; offset < data.Length; count++)
                {
                    Assert.True(offset + 4 <= data.Length, "a cut length prefix");
                    var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(data[offset..]);
                    Assert.InRange(length, 1, data.Length - offset - 4);
                    offset += 4 + length;
                }

                Assert.InRange(count, 1, nal.MaxNalUnitsPerAccessUnit);
            }
            else
            {
                Assert.True(unit.IsKeyframe && unit.Duration > 0 && unit.Timestamp == unit.DecodeTimestamp);
            }

            return unit.Length;
        }
    }

    private static void CheckAsc(global::LiveMux.Media.Codecs.Aac.AudioSpecificConfig config)
    {
        Assert.True(config.SampleRate > 0 && config.OutputSampleRate > 0, $"{config.SampleRate} Hz");
        Assert.InRange(config.ChannelConfiguration, 0, 15);
        Assert.True(config.FrameLength is 960 or 1024 or 480 or 512 or 120 or 128 or 240 or 256, $"frame length {config.FrameLength}");
        Assert.StartsWith("mp4a.40.", config.Codec, StringComparison.Ordinal);
    }

    private static void CheckConfig(TrackConfig config)
    {
        Assert.True(config.Timescale > 0, "timescale");
        Assert.NotEmpty(config.SampleEntry);
        Assert.False(string.IsNullOrWhiteSpace(config.Codec));
        Assert.True(config.DefaultDuration >= 0);
    }
}
