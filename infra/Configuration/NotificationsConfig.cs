using System.Text.RegularExpressions;
using Infra.Components.Compute;
using Pulumi;

namespace Infra.Configuration;

/// <summary>infra:notifications: who hears about scaling events and alarms. Absent: no topic.</summary>
public static class NotificationsConfig
{
    public static NotificationArgs? Read(Section section)
    {
        if (!section.IsSet)
            return null;
        var topicArn = section.OptionalString("topicArn");
        if (topicArn is not null && !Regex.IsMatch(topicArn, @"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$"))
            section.Report("topicArn", topicArn, "must be an SNS topic ARN");
        return new NotificationArgs
        {
            TopicArn = topicArn is null ? null : Output.Create(topicArn),
            Emails = section.Strings("emails") ?? [],
            KmsKeyId = section.OptionalString("kmsKeyId"),
        };
    }
}
