using YamlDotNet.Core;
using YamlDotNet.Core.Tokens;

namespace Infra.Plan.Mocks;

/// <summary>Reads a YAML file the user wrote (a stack file, a usage profile). Whatever is wrong with it becomes one
/// InvalidDataException, "file:line:column: reason", at the place the parser found it, including what YamlDotNet
/// reports at the wrong place or not at all: a tab in the indentation (YAML indents with spaces only, and Pulumi's
/// parser refuses it), an alias to no anchor, a { or [ never closed.</summary>
public static class YamlFile
{
    public static T Read<T>(string path, Func<IParser, T> read)
    {
        var text = File.ReadAllText(path);
        var file = Path.GetFileName(path);
        Check(text, file);
        var scanner = new Scanner(new StringReader(text));
        try
        {
            return read(new Parser(scanner));
        }
        catch (YamlException error)
        {
            throw At(file, error.Start, Reason(error), error);
        }
        catch (InvalidOperationException error)
        {
            throw At(file, scanner.CurrentPosition, Unreadable, error);
        }
    }

    /// <summary>One pass over the tokens for what the parser reports badly.</summary>
    static void Check(string text, string file)
    {
        var scanner = new Scanner(new StringReader(text));
        var open = new Stack<(Mark At, char Bracket)>();
        var anchors = new HashSet<string>();
        var last = Mark.Empty;
        var lastLine = 0L;
        try
        {
            while (scanner.MoveNext())
            {
                var token = scanner.Current!;
                if (open.Count == 0 && token is not (StreamEnd or BlockEnd) && token.Start.Line > lastLine
                    && TabBefore(text, token.Start) is { } tab)
                    throw At(file, tab, TabInIndentation);
                switch (token)
                {
                    case FlowMappingStart or FlowSequenceStart:
                        open.Push((token.Start, token is FlowMappingStart ? '{' : '['));
                        break;
                    case FlowMappingEnd or FlowSequenceEnd when open.Count > 0:
                        open.Pop();
                        break;
                    case Anchor anchor:
                        anchors.Add(anchor.Value.Value);
                        break;
                    case AnchorAlias alias when !anchors.Contains(alias.Value.Value):
                        throw At(file, token.Start, $"*{alias.Value.Value} refers to no anchor &{alias.Value.Value} defined above it");
                }

                if (token is not (StreamStart or StreamEnd or BlockEnd))
                    (last, lastLine) = (token.End, token.End.Line);
            }
        }
        catch (YamlException error) when (error.Message.Contains("tab", StringComparison.OrdinalIgnoreCase) && TabAfter(text, last) is { } tab)
        {
            throw At(file, tab, TabInIndentation, error);
        }
        catch (YamlException error)
        {
            throw At(file, error.Start, open.Count > 0 ? $"{Reason(error)} ({Unclosed(open)})" : Reason(error), error);
        }
        catch (InvalidOperationException error)
        {
            throw At(file, scanner.CurrentPosition, open.Count > 0 ? Unclosed(open) : Unreadable, error);
        }
    }

    const string TabInIndentation = "a tab in the indentation: YAML indents with spaces only";
    const string Unreadable = "cannot be read as YAML here";

    static string Unclosed(Stack<(Mark At, char Bracket)> open) =>
        $"the {open.Peek().Bracket} at line {open.Peek().At.Line}, column {open.Peek().At.Column} is never closed";

    static string Reason(YamlException error) => (error.InnerException?.Message ?? error.Message).Split(": ").Last();

    /// <summary>A tab between the start of the token's line and the token.</summary>
    static Mark? TabBefore(string text, Mark token)
    {
        var index = (int)token.Index;
        var lineStart = index == 0 ? 0 : text.LastIndexOf('\n', index - 1) + 1;
        var tab = text.IndexOf('\t', lineStart, index - lineStart);
        return tab < 0 ? null : new Mark(tab, token.Line, tab - lineStart + 1);
    }

    /// <summary>The first tab in the leading whitespace of a line after <paramref name="from"/>.</summary>
    static Mark? TabAfter(string text, Mark from)
    {
        var lines = text.Split('\n');
        var index = 0;
        for (var line = 0; line < lines.Length; index += lines[line].Length + 1, line++)
        {
            var indentation = lines[line].Length - lines[line].TrimStart(' ', '\t').Length;
            var tab = lines[line].IndexOf('\t', 0, indentation);
            if (line + 1 >= from.Line && tab >= 0)
                return new Mark(index + tab, line + 1, tab + 1);
        }

        return null;
    }

    static InvalidDataException At(string file, Mark at, string reason, Exception? inner = null) =>
        new($"{file}:{at.Line}:{at.Column}: {reason}", inner);
}
