namespace LiveMux.Server;

/// <summary>
/// One validation error: the message names the configuration key (for start-up logs); <see cref="Field"/>
/// is the same setting as the REST API spells it (camelCase, '.' between levels; "name" for the stream name).
/// </summary>
internal readonly record struct OptionError(string Field, string Message);
