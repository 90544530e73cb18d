namespace LiveMux.Hub; internal static class Placeholder { }
