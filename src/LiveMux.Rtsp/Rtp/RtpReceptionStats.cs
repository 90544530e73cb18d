namespace LiveMux.Rtsp.Rtp;

/// <summary>
/// Reception statistics of one RTP source, as RFC 3550 appendix A.1, A.3 and A.8 define them.
/// <code>
///   extended highest seq = cycles (x 65536) + max_seq
///   expected             = extended highest - base_seq + 1
///   cumulative lost      = expected - received          (late and duplicate packets count as received)
///   fraction lost        = 256 x lost_interval / expected_interval, since the previous report
///   jitter J            += (|D(i-1,i)| - J) / 16,  D = (arrival - rtp timestamp) difference in clock units
/// </code>
/// A jump of MaxDropout or more is believed only when the next packet continues it (A.1, without probation).
/// </summary>
internal sealed class RtpReceptionStats
{
    private const int MaxDropout = 3000;
    private const int MaxMisorder = 100;
    private const int SeqMod = 1 << 16;

    private bool _started;
    private ushort _maxSeq;
    private uint _cycles;
    private uint _baseSeq;
    private uint _badSeq = SeqMod + 1;
    private long _received;
    private long _expectedPrior;
    private long _receivedPrior;
    private double _jitter;
    private double _lastTransit;
    private bool _haveTransit;

    public uint Ssrc { get; private set; }
    public long Received => _received;
    public long Misordered { get; private set; }
    public uint ExtendedHighestSequence => _cycles + _maxSeq;
    public long Expected => _started ? (long)ExtendedHighestSequence - _baseSeq + 1 : 0;
    public long CumulativeLost => Expected - _received;

    /// <summary>Interarrival jitter in RTP timestamp units.</summary>
    public double Jitter => _jitter;

    /// <summary>
    /// Counts one packet. <paramref name="arrivalClock"/> is the arrival time in the track's clock units.
    /// Returns false for a packet taken as a stray jump (not counted until the source confirms it).
    /// </summary>
    public bool Update(uint ssrc, ushort seq, uint rtpTimestamp, double arrivalClock)
    {
        if (!_started || ssrc != Ssrc)
        {
            Restart(ssrc, seq);
        }
        var delta = (ushort)(seq - _maxSeq);
        if (delta < MaxDropout)
        {
            if (seq < _maxSeq)
            {
                _cycles += SeqMod;
            }
            _maxSeq = seq;
        }
        else if (delta <= SeqMod - MaxMisorder)
        {
            if (seq != _badSeq)
            {
                _badSeq = (uint)((seq + 1) & (SeqMod - 1));
                return false;
            }
            // Two packets in sequence after a big jump: the source restarted its sequence.
            Restart(ssrc, seq);
        }
        else
        {
            Misordered++;
        }
        _received++;
        UpdateJitter(rtpTimestamp, arrivalClock);
        return true;
    }

    /// <summary>Fraction lost since the previous call (8-bit fixed point), as a receiver report carries it.</summary>
    public byte TakeFractionLost()
    {
        var expected = Expected;
        var expectedInterval = expected - _expectedPrior;
        var receivedInterval = _received - _receivedPrior;
        _expectedPrior = expected;
        _receivedPrior = _received;
        var lostInterval = expectedInterval - receivedInterval;
        return expectedInterval <= 0 || lostInterval <= 0 ? (byte)0 : (byte)Math.Min(255, (lostInterval << 8) / expectedInterval);
    }

    private void Restart(uint ssrc, ushort seq)
    {
        _started = true;
        Ssrc = ssrc;
        _maxSeq = seq;
        _cycles = 0;
        _baseSeq = seq;
        _badSeq = SeqMod + 1;
        _received = 0;
        _expectedPrior = 0;
        _receivedPrior = 0;
        _haveTransit = false;
    }

    private void UpdateJitter(uint rtpTimestamp, double arrivalClock)
    {
        // Transit modulo 2^32: only differences of transits matter, so wrap the RTP timestamp into the arrival's range.
        var transit = arrivalClock - rtpTimestamp;
        if (_haveTransit)
        {
            var d = transit - _lastTransit;
            // A timestamp wrap shows as a difference near 2^32; fold it back.
            d = Math.IEEERemainder(d, 4294967296.0);
            _jitter += (Math.Abs(d) - _jitter) / 16.0;
        }
        _lastTransit = transit;
        _haveTransit = true;
    }
}
