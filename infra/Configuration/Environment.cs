namespace Infra.Configuration;

/// <summary>Which defaults a stack starts from: prod's for a stack named prod (or prod-*), dev's otherwise.</summary>
public enum Environment
{
    Dev,
    Prod,
}

public static class Environments
{
    public static Environment ForStack(string stack) =>
        stack == "prod" || stack.StartsWith("prod-", StringComparison.Ordinal) ? Environment.Prod : Environment.Dev;
}
