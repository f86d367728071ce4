namespace Pulumi;

/// <summary>Diagnostics for the engine. An error fails the deployment once the program ends.</summary>
public static class Log
{
    public static void Debug(string message, Resource? resource = null, int? streamId = null, bool? ephemeral = null) =>
        Deployment.CurrentEngine?.Log(LogSeverity.Debug, message);

    public static void Info(string message, Resource? resource = null, int? streamId = null, bool? ephemeral = null) =>
        Deployment.CurrentEngine?.Log(LogSeverity.Info, message);

    public static void Warn(string message, Resource? resource = null, int? streamId = null, bool? ephemeral = null) =>
        Deployment.CurrentEngine?.Log(LogSeverity.Warning, message);

    public static void Error(string message, Resource? resource = null, int? streamId = null, bool? ephemeral = null) =>
        Deployment.CurrentEngine?.Log(LogSeverity.Error, message);

    public static void Exception(Exception exception, Resource? resource = null, int? streamId = null, bool? ephemeral = null) =>
        Deployment.CurrentEngine?.Log(LogSeverity.Error, Engine.Describe(exception));
}

internal enum LogSeverity
{
    Debug,
    Info,
    Warning,
    Error,
}
