using LiveMux.Media.Rtp;
using LiveMux.Media.Rtp.H265;

namespace LiveMux.Benchmarks;

/// <summary>RFC 7798: single NAL unit, FU and AP packets through <see cref="H265Depacketizer"/>, per frame.</summary>
public class H265DepacketizerBenchmarks : NalDepacketizerBenchmarks
{
    protected override bool H265 => true;

    protected override IDepacketizer Create() => new H265Depacketizer();
}
