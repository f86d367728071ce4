namespace Infra.Configuration;

/// <summary>Which defaults a stack starts from: prod's for a stack named prod (or prod-*), dev's otherwise.</summary>
public enum EnvironmentKind
{
    Dev,
    Prod,
}

public static class Environments
{
    public static EnvironmentKind ForStack(string stack) =>
        stack == "prod" || stack.StartsWith("prod-", StringComparison.Ordinal) ? EnvironmentKind.Prod : EnvironmentKind.Dev;
}
