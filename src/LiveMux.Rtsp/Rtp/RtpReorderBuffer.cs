namespace LiveMux.Rtsp.Rtp;

/// <summary>
/// Puts UDP-delivered RTP packets of one track back in sequence order, with a hard bound on what it holds.
/// <code>
///   next = 10   held: [12][13]      arrives 11 -> release 11 12 13, next = 14   (11 counted as reordered)
///   next = 10   held: [12]  ... MaxWait passes -> give up 10 and 11 (2 skipped), release 12, next = 13
///   next = 10   held: MaxPackets    -> same as a timeout: skip to the lowest held packet
///   arrives  8  (before next)       -> dropped as late (its place was given up, or a duplicate)
///   jump of more than 3000          -> release what is held, restart at the new sequence
/// </code>
/// Buffers handed to <see cref="Push"/> are owned by the buffer until they come out of <see cref="TryDequeue"/>
/// or are passed to the release callback (late, duplicate).
/// </summary>
internal sealed class RtpReorderBuffer
{
    private const int ResyncDistance = 3000;

    private readonly Slot[] _slots;
    private readonly long _maxWaitTicks;
    private readonly Action<byte[]> _release;
    private readonly Queue<Released> _out;
    private bool _started;
    private ushort _next;
    private ushort _highest;
    private int _held;

    /// <param name="maxWaitTicks">in the unit of the timestamps given to <see cref="Push"/> and <see cref="Poll"/></param>
    /// <param name="release">takes back a buffer the reorder buffer will not deliver</param>
    public RtpReorderBuffer(int maxPackets, long maxWaitTicks, Action<byte[]> release)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPackets, 1);
        _slots = new Slot[maxPackets];
        _maxWaitTicks = maxWaitTicks;
        _release = release;
        _out = new Queue<Released>(maxPackets + 1);
    }

    public int Held => _held;
    public long Reordered { get; private set; }
    public long Late { get; private set; }
    public long Duplicates { get; private set; }

    /// <summary>Sequence numbers given up on (never arrived in time).</summary>
    public long Skipped { get; private set; }

    /// <param name="header">carried beside the buffer and handed back with it, so nobody parses it twice</param>
    public void Push(ushort seq, byte[] buffer, int length, long now, RtpHeaderFields header = default)
    {
        if (!_started)
        {
            _started = true;
            _next = seq;
            _highest = seq;
        }
        var ahead = (short)(seq - _next);
        if (Math.Abs((int)ahead) >= ResyncDistance)
        {
            FlushAll();
            _next = seq;
            _highest = seq;
            ahead = 0;
        }
        if (ahead < 0)
        {
            Late++;
            _release(buffer);
            return;
        }
        if ((short)(seq - _highest) < 0)
        {
            Reordered++;
        }
        else
        {
            _highest = seq;
        }
        if (ahead >= _slots.Length)
        {
            // Too far ahead to hold: give up everything up to where it fits.
            SkipTo((ushort)(seq - _slots.Length + 1));
            ahead = (short)(seq - _next);
        }
        if (ahead == 0)
        {
            Emit(seq, buffer, length, header);
            Drain();
            return;
        }
        ref var slot = ref _slots[seq % _slots.Length];
        if (slot.Buffer is not null)
        {
            Duplicates++;
            _release(buffer);
            return;
        }
        slot = new Slot(seq, buffer, length, now, header);
        _held++;
        if (_held >= _slots.Length)
        {
            SkipToLowestHeld();
        }
    }

    /// <summary>Gives up a gap that has held packets back for longer than the maximum wait.</summary>
    public void Poll(long now)
    {
        while (_held > 0 && now - OldestHeldArrival() >= _maxWaitTicks && SkipToLowestHeld())
        {
        }
    }

    public bool TryDequeue(out Released packet) => _out.TryDequeue(out packet);

    /// <summary>Releases everything held, in order, skipping gaps (the session is ending or restarting).</summary>
    public void FlushAll()
    {
        while (_held > 0 && SkipToLowestHeld())
        {
        }
    }

    private long OldestHeldArrival()
    {
        var oldest = long.MaxValue;
        foreach (var slot in _slots)
        {
            if (slot.Buffer is not null && slot.Arrival < oldest)
            {
                oldest = slot.Arrival;
            }
        }
        return oldest;
    }

    /// <summary>False if nothing held could be found (cannot happen while the invariants hold; stops loops anyway).</summary>
    private bool SkipToLowestHeld()
    {
        for (var i = 0; i < _slots.Length; i++)
        {
            var seq = (ushort)(_next + i);
            if (_slots[seq % _slots.Length] is { Buffer: not null } slot && slot.Sequence == seq)
            {
                SkipTo(seq);
                return true;
            }
        }
        return false;
    }

    private void SkipTo(ushort seq)
    {
        while (_next != seq)
        {
            ref var slot = ref _slots[_next % _slots.Length];
            if (slot.Buffer is not null && slot.Sequence == _next)
            {
                Emit(slot.Sequence, slot.Buffer, slot.Length, slot.Header);
                slot = default;
                _held--;
            }
            else
            {
                Skipped++;
                _next++;
            }
        }
        Drain();
    }

    private void Drain()
    {
        while (_held > 0)
        {
            ref var slot = ref _slots[_next % _slots.Length];
            if (slot.Buffer is null || slot.Sequence != _next)
            {
                return;
            }
            Emit(slot.Sequence, slot.Buffer, slot.Length, slot.Header);
            slot = default;
            _held--;
        }
    }

    private void Emit(ushort seq, byte[] buffer, int length, RtpHeaderFields header)
    {
        _out.Enqueue(new Released(seq, buffer, length, header));
        _next = (ushort)(seq + 1);
    }

    public readonly record struct Released(ushort Sequence, byte[] Buffer, int Length, RtpHeaderFields Header);

    private readonly record struct Slot(ushort Sequence, byte[]? Buffer, int Length, long Arrival, RtpHeaderFields Header);
}
