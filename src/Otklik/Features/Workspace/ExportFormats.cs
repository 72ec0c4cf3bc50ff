using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Otklik.Data;
using Otklik.Features.Appeals;

namespace Otklik.Features.Workspace;

public static class ExportLimits
{
    /// <summary>An export stops here: beyond it a list is for a report, not a spreadsheet.</summary>
    public const int MaxRows = 100_000;
    /// <summary>Rows read per keyset page while exporting: big enough to be quick, small enough to keep memory flat.</summary>
    public const int Chunk = 1000;
}

/// <summary>The columns of an export: a Russian header, a width for the spreadsheet, a value (text, or a local time).</summary>
public sealed record ExportColumn(string Header, double Width, Func<AppealRow, object?> Value)
{
    public static IReadOnlyList<ExportColumn> For(TimeZoneInfo zone)
    {
        var utc = ListText.ZoneLabel(zone);
        DateTime Local(DateTime at) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(at, DateTimeKind.Utc), zone);
        return
        [
            new("Номер", 14, r => r.Number),
            new($"Поступило ({utc})", 18, r => Local(r.ReceivedAtUtc)),
            new("Тип", 14, r => Labels.Of(r.Type)),
            new("Вид", 22, r => Labels.Of(r.Kind)),
            new("Правовой режим", 22, r => Labels.Of(r.Regime)),
            new("Канал", 20, r => ListText.Of(r.Channel)),
            new("Категория", 28, r => r.Category),
            new("Тема", 32, r => r.Topic),
            new("Территория", 20, r => r.Territory),
            new("Адрес", 32, r => r.Address),
            new("Исполнитель", 24, r => r.Executor),
            new("Ответственный", 26, r => r.Assignee),
            new("Статус", 24, r => Labels.Of(r.Status)),
            new($"Срок ({utc})", 18, r => r.Deadline is null ? null : Local(r.DueAtUtc)),
            new("Состояние срока", 18, r => r.Deadline is { } s ? ListText.Of(s) : null),
        ];
    }

    /// <summary>Every row of the filtered list, page after page by keyset, up to <see cref="ExportLimits.MaxRows"/>.</summary>
    public static async IAsyncEnumerable<AppealRow> RowsAsync(AppDbContext db, IQueryable<Appeal> filtered, ListSort sort, ListDirectory directory,
        DateTime nowUtc, [EnumeratorCancellation] CancellationToken ct)
    {
        string? cursor = null;
        var total = 0;
        do
        {
            var (rows, next) = await AppealsListRows.PageAsync(db, filtered, sort, cursor, Math.Min(ExportLimits.Chunk, ExportLimits.MaxRows - total),
                directory, nowUtc, ct);
            foreach (var row in rows) yield return row;
            total += rows.Count;
            cursor = next;
        } while (cursor is not null && total < ExportLimits.MaxRows);
    }
}

