namespace Infra.Components.Shared;

/// <summary>"Did you mean" for a name given wrong: the known names closest to it.</summary>
public static class Names
{
    /// <summary>The known names fewest edits away from <paramref name="name"/> (within a few), at most
    /// <paramref name="count"/> of them; none when nothing is that close.</summary>
    public static IReadOnlyList<string> Nearest(IEnumerable<string> known, string name, int count = 1)
    {
        var limit = Math.Max(2, name.Length / 3);
        var close = known.Select(candidate => (Candidate: candidate, Distance: Distance(candidate, name)))
            .Where(pair => pair.Distance <= limit).ToList();
        var best = close.Count == 0 ? 0 : close.Min(pair => pair.Distance);
        return [.. close.Where(pair => pair.Distance == best).Select(pair => pair.Candidate).Order(StringComparer.Ordinal).Take(count)];
    }

    /// <summary>Edits (insert, delete, substitute) between two names, case-insensitive.</summary>
    public static int Distance(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }

        return row[b.Length];
    }
}
