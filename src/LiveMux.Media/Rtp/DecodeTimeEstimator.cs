namespace LiveMux.Media.Rtp;

/// <summary>
/// Decode times for a stream whose transport carries presentation times only (RTP), codec-neutral.
/// With reorder depth R (the most frames that can precede a frame in decode order and follow it in
/// output order: H.264 max_num_reorder_frames, H.265 sps_max_num_reorder_pics), the decode time of
/// each frame is the (R+1)-th largest presentation time seen so far:
/// <code>
/// decode order   I0  P3  B1  B2  P6  B4  B5        R = 1
/// pts            0   3   1   2   6   4   5
/// dts            -1  0   1   2   3   4   5          2nd largest pts so far; before R+1 frames, the
///                                                   smallest pts less one interval per missing frame
/// </code>
/// It never exceeds the frame's own pts (R frames at most are above it), never decreases (the k-th
/// largest of a growing set cannot), and needs no lookahead, so frames still go out as they arrive.
/// When R is not declared, <see cref="AssumedDepthWhenUnknown"/> is assumed (a depth larger than the real
/// one costs only a larger composition offset, never latency: MSE feeds the decoder as frames arrive) and
/// a deeper one is learnt: a frame whose pts is below d frames already seen proves depth d. A deeper
/// reorder than assumed makes the next estimates drop below decode times already given out, so the
/// output follows the estimate within bounds: at least half an interval and at most twice the previous
/// step per frame (MSE takes a larger step for a discontinuity). It catches up within a few frames,
/// during which dts may exceed pts (a negative composition offset, which trun v1 carries) instead of a
/// timeline that goes backwards. A jump of more than 34 intervals is a new clock: it starts over.
/// The state is one fixed window kept sorted by insertion, so steady state allocates nothing.
/// <para>Use: <c>Configure(depth or null, interval)</c> when the parameter sets change, <c>Next(pts)</c> per
/// frame in decode order, <c>Reset()</c> on a new session.</para>
/// </summary>
public sealed class DecodeTimeEstimator
{
    /// <summary>H.264 and H.265 both bound the reorder depth by the DPB size, at most 16 frames.</summary>
    public const int MaxReorderDepth = 16;

    /// <summary>
    /// The depth assumed for a stream that does not declare one: IBP and IBBP cameras reorder by 1, x264's
    /// B-pyramid by 2. Starting lower would make such a camera's first B-frame push decode times above
    /// presentation times for a few frames.
    /// </summary>
    public const int AssumedDepthWhenUnknown = 2;

    // Presentation times of the last frames in decode order; the (R+1)-th largest is among them as long
    // as no frame is reordered across more than this many frames.
    private const int Window = 32;

    private readonly long[] _window = new long[Window];

    // The same values in ascending order, kept by insertion: the k-th largest and the gaps are then reads.
    private readonly long[] _sorted = new long[Window];
    private int _count;
    private int _next;
    private int? _declaredDepth;
    private int _learntDepth;
    private long _defaultInterval;
    private bool _started;
    private long _lastOutput;
    private long _lastStep;
    private bool _catchingUp;
    private int _sinceStart;

    /// <param name="reorderDepth">The declared depth, or null to assume <see cref="AssumedDepthWhenUnknown"/> and learn more from the stream.</param>
    /// <param name="defaultInterval">Frame interval in the track clock, used until frames give one.</param>
    public DecodeTimeEstimator(int? reorderDepth = null, long defaultInterval = 3000)
    {
        Configure(reorderDepth, defaultInterval);
    }

    /// <summary>The depth in use: the declared one, raised if the stream proved deeper.</summary>
    public int ReorderDepth => Math.Max(_declaredDepth ?? AssumedDepthWhenUnknown, _learntDepth);

    /// <summary>Whether the depth came from the bitstream rather than from watching it.</summary>
    public bool DepthDeclared => _declaredDepth is not null;

    /// <summary>
    /// Sets the depth the parameter sets declare (null: unknown). Call it when they change; a learnt depth
    /// larger than the declared one is kept, since the stream has already shown it.
    /// </summary>
    public void Configure(int? reorderDepth, long defaultInterval)
    {
        _declaredDepth = reorderDepth is { } d ? Math.Clamp(d, 0, MaxReorderDepth) : null;
        _defaultInterval = Math.Max(1, defaultInterval);
    }

