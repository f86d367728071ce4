using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Infra.Configuration;
using Infra.Plan.Checks;
using Infra.Plan.Mocks;
using Spectre.Console;

namespace Infra.Plan;

/// <summary>./build.sh check: the security report over the planned graph. Acknowledged findings are listed with
/// their reason and not counted; an unacknowledged error exits 1.</summary>
public static class CheckCommand
{
    public sealed record Report(string Stack, IReadOnlyList<Finding> Findings)
    {
        public int Errors => Findings.Count(finding => finding.Acknowledged is null && finding.Severity == Severity.Error);
        public int Warnings => Findings.Count(finding => finding.Acknowledged is null && finding.Severity == Severity.Warning);
        public int Acknowledged => Findings.Count(finding => finding.Acknowledged is not null);

        public string Summary => $"{Stack}: {Errors} error(s), {Warnings} warning(s), {Acknowledged} acknowledged";
    }

    public static Report Run(PlanDocument plan, StackFile file)
    {
        var source = new ConfigSource(file.Project, file.Stack, file.Config, file.SecretKeys);
        var acknowledgements = GlobalSettings.IsGlobal(file.Config) ? GlobalSettings.Load(source).Acknowledgements : StackSettings.Load(source).Acknowledgements;
        return new Report(file.Stack, SecurityChecks.Run(plan, acknowledgements));
    }

    public static void Text(Report report, IAnsiConsole console)
    {
        foreach (var finding in report.Findings)
        {
            var (color, label) = finding.Acknowledged is not null ? ("grey", "acknowledged") : finding.Severity == Severity.Error ? ("red", "error") : ("yellow", "warning");
            console.MarkupLine($"[{color}]{label} {finding.Rule}[/] {Markup.Escape(finding.Message)}");
            console.MarkupLine(finding.Acknowledged is { } reason ? $"    [grey]reason: {Markup.Escape(reason)}[/]" : $"    [grey]fix: {Markup.Escape(finding.Fix)}[/]");
        }

        console.MarkupLine(Markup.Escape(report.Summary));
    }

    /// <summary>{stack, summary{errors, warnings, acknowledged}, findings[{rule, severity, resources, message, fix, acknowledged}]}.</summary>
    public static string Json(Report report) => new JsonObject
    {
        ["stack"] = report.Stack,
        ["summary"] = new JsonObject { ["errors"] = report.Errors, ["warnings"] = report.Warnings, ["acknowledged"] = report.Acknowledged },
        ["findings"] = new JsonArray([.. report.Findings.Select(finding => (JsonNode)new JsonObject
        {
            ["rule"] = finding.Rule,
            ["severity"] = finding.SeverityName,
            ["resources"] = new JsonArray([.. finding.Resources.Select(urn => (JsonNode)urn)]),
            ["message"] = finding.Message,
            ["fix"] = finding.Fix,
            ["acknowledged"] = finding.Acknowledged is { } reason ? new JsonObject { ["reason"] = reason } : null,
        })]),
    }.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";

    /// <summary>For the pull-request comment: the summary, then the open findings.</summary>
    public static string Markdown(Report report)
    {
        var text = new StringBuilder($"### Security `{report.Stack}`: {report.Errors} error(s), {report.Warnings} warning(s), {report.Acknowledged} acknowledged\n\n");
        foreach (var finding in report.Findings.Where(finding => finding.Acknowledged is null))
            text.Append($"- **{finding.SeverityName} {finding.Rule}** {finding.Message} — _{finding.Fix}_\n");
        return text.Append('\n').ToString();
    }
}
