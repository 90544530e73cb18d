namespace LiveMux.Server.Limits;

internal static partial class LimitsLog
{
    [LoggerMessage(EventId = 3350, Level = LogLevel.Warning, Message = "{Limit} reached: {Refused} refused since the last such line ({Detail})")]
    public static partial void Refused(ILogger logger, string limit, long refused, string detail);
}
