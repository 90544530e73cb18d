namespace LiveMux.Server.Api;

/// <summary>Stream configuration changes (API, streams file, configuration reload): ids 3200-3299.</summary>
internal static partial class ApiLog
{
    [LoggerMessage(EventId = 3200, Level = LogLevel.Information, Message = "Stream {Stream} removed")]
    public static partial void StreamRemoved(ILogger logger, string stream);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "Stream {Stream} settings changed: {Source}")]
    public static partial void StreamReplaced(ILogger logger, string stream, string source);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Error, Message = "Stream {Stream} not changed: {Error}")]
    public static partial void StreamInvalid(ILogger logger, string stream, string error);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Error, Message = "Streams file {Path} not applied: {Error}")]
    public static partial void StreamsFileInvalid(ILogger logger, string path, string error);

    [LoggerMessage(EventId = 3204, Level = LogLevel.Error, Message = "Configuration change not applied: {Error}")]
    public static partial void ConfigurationInvalid(ILogger logger, string error);

    [LoggerMessage(EventId = 3205, Level = LogLevel.Error, Message = "Applying a configuration change failed")]
    public static partial void ReconcileFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3206, Level = LogLevel.Information, Message = "Stream {Stream} {Change} through the API")]
    public static partial void ApiChange(ILogger logger, string stream, string change);
}
