namespace LiveMux.Media; internal static class Placeholder { }
