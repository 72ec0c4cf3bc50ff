using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Xml;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Infrastructure;

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
            new("Канал", 20, r => Labels.Of(r.Channel)),
            new("Категория", 28, r => r.Category),
            new("Тема", 32, r => r.Topic),
            new("Территория", 20, r => r.Territory),
            new("Адрес", 32, r => r.Address),
            new("Исполнитель", 24, r => r.Executor),
            new("Ответственный", 26, r => r.Assignee),
            new("Статус", 24, r => Labels.Of(r.Status)),
            new($"Срок ({utc})", 18, r => r.Deadline is null ? null : Local(r.DueAtUtc)),
            new("Состояние срока", 18, r => r.Deadline is null ? null : DeadlineStates.Title(r.Deadline)),
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

/// <summary>The list as CSV (<see cref="Csv"/>: the dialect and the formula neutralisation of every export), streamed row by row.</summary>
public static class ExportCsv
{
    public static async Task WriteAsync(Stream body, IReadOnlyList<ExportColumn> columns, IAsyncEnumerable<AppealRow> rows, CancellationToken ct)
    {
        await using var writer = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 64 * 1024, leaveOpen: true);
        await writer.WriteAsync('\uFEFF');
        await writer.WriteAsync(Csv.Row(columns.Select(c => c.Header)));
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
                    var v => Csv.Field(Convert.ToString(v, CultureInfo.InvariantCulture)),
                });
            }
            line.Append("\r\n");
            await writer.WriteAsync(line, ct);
            if (++n % ExportLimits.Chunk == 0) await writer.FlushAsync(ct);
        }
    }
}

/// <summary>
/// An XLSX workbook (DocumentFormat.OpenXml builds the package) with one sheet written as a stream of XML, so 100 000
/// rows need no more memory than ten: header row bold and frozen, an autofilter over the table, times as real dates.
/// </summary>
public static class ExportXlsx
{
    const uint HeaderStyle = 1, DateStyle = 2;
    public const string SheetName = "Обращения";

    const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

    public static async Task<int> WriteAsync(Stream target, IReadOnlyList<ExportColumn> columns, IAsyncEnumerable<AppealRow> rows, CancellationToken ct)
    {
        using var document = SpreadsheetDocument.Create(target, SpreadsheetDocumentType.Workbook);
        var workbook = document.AddWorkbookPart();
        var styles = workbook.AddNewPart<WorkbookStylesPart>();
        styles.Stylesheet = Styles();
        var sheet = workbook.AddNewPart<WorksheetPart>();
        var count = 0;
        // The sheet is plain XML written straight into its part (a temporary file, so writing synchronously blocks no one):
        // the SDK's element objects cost several times more per cell.
        using (var stream = sheet.GetStream(FileMode.Create))
        using (var xml = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false) }))
        {
            xml.WriteStartDocument(true);
            xml.WriteStartElement(null, "worksheet", Main);
            xml.WriteStartElement(null, "sheetViews", Main);
            xml.WriteStartElement(null, "sheetView", Main);
            xml.WriteAttributeString(null, "tabSelected", null, "1");
            xml.WriteAttributeString(null, "workbookViewId", null, "0");
            xml.WriteStartElement(null, "pane", Main);
            xml.WriteAttributeString(null, "ySplit", null, "1");
            xml.WriteAttributeString(null, "topLeftCell", null, "A2");
            xml.WriteAttributeString(null, "activePane", null, "bottomLeft");
            xml.WriteAttributeString(null, "state", null, "frozen");
            xml.WriteEndElement();
            xml.WriteStartElement(null, "selection", Main);
            xml.WriteAttributeString(null, "pane", null, "bottomLeft");
            xml.WriteAttributeString(null, "activeCell", null, "A2");
            xml.WriteAttributeString(null, "sqref", null, "A2");
            xml.WriteEndElement();
            xml.WriteEndElement(); // sheetView
            xml.WriteEndElement(); // sheetViews
            xml.WriteStartElement(null, "cols", Main);
            for (var i = 0; i < columns.Count; i++)
            {
                xml.WriteStartElement(null, "col", Main);
                xml.WriteAttributeString(null, "min", null, (i + 1).ToString(CultureInfo.InvariantCulture));
                xml.WriteAttributeString(null, "max", null, (i + 1).ToString(CultureInfo.InvariantCulture));
                xml.WriteAttributeString(null, "width", null, columns[i].Width.ToString(CultureInfo.InvariantCulture));
                xml.WriteAttributeString(null, "customWidth", null, "1");
                xml.WriteEndElement();
            }
            xml.WriteEndElement(); // cols
            xml.WriteStartElement(null, "sheetData", Main);

            xml.WriteStartElement(null, "row", Main);
            xml.WriteAttributeString(null, "r", null, "1");
            foreach (var c in columns) Text(xml, c.Header, HeaderStyle);
            xml.WriteEndElement();

            await foreach (var row in rows.WithCancellation(ct))
            {
                xml.WriteStartElement(null, "row", Main);
                xml.WriteAttributeString(null, "r", null, (count + 2).ToString(CultureInfo.InvariantCulture));
                foreach (var c in columns)
                    switch (c.Value(row))
                    {
                        case null:
                            xml.WriteStartElement(null, "c", Main);
                            xml.WriteEndElement();
                            break;
                        case DateTime at:
                            xml.WriteStartElement(null, "c", Main);
                            xml.WriteAttributeString(null, "s", null, DateStyle.ToString(CultureInfo.InvariantCulture));
                            xml.WriteElementString(null, "v", Main, at.ToOADate().ToString("R", CultureInfo.InvariantCulture));
                            xml.WriteEndElement();
                            break;
                        case var v:
                            Text(xml, Convert.ToString(v, CultureInfo.InvariantCulture) ?? "", 0);
                            break;
                    }
                xml.WriteEndElement();
                count++;
            }
            xml.WriteEndElement(); // sheetData
            xml.WriteStartElement(null, "autoFilter", Main);
            xml.WriteAttributeString(null, "ref", null, $"A1:{ColumnName(columns.Count)}{count + 1}");
            xml.WriteEndElement();
            xml.WriteEndElement(); // worksheet
        }
        workbook.Workbook = new Workbook(
            new Sheets(new Sheet { Name = SheetName, SheetId = 1, Id = workbook.GetIdOfPart(sheet) }),
            new DefinedNames(new DefinedName($"'{SheetName}'!$A$1:${ColumnName(columns.Count)}${count + 1}")
                { Name = "_xlnm._FilterDatabase", LocalSheetId = 0, Hidden = true }));
        return count;
    }

    static void Text(XmlWriter xml, string value, uint style)
    {
        xml.WriteStartElement(null, "c", Main);
        xml.WriteAttributeString(null, "t", null, "inlineStr");
        if (style != 0) xml.WriteAttributeString(null, "s", null, style.ToString(CultureInfo.InvariantCulture));
        xml.WriteStartElement(null, "is", Main);
        xml.WriteStartElement(null, "t", Main);
        var text = Clean(value);
        if (text.Length > 0 && (char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1])))
            xml.WriteAttributeString("xml", "space", null, "preserve");
        xml.WriteString(text);
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndElement();
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
