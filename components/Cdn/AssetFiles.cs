using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Infra.Components.Cdn;

/// <summary>One file of the upload folder, with the headers it is served with.</summary>
public sealed record AssetFile(string Path, string Key, string ContentType, string CacheControl, string Sha256);

/// <summary>Walks an asset folder: skips hidden files and ignored patterns, picks the content type by
/// extension and a cache policy by name (fingerprinted names never change, so they are cached for a year).</summary>
public static partial class AssetFiles
{
    public const string Immutable = "public, max-age=31536000, immutable";
    public const string ShortLived = "public, max-age=300, must-revalidate";

    static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8", [".htm"] = "text/html; charset=utf-8", [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8", [".mjs"] = "text/javascript; charset=utf-8", [".json"] = "application/json",
        [".map"] = "application/json", [".txt"] = "text/plain; charset=utf-8", [".xml"] = "application/xml",
        [".svg"] = "image/svg+xml", [".png"] = "image/png", [".jpg"] = "image/jpeg", [".jpeg"] = "image/jpeg",
        [".gif"] = "image/gif", [".webp"] = "image/webp", [".avif"] = "image/avif", [".ico"] = "image/x-icon",
        [".woff"] = "font/woff", [".woff2"] = "font/woff2", [".ttf"] = "font/ttf", [".otf"] = "font/otf",
        [".pdf"] = "application/pdf", [".wasm"] = "application/wasm", [".webmanifest"] = "application/manifest+json",
        [".mp4"] = "video/mp4", [".webm"] = "video/webm", [".mp3"] = "audio/mpeg",
    };

    /// <summary>app-3f9a1c.css, main.8d2f1a7b.js: a hash of at least six hex digits before the extension.</summary>
    [GeneratedRegex(@"[-.][0-9a-f]{6,}\.[A-Za-z0-9]+$")]
    private static partial Regex Fingerprint();

    public static string ContentTypeOf(string key) =>
        ContentTypes.GetValueOrDefault(System.IO.Path.GetExtension(key), "application/octet-stream");

    public static string CacheControlOf(string key) => Fingerprint().IsMatch(key) ? Immutable : ShortLived;

    public static IReadOnlyList<AssetFile> Scan(string folder, IReadOnlyList<string> ignore)
    {
        var root = System.IO.Path.GetFullPath(folder);
        var patterns = ignore.Select(Glob).ToList();
        return Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(path => (path, key: System.IO.Path.GetRelativePath(root, path).Replace('\\', '/')))
            .Where(file => !file.key.Split('/').Any(part => part.StartsWith('.')))
            .Where(file => !patterns.Any(pattern => pattern.IsMatch(file.key) || pattern.IsMatch(System.IO.Path.GetFileName(file.key))))
            .OrderBy(file => file.key, StringComparer.Ordinal)
            .Select(file => new AssetFile(file.path, file.key, ContentTypeOf(file.key), CacheControlOf(file.key), Hash(file.path)))
            .ToList();
    }

    static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    static Regex Glob(string pattern) => new("^" + Regex.Escape(pattern.Trim('/'))
        .Replace(@"\*\*/", "(.*/)?", StringComparison.Ordinal)
        .Replace(@"\*\*", ".*", StringComparison.Ordinal)
        .Replace(@"\*", "[^/]*", StringComparison.Ordinal)
        .Replace(@"\?", "[^/]", StringComparison.Ordinal) + "$");
}
