using System.Text;

namespace Otklik.Infrastructure;

/// <summary>
/// The one CSV writer of every export (the office list, the knowledge base, the public statistics): CSV as Russian Excel
/// opens it — UTF-8 with a byte-order mark, ";" between fields, CRLF between rows — with every cell made safe to open.
/// </summary>
public static class Csv
{
    /// <summary>Characters that make a spreadsheet read a cell as a formula (or, for tab and CR, hide the one that follows).</summary>
    static readonly char[] FormulaStarts = ['=', '+', '-', '@', '\t', '\r'];

    /// <summary>
    /// One field. Text a spreadsheet would take for a formula (=, +, -, @, a tab or a CR first: a title or an address
    /// typed by anyone) gets a leading apostrophe, so opening the file runs nothing (CWE-1236); a field that holds the
    /// separator, a quote or a line break is quoted. The apostrophe comes first, so a quoted formula is neutralised too.
    /// </summary>
    public static string Field(string? value)
    {
        value ??= "";
        if (value.Length > 0 && Array.IndexOf(FormulaStarts, value[0]) >= 0) value = "'" + value;
        return value.IndexOfAny([';', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    /// <summary>One row of fields, with its CRLF.</summary>
    public static string Row(IEnumerable<string?> fields) => string.Join(';', fields.Select(Field)) + "\r\n";

    /// <summary>A whole file from its rows, as bytes with the byte-order mark.</summary>
    public static byte[] File(IEnumerable<IEnumerable<string?>> rows)
    {
        var sb = new StringBuilder();
        foreach (var row in rows) sb.Append(Row(row));
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(sb.ToString())];
    }

    /// <summary>
    /// What <see cref="Field"/> added, taken back when our own export is read in again (the knowledge import): a leading
    /// apostrophe before a formula character.
    /// </summary>
    public static string Unneutralise(string value) =>
        value.Length > 1 && value[0] == '\'' && Array.IndexOf(FormulaStarts, value[1]) >= 0 ? value[1..] : value;
}
