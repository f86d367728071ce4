using System.Text;
using Pulumi;

namespace Infra.Components.Compute;

/// <summary>The boot script: writes the instance's settings to /etc/app/app.env (ROLE, DB_HOST, ASSET_HOST and
/// the free-form environment) and hands over to the image's own bootstrap, base64-encoded for the template.</summary>
internal static class UserData
{
    public static Output<string> Render(string role, UserDataArgs args)
    {
        var assetHost = args.AssetHost ?? Output.Create("");
        return assetHost.Apply(host =>
        {
            var settings = new List<(string Key, string Value)> { ("ROLE", role) };
            if (args.DbHost is { } db)
                settings.Add(("DB_HOST", db));
            if (host.Length > 0)
                settings.Add(("ASSET_HOST", host));
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
        script.Append("if [ -x /opt/app/bin/bootstrap ]; then /opt/app/bin/bootstrap /etc/app/app.env; fi\n");
        return script.ToString();
    }
}
