namespace LiveMux.Hub;

public enum StreamState
{
    /// <summary>No viewers and not always-on: no camera session.</summary>
    Idle,

    /// <summary>Connecting to the camera, or waiting for the first keyframe.</summary>
    Starting,

    Live,

    /// <summary>The camera was lost or refused; retrying with backoff.</summary>
    Reconnecting,
}
