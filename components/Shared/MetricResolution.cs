namespace Infra.Components.Shared;

/// <summary>How often CloudWatch receives a metric, and so which alarm periods can ever see data: EC2 publishes every
/// 5 minutes (every minute with detailed monitoring), other AWS services every minute, custom metrics every minute or,
/// when published at high resolution, every second (alarm periods 10, 20, 30 or a multiple of 60).</summary>
public static class MetricResolution
{
    /// <summary>What is wrong with the period, or null when the alarm will get data points.</summary>
    public static string? PeriodProblem(string metricNamespace, int periodSeconds, bool detailedMonitoring)
    {
        if (metricNamespace == "AWS/EC2" && !detailedMonitoring)
            return periodSeconds >= 300 && periodSeconds % 300 == 0
                ? null
                : "EC2 metrics come every 300 s without detailed monitoring: use a multiple of 300, or turn detailedMonitoring on";
        if (metricNamespace.StartsWith("AWS/", StringComparison.Ordinal))
            return periodSeconds >= 60 && periodSeconds % 60 == 0 ? null : $"{metricNamespace} metrics come every 60 s: use a multiple of 60";
        return periodSeconds is 10 or 20 or 30 || periodSeconds >= 60 && periodSeconds % 60 == 0 ? null : "must be 10, 20, 30 or a multiple of 60";
    }
}
