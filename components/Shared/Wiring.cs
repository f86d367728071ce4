namespace Infra.Components.Shared;

internal static class Wiring
{
    /// <summary>A component was built without an output of another component it needs: a program error.</summary>
    public static ArgumentException Missing(string member) =>
        new($"{member} must be wired from another component before this one is built.", member);
}
