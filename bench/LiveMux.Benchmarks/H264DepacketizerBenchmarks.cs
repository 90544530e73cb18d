using LiveMux.Media.Rtp;
using LiveMux.Media.Rtp.H264;

namespace LiveMux.Benchmarks;

/// <summary>RFC 6184: single NAL unit, FU-A and STAP-A packets through <see cref="H264Depacketizer"/>, per frame.</summary>
public class H264DepacketizerBenchmarks : NalDepacketizerBenchmarks
{
    protected override bool H265 => false;

    protected override IDepacketizer Create() => new H264Depacketizer();
}
