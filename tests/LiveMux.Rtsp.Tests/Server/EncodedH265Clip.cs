using System.Buffers.Binary;
using System.Globalization;
using LiveMux.Media.Codecs.H264;
using LiveMux.Media.Formats;
using LiveMux.Tests;

namespace LiveMux.Rtsp.Tests.Server;

/// <summary>One access unit as a depacketizer hands it out and <see cref="LiveMux.Rtsp.Server.RtpEgress"/> takes it.</summary>
internal sealed record EgressUnit(byte[] Data, long Timestamp, bool IsKeyframe);

/// <summary>
/// A real H.265 bitstream: x265 encodes <see cref="Frames"/> frames of ffmpeg's testsrc2 at 320x180 (coded as
/// 320x184 with a conformance window) with an AUD before each access unit, once per test run. The access units are
/// in sample form (4-byte lengths) without AUD, VPS, SPS, PPS or filler (the format carries the parameter sets),
/// 3000 ticks apart; keyframes are the IRAP pictures (an IDR first, then CRAs every <see cref="Gop"/> frames).
/// Needs ffmpeg with libx265 on PATH; without it the tests that use it fail.
/// </summary>
internal sealed class EncodedH265Clip
{
    public const int Frames = 45;
    public const int Gop = 15;
    public const int Width = 320;
    public const int Height = 180;

    private static readonly Lazy<Task<EncodedH265Clip>> Clip = new(EncodeAsync);

    private EncodedH265Clip(H265Format format, IReadOnlyList<EgressUnit> units)
    {
        Format = format;
        Units = units;
    }

    public H265Format Format { get; }

    public IReadOnlyList<EgressUnit> Units { get; }

    public static Task<EncodedH265Clip> Instance => Clip.Value;

    private static async Task<EncodedH265Clip> EncodeAsync()
    {
        var dir = Directory.CreateTempSubdirectory("livemux-egress-h265-").FullName;
        try
        {
            var path = Path.Combine(dir, "clip.h265");
            var encode = await Tool.RunAsync("ffmpeg",
                ["-v", "error", "-y", "-f", "lavfi", "-i", $"testsrc2=size={Width}x{Height}:rate=30",
                 "-frames:v", Frames.ToString(CultureInfo.InvariantCulture), "-c:v", "libx265", "-pix_fmt", "yuv420p",
                 "-x265-params", $"log-level=error:aud=1:bframes=0:keyint={Gop}:min-keyint={Gop}:scenecut=0", "-f", "hevc", path],
                TimeSpan.FromSeconds(120));
            Assert.True(encode.ExitCode == 0, encode.Stderr);
            return Parse(await File.ReadAllBytesAsync(path));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static EncodedH265Clip Parse(byte[] annexB)
    {
        byte[] vps = [], sps = [], pps = [];
        var units = new List<List<byte[]>>();
        var nals = AnnexB.EnumerateNalUnits(annexB);
        while (nals.MoveNext())
        {
            var nal = nals.Current.ToArray();
            switch ((nal[0] >> 1) & 0x3F)
            {
                case 35: // AUD: x265 writes one first in every access unit (aud=1), so no grouping rules are needed here
                    units.Add([]);
                    break;
                case 32:
                    vps = vps.Length == 0 ? nal : vps;
                    break;
                case 33:
                    sps = sps.Length == 0 ? nal : sps;
                    break;
                case 34:
                    pps = pps.Length == 0 ? nal : pps;
                    break;
                case 38: // filler data
                    break;
                default:
                    units[^1].Add(nal);
                    break;
            }
        }

        Assert.Equal(Frames, units.Count);
        Assert.True(vps.Length > 0 && sps.Length > 0 && pps.Length > 0, "x265 wrote no VPS, SPS or PPS");
        var samples = units.Select((unit, i) => new EgressUnit(Sample(unit), i * 3000L,
            unit.Any(n => ((n[0] >> 1) & 0x3F) is >= 16 and <= 23))).ToList();
        Assert.Equal(Enumerable.Range(0, Frames).Where(i => i % Gop == 0), Enumerable.Range(0, Frames).Where(i => samples[i].IsKeyframe));
        return new EncodedH265Clip(new H265Format(96, vps, sps, pps), samples);
    }

    private static byte[] Sample(List<byte[]> nals)
    {
        var sample = new byte[nals.Sum(n => 4 + n.Length)];
        var at = 0;
        foreach (var nal in nals)
        {
            BinaryPrimitives.WriteInt32BigEndian(sample.AsSpan(at), nal.Length);
            nal.CopyTo(sample, at + 4);
            at += 4 + nal.Length;
        }

        return sample;
    }
}
