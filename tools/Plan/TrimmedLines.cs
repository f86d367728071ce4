using System.Text;

namespace Infra.Plan;

/// <summary>Writes through to another writer without the blanks at the end of each line (Spectre pads table rows and
/// titles to the table's width), so text written to a file or a log ends where its content does.</summary>
internal sealed class TrimmedLines(TextWriter inner) : TextWriter
{
    readonly StringBuilder _blanks = new();

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        if (value == ' ')
        {
            _blanks.Append(value);
            return;
        }

        if (value is not ('\n' or '\r'))
            inner.Write(_blanks);
        _blanks.Clear();
        inner.Write(value);
    }

    public override void Write(string? value)
    {
        foreach (var c in value ?? "")
            Write(c);
    }

    public override void Write(char[] buffer, int index, int count)
    {
        for (var i = index; i < index + count; i++)
            Write(buffer[i]);
    }

    public override void Flush() => inner.Flush();
}
