using System.Text;
using Pulumi;

namespace Infra.Components.Compute;

/// <summary>The group and termination hook an instance belongs to, so it can end its own drain wait.</summary>
internal sealed record LifecycleTarget(string GroupName, string HookName);

/// <summary>Where the instance's CloudWatch agent writes logs and reads its configuration: the only log group and
/// parameter its role may use.</summary>
internal sealed record AgentTarget(string LogGroup, string ConfigParameter);

/// <summary>The boot script: writes the instance's settings to /etc/app/app.env (ROLE, DB_HOST, ASSET_HOST,
/// QUEUE_URL, ASG_NAME, LIFECYCLE_HOOK, CLOUDWATCH_LOG_GROUP, CLOUDWATCH_CONFIG_PARAMETER and the free-form environment), installs the drain service and hands over to the
/// image's own bootstrap, base64-encoded for the template.</summary>
internal static class UserData
{
    /// <summary>Waits for EC2 Auto Scaling to mark the instance for termination (IMDS target-lifecycle-state), runs
    /// the application's /opt/app/bin/drain if it has one, then completes the hook so termination goes on at once.</summary>
    const string DrainService = """
        cat > /usr/local/bin/app-drain <<'APP_DRAIN'
        #!/bin/bash
        set -uo pipefail
        . /etc/app/app.env
        imds() {
          local token
          token=$(curl -sf -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 300') &&
            curl -sf -H "X-aws-ec2-metadata-token: $token" "http://169.254.169.254/latest/meta-data/$1"
        }
        until [ "$(imds autoscaling/target-lifecycle-state)" = Terminated ]; do sleep 5; done
        if [ -x /opt/app/bin/drain ]; then /opt/app/bin/drain; fi
        aws autoscaling complete-lifecycle-action --region "$(imds placement/region)" \
          --auto-scaling-group-name "$ASG_NAME" --lifecycle-hook-name "$LIFECYCLE_HOOK" \
          --instance-id "$(imds instance-id)" --lifecycle-action-result CONTINUE
        APP_DRAIN
        chmod 0755 /usr/local/bin/app-drain
        cat > /etc/systemd/system/app-drain.service <<'APP_DRAIN_UNIT'
        [Unit]
        Description=Complete the Auto Scaling termination hook once the application has drained
        After=network-online.target
        [Service]
        ExecStart=/usr/local/bin/app-drain
        Restart=on-failure
        [Install]
        WantedBy=multi-user.target
        APP_DRAIN_UNIT
        systemctl enable --now app-drain.service

        """;

    public static Output<string> Render(string role, UserDataArgs args, LifecycleTarget lifecycle, AgentTarget agent, Output<string>? queueUrl)
    {
        return Output.Tuple(args.AssetHost ?? Output.Create(""), queueUrl ?? Output.Create("")).Apply(values =>
        {
            var (host, queue) = values;
            var settings = new List<(string Key, string Value)> { ("ROLE", role) };
            if (args.DbHost is { } db)
                settings.Add(("DB_HOST", db));
            if (host.Length > 0)
                settings.Add(("ASSET_HOST", host));
            if (queue.Length > 0)
                settings.Add(("QUEUE_URL", queue));
            settings.Add(("ASG_NAME", lifecycle.GroupName));
            settings.Add(("LIFECYCLE_HOOK", lifecycle.HookName));
            settings.Add(("CLOUDWATCH_LOG_GROUP", agent.LogGroup));
            settings.Add(("CLOUDWATCH_CONFIG_PARAMETER", agent.ConfigParameter));
            settings.AddRange(args.Environment.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => (pair.Key, pair.Value)));
            return Convert.ToBase64String(Encoding.UTF8.GetBytes(Script(settings)));
        });
    }

    static string Script(IEnumerable<(string Key, string Value)> settings)
    {
        var script = new StringBuilder();
        script.Append("#!/bin/bash\nset -euo pipefail\ninstall -d -m 0750 /etc/app\n");
        script.Append("cat > /etc/app/app.env <<'APP_ENV'\n");
        foreach (var (key, value) in settings)
            script.Append(key).Append("='").Append(value.Replace("'", "'\\''", StringComparison.Ordinal)).Append("'\n");
        script.Append("APP_ENV\nchmod 0640 /etc/app/app.env\n");
        script.Append(DrainService);
        script.Append("if [ -x /opt/app/bin/bootstrap ]; then /opt/app/bin/bootstrap /etc/app/app.env; fi\n");
        return script.ToString();
    }
}
