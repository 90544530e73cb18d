namespace LiveMux.LoadGen;

/// <summary>
/// Finds <see cref="FrameClock"/> stamps in a byte stream that arrives in chunks of any size, so a stamp
/// split across two WebSocket reads (the baseline's ffmpeg pipe cuts anywhere) is still counted, once.
/// </summary>
internal sealed class FrameScanner
{
    // A stamp is the UUID plus at most MaxStampBytes; keeping one byte less than that from the previous
    // chunk means any stamp that starts there ends within the next chunk's first Keep bytes.
    private const int Keep = 16 + FrameClock.MaxStampBytes - 1;

    private readonly byte[] _tail = new byte[Keep];
    private readonly byte[] _joined = new byte[2 * Keep];
    private int _tailLength;

    public delegate void StampHandler(long epochMicroseconds, uint frameNumber);

    public void Scan(ReadOnlySpan<byte> chunk, StampHandler onStamp)
    {
        ScanAcrossBoundary(chunk, onStamp);
        ScanWithin(chunk, onStamp);
        KeepTail(chunk);
    }

    private void ScanWithin(ReadOnlySpan<byte> chunk, StampHandler onStamp)
    {
        var uuid = FrameClock.Uuid;
        var at = 0;
        while (true)
        {
            var found = chunk[at..].IndexOf(uuid);
            if (found < 0)
            {
                return;
            }

            var start = at + found + uuid.Length;
            if (FrameClock.TryReadStamp(chunk[start..], out var epoch, out var number))
            {
                onStamp(epoch, number);
            }

            at = start;
        }
    }

    /// <summary>Stamps that start in the kept tail and were not complete there.</summary>
    private void ScanAcrossBoundary(ReadOnlySpan<byte> chunk, StampHandler onStamp)
    {
        if (_tailLength == 0)
        {
            return;
        }

        var head = chunk[..Math.Min(chunk.Length, Keep)];
        _tail.AsSpan(0, _tailLength).CopyTo(_joined);
        head.CopyTo(_joined.AsSpan(_tailLength));
        var joined = _joined.AsSpan(0, _tailLength + head.Length);
        var uuid = FrameClock.Uuid;
        for (var p = 0; p < _tailLength; p++)
        {
            if (!joined[p..].StartsWith(uuid))
            {
                continue;
            }

            var stampStart = p + uuid.Length;
            var completeInTail = stampStart <= _tailLength && FrameClock.TryReadStamp(joined[stampStart.._tailLength], out _, out _);
            if (!completeInTail && stampStart <= joined.Length && FrameClock.TryReadStamp(joined[stampStart..], out var epoch, out var number))
            {
                onStamp(epoch, number);
            }
        }
    }

    private void KeepTail(ReadOnlySpan<byte> chunk)
    {
        if (chunk.Length >= Keep)
        {
            chunk[^Keep..].CopyTo(_tail);
            _tailLength = Keep;
            return;
        }

        // A short chunk: the new tail is the end of the old tail followed by the whole chunk.
        var fromOld = Math.Min(_tailLength, Keep - chunk.Length);
        _tail.AsSpan(_tailLength - fromOld, fromOld).CopyTo(_joined);
        chunk.CopyTo(_joined.AsSpan(fromOld));
        _joined.AsSpan(0, fromOld + chunk.Length).CopyTo(_tail);
        _tailLength = fromOld + chunk.Length;
    }
}
