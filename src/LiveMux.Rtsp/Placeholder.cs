namespace LiveMux.Rtsp; internal static class Placeholder { }
