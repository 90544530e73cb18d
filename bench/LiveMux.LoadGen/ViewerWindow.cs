namespace LiveMux.LoadGen;

/// <summary>What one viewer saw in one reporting interval. Swapped out whole by the reporter.</summary>
internal sealed class ViewerWindow
{
    public long Bytes;
    public int Frames;
    public uint MinFrame = uint.MaxValue;
    public uint MaxFrame;
    public readonly List<float> CameraLatencyMs = new(2048);
    public readonly List<float> DeliveryLatencyMs = new(2048);

    public void AddFrame(uint number, float cameraLatencyMs)
    {
        Frames++;
        MinFrame = Math.Min(MinFrame, number);
        MaxFrame = Math.Max(MaxFrame, number);
        CameraLatencyMs.Add(cameraLatencyMs);
    }
}