    /// <summary>Forgets the frames seen: a new session, or timestamps that jumped. The depth learnt is kept.</summary>
    public void Reset()
    {
        _count = 0;
        _next = 0;
        _started = false;
        _catchingUp = false;
        _sinceStart = 0;
    }

    /// <summary>The decode time of the next frame in decode order, given its presentation time.</summary>
    public long Next(long presentationTime)
    {
        var interval = Interval();
        if (_count > 0 && IsDiscontinuity(presentationTime, interval))
        {
            Reset();
            interval = _defaultInterval;
        }

        // Frames already seen that are presented after this one: the depth this frame proves.
        var later = 0;
        for (var i = _count - 1; i >= 0 && _sorted[i] > presentationTime; i--)
        {
            later++;
        }

        if (later > ReorderDepth)
        {
            _learntDepth = Math.Min(later, MaxReorderDepth);
        }

        if (_count == Window)
        {
            RemoveSorted(_window[_next]);
        }

        _window[_next] = presentationTime;
        _next = (_next + 1) % Window;
        InsertSorted(presentationTime);

        var estimate = KthLargest(ReorderDepth + 1, out var missing) - (missing * interval);
        _sinceStart++;
        if (!_started)
        {
            _started = true;
            _lastStep = interval;
            _lastOutput = estimate;
            return estimate;
        }

        // A step that is not forward breaks the decode order. While catching up with an estimate held
        // back that way, or leaving the extrapolated start of a reordered stream, steps stay under twice
        // the previous one: MSE takes a larger step for a discontinuity and drops frames to the next
        // keyframe. Otherwise a jump in the stream itself (frames the camera skipped) is passed on as it
        // is, for the hub's timeline to judge.
        var lowest = _lastOutput + Math.Max(1, interval / 2);
        long output;
        if (estimate < lowest)
        {
            output = lowest;
            _catchingUp = true;
        }
        else if (_catchingUp || (ReorderDepth > 0 && _sinceStart <= Window))
        {
            output = Math.Min(estimate, _lastOutput + (2 * _lastStep));
            _catchingUp = output < estimate;
        }
        else
        {
            output = estimate;
        }

        _lastStep = output - _lastOutput;
        _lastOutput = output;
        return output;
    }

    // A camera that restarts its clock or skips ahead: far more than any reorder can explain.
    private bool IsDiscontinuity(long presentationTime, long interval)
    {
        var newest = _window[(_next + Window - 1) % Window];
        var bound = Math.Max(interval, _defaultInterval) * (2 * MaxReorderDepth + 2);
        return Math.Abs(presentationTime - newest) > bound;
    }

    /// <summary>
    /// The smallest gap between neighbouring presentation times in the window, capped by the default: at
    /// the start of a reordered stream the window holds only an I and a P several frames apart, and an
    /// interval too large would make the step floor outrun the real decode times. Too small only means
    /// a smaller floor and smaller extrapolated steps before the first R frames.
    /// </summary>
    private long Interval()
    {
        var smallest = _defaultInterval;
        for (var i = 1; i < _count; i++)
        {
            var gap = _sorted[i] - _sorted[i - 1];
            if (gap > 0 && gap < smallest)
            {
                smallest = gap;
            }
        }

        return smallest;
    }

    /// <summary>The k-th largest value in the window; with fewer values, the smallest and how many are missing.</summary>
    private long KthLargest(int k, out int missing)
    {
        if (_count >= k)
        {
            missing = 0;
            return _sorted[_count - k];
        }

        missing = k - _count;
        return _sorted[0];
    }

    private void InsertSorted(long value)
    {
        var i = _count++;
        for (; i > 0 && _sorted[i - 1] > value; i--)
        {
            _sorted[i] = _sorted[i - 1];
        }

        _sorted[i] = value;
    }

    private void RemoveSorted(long value)
    {
        var i = Array.IndexOf(_sorted, value, 0, _count);
        Array.Copy(_sorted, i + 1, _sorted, i, _count - i - 1);
        _count--;
    }
}
