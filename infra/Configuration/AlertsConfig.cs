using Infra.Components.Monitoring;

namespace Infra.Configuration;

/// <summary>infra:alerts: who is paged (e-mail, HTTPS) and the thresholds of the alarms on what users feel. The alarms
/// exist in every stack; without subscribers the topic pages no one until someone subscribes.</summary>
public static class AlertsConfig
{
    public static AlertArgs Read(Section section)
    {
        var defaults = new AlertArgs();
        return new AlertArgs
        {
            Emails = section.Strings("emails") ?? [],
            HttpsEndpoints = section.Strings("httpsEndpoints") ?? [],
            KmsKeyId = section.OptionalString("kmsKeyId"),
            PeriodSeconds = section.Int("periodSeconds", defaults.PeriodSeconds),
            EvaluationPeriods = section.Int("evaluationPeriods", defaults.EvaluationPeriods),
            DatapointsToAlarm = section.Int("datapointsToAlarm", defaults.DatapointsToAlarm),
            ServerErrorPercent = section.Double("serverErrorPercent", defaults.ServerErrorPercent),
            LatencyP99Seconds = section.Double("latencyP99Seconds", defaults.LatencyP99Seconds),
            BelowMinimumMinutes = section.Int("belowMinimumMinutes", defaults.BelowMinimumMinutes),
            OldestMessageSeconds = section.Int("oldestMessageSeconds", defaults.OldestMessageSeconds),
            CdnErrorPercent = section.Double("cdnErrorPercent", defaults.CdnErrorPercent),
        };
    }
}