/// <summary>CSV as Russian Excel opens it: UTF-8 with a byte-order mark, ";" between fields, CRLF between rows.</summary>
public static class ExportCsv
{
    public static async Task WriteAsync(Stream body, IReadOnlyList<ExportColumn> columns, IAsyncEnumerable<AppealRow> rows, CancellationToken ct)
    {
        await using var writer = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 64 * 1024, leaveOpen: true);
        await writer.WriteAsync('\uFEFF');
        await writer.WriteAsync(string.Join(';', columns.Select(c => Field(c.Header))) + "\r\n");
        var line = new StringBuilder();
        var n = 0;
        await foreach (var row in rows.WithCancellation(ct))
        {
            line.Clear();
            for (var i = 0; i < columns.Count; i++)
            {
                if (i > 0) line.Append(';');
                line.Append(columns[i].Value(row) switch
                {
                    null => "",
                    DateTime at => at.ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture),
                    var v => Field(Convert.ToString(v, CultureInfo.InvariantCulture) ?? ""),
                });
            }
            line.Append("\r\n");
            await writer.WriteAsync(line, ct);
            if (++n % ExportLimits.Chunk == 0) await writer.FlushAsync(ct);
        }
    }

    /// <summary>
    /// Quotes a field when it holds the separator, a quote or a line break. Text that a spreadsheet would take for a
    /// formula (=, +, -, @ first: an address typed by anyone) gets a leading apostrophe, so opening the file runs nothing.
    /// </summary>
    public static string Field(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.IndexOfAny([';', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }
}

/// <summary>
/// An XLSX workbook with one sheet written as a stream of XML (OpenXmlWriter), so 100 000 rows need no more memory
/// than ten: header row bold and frozen, an autofilter over the table, times as real dates.
/// </summary>
public static class ExportXlsx
{
    const uint HeaderStyle = 1, DateStyle = 2;
    public const string SheetName = "Обращения";

    public static async Task<int> WriteAsync(Stream target, IReadOnlyList<ExportColumn> columns, IAsyncEnumerable<AppealRow> rows, CancellationToken ct)
    {
        using var document = SpreadsheetDocument.Create(target, SpreadsheetDocumentType.Workbook);
        var workbook = document.AddWorkbookPart();
        var styles = workbook.AddNewPart<WorkbookStylesPart>();
        styles.Stylesheet = Styles();
        var sheet = workbook.AddNewPart<WorksheetPart>();
        var count = 0;
        using (var writer = OpenXmlWriter.Create(sheet))
        {
            writer.WriteStartElement(new Worksheet());
            writer.WriteElement(new SheetViews(new SheetView(
                new Pane { VerticalSplit = 1, TopLeftCell = "A2", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen },
                new Selection { Pane = PaneValues.BottomLeft, ActiveCell = "A2", SequenceOfReferences = new ListValue<StringValue> { InnerText = "A2" } })
            { TabSelected = true, WorkbookViewId = 0 }));
            writer.WriteElement(new Columns(columns.Select((c, i) => new Column { Min = (uint)i + 1, Max = (uint)i + 1, Width = c.Width, CustomWidth = true })));
            writer.WriteStartElement(new SheetData());

            writer.WriteStartElement(new Row { RowIndex = 1 });
            foreach (var c in columns) writer.WriteElement(Text(c.Header, HeaderStyle));
            writer.WriteEndElement();

            await foreach (var row in rows.WithCancellation(ct))
            {
                writer.WriteStartElement(new Row { RowIndex = (uint)(count + 2) });
                foreach (var c in columns)
                    writer.WriteElement(c.Value(row) switch
                    {
                        null => new Cell(),
                        DateTime at => new Cell(new CellValue(at.ToOADate())) { StyleIndex = DateStyle },
                        var v => Text(Convert.ToString(v, CultureInfo.InvariantCulture) ?? "", 0),
                    });
                writer.WriteEndElement();
                count++;
            }
            writer.WriteEndElement(); // sheetData
            var range = $"A1:{ColumnName(columns.Count)}{count + 1}";
            writer.WriteElement(new AutoFilter { Reference = range });
            writer.WriteEndElement(); // worksheet
        }
        workbook.Workbook = new Workbook(
            new Sheets(new Sheet { Name = SheetName, SheetId = 1, Id = workbook.GetIdOfPart(sheet) }),
            new DefinedNames(new DefinedName($"'{SheetName}'!$A$1:${ColumnName(columns.Count)}${count + 1}")
                { Name = "_xlnm._FilterDatabase", LocalSheetId = 0, Hidden = true }));
        return count;
    }

    static Cell Text(string value, uint style)
    {
        var text = new Text(Clean(value));
        if (text.Text.Length > 0 && (char.IsWhiteSpace(text.Text[0]) || char.IsWhiteSpace(text.Text[^1]))) text.Space = SpaceProcessingModeValues.Preserve;
        var cell = new Cell(new InlineString(text)) { DataType = CellValues.InlineString };
        if (style != 0) cell.StyleIndex = style;
        return cell;
    }

    /// <summary>XML cannot hold control characters; text typed by applicants may carry them.</summary>
    static string Clean(string value) =>
        value.Any(c => c < ' ' && c is not '\t' and not '\n' and not '\r') ? new string([.. value.Where(c => c >= ' ' || c is '\t' or '\n' or '\r')]) : value;

    public static string ColumnName(int number)
    {
        var name = "";
        for (; number > 0; number = (number - 1) / 26) name = (char)('A' + (number - 1) % 26) + name;
        return name;
    }

    static Stylesheet Styles() => new(
        new NumberingFormats(new NumberingFormat { NumberFormatId = 164, FormatCode = "dd.mm.yyyy hh:mm" }) { Count = 1 },
        new Fonts(
            new Font(new FontSize { Val = 11 }, new FontName { Val = "Calibri" }),
            new Font(new Bold(), new FontSize { Val = 11 }, new FontName { Val = "Calibri" })) { Count = 2 },
        new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })) { Count = 2 },
        new Borders(new Border(new LeftBorder(), new RightBorder(), new TopBorder(), new BottomBorder(), new DiagonalBorder())) { Count = 1 },
        new CellStyleFormats(new CellFormat { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0 }) { Count = 1 },
        new CellFormats(
            new CellFormat { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0 },
            new CellFormat { NumberFormatId = 0, FontId = 1, FillId = 0, BorderId = 0, FormatId = 0, ApplyFont = true },
            new CellFormat { NumberFormatId = 164, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0, ApplyNumberFormat = true }) { Count = 3 });
}
