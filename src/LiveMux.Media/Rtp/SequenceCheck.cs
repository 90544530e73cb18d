namespace LiveMux.Media.Rtp;

/// <summary>
/// Follows RTP sequence numbers (RFC 3550 A.1, simplified): a number behind the expected one by the signed
/// 16-bit difference is late (a duplicate, or one the reorder stage gave up on); one ahead means a loss.
/// </summary>
internal struct SequenceCheck
{
    private bool _started;
    private ushort _expected;

    public SequenceStep Next(ushort sequence)
    {
        var step = SequenceStep.InOrder;
        if (_started && sequence != _expected)
        {
            if (unchecked((short)(sequence - _expected)) < 0)
            {
                return SequenceStep.Late;
            }

            step = SequenceStep.Gap;
        }

        _started = true;
        _expected = unchecked((ushort)(sequence + 1));
        return step;
    }
}

internal enum SequenceStep
{
    InOrder,
    Gap,
    Late,
}
