using LiveMux.Rtsp.Protocol;

namespace LiveMux.Rtsp.Client;

/// <summary>
/// What a camera can make the client hold between reading a frame and acting on it (ARCHITECTURE practice 2:
/// bound the count of messages held, not only the size of one):
/// <list type="bullet">
/// <item>at most <see cref="Capacity"/> of the camera's own requests: a frame handler stops reading once the
/// inbox is full, so the loop answers them before it reads on (their bodies are capped by the reader);</item>
/// <item>until PLAY is answered, at most a budget of bytes of everything that is not the awaited response
/// (requests, interleaved data, stray responses); past it the session fails with a limit error. After PLAY
/// the media timeout judges the camera instead.</item>
/// </list>
/// Owned by the one loop that reads the connection; not thread-safe.
/// </summary>
internal sealed class ServerRequestInbox
{
    /// <summary>Requests held before the reader stops so they are answered.</summary>
    public const int Capacity = 4;

    private readonly List<RtspServerRequest> _held = new(Capacity);
    private readonly long _budget;
    private long _spent;
    private bool _playing;

    public ServerRequestInbox(long prePlayBudget)
    {
        _budget = prePlayBudget;
    }

    public IReadOnlyList<RtspServerRequest> Held => _held;

    /// <summary>Bytes of non-response traffic counted so far before PLAY.</summary>
    public long Spent => _spent;

    /// <summary>Keeps a request for the loop to answer. Returns true when the inbox is full: stop reading now.</summary>
    public bool Hold(in RtspFrame frame)
    {
        if (_held.Count >= Capacity)
        {
            // A handler that kept reading past a full inbox: refuse rather than grow.
            throw new RtspException(RtspErrorKind.LimitExceeded,
                $"the camera sent more than {Capacity} requests without letting us answer");
        }
        Charge(frame.WireLength);
        _held.Add(frame.Request!);
        return _held.Count >= Capacity;
    }

    /// <summary>Counts bytes that are not the awaited response; throws when they pass the pre-PLAY budget.</summary>
    public void Charge(long bytes)
    {
        if (_playing)
        {
            return;
        }
        _spent += bytes;
        if (_spent > _budget)
        {
            throw new RtspException(RtspErrorKind.LimitExceeded,
                $"the camera sent more than {_budget / 1024} KB of requests and data before answering PLAY");
        }
    }

    /// <summary>PLAY was answered: from now on media flows and only the count of held requests is bounded.</summary>
    public void StartPlaying() => _playing = true;

    public void Clear() => _held.Clear();
}
