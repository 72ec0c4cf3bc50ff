using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Otklik.Data;
using Otklik.Features.Workspace;
using Otklik.Infrastructure;

namespace Otklik.Features.Analytics;

/// <summary>
/// The dashboard as it stands (the same filters) as CSV or XLSX (section, figure, value, and the drill-down link) or as
/// a PDF with its charts (<see cref="DashboardPdf"/>).
/// </summary>
[Authorize]
public sealed class ExportModel(AppDbContext db, CurrentUser user, AnalyticsCache cache, TimeProvider clock, PublicUrl publicUrl) : PageModel
{
    public async Task<IActionResult> OnGetAsync(string format, CancellationToken ct)
    {
        if (format is not ("csv" or "xlsx" or "pdf")) return NotFound();
        if (!await IndexModel.MayAsync(user, ct)) return Forbid();
        var names = await ListDirectory.LoadAsync(db, ct);
        var zone = await names.ZoneOfAsync(user, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var filter = AnalyticsFilter.FromQuery(Request.Query, now, zone);
        var figures = await AnalyticsData.DashboardAsync(db, user, cache, filter, names, now, ct);
        var rows = Rows(figures, ListText.Time(figures.AtUtc, zone), publicUrl.ToString());
        var name = $"analitika-{filter.From:yyyy-MM-dd}-{filter.To:yyyy-MM-dd}.{format}";
        if (format == "pdf")
        {
            if (!Mail.DejaVuFonts.Available) return new ContentResult
                { StatusCode = 503, ContentType = "text/plain; charset=utf-8", Content = "Не найден шрифт DejaVu Sans с кириллицей: PDF не собрать. Выгрузите XLSX." };
            return File(DashboardPdf.Make(figures, Describe(filter, names), ListText.Time(figures.AtUtc, zone), publicUrl.ToString()), "application/pdf", name);
        }
        return format == "csv"
            ? File(Csv.File(rows.Select(r => new[] { r.Section, r.Name, r.Value, r.Link })), "text/csv; charset=utf-8", name)
            : File(Xlsx("Аналитика", ["Раздел", "Показатель", "Значение", "Обращения"], rows.Select(r => new[] { r.Section, r.Name, r.Value, r.Link })),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name);
    }

    /// <summary>The filters in words, for the PDF's heading: «вся область» when none narrows the appeals.</summary>
    public static string Describe(AnalyticsFilter f, ListDirectory names)
    {
        var parts = new List<string>();
        if (f.TerritoryId is not null) parts.Add("территория «" + (names.Name(f.TerritoryId) ?? "?") + "»");
        if (f.OrganisationId is not null) parts.Add("исполнитель «" + (names.OrganisationName(f.OrganisationId) ?? "?") + "»");
        if (f.Channel is { } c) parts.Add("канал «" + Appeals.Labels.Of(c) + "»");
        if (f.Regime is { } r) parts.Add("порядок «" + Appeals.Labels.Of(r) + "»");
        if (f.Kind is { } k) parts.Add("вид «" + Appeals.Labels.Of(k) + "»");
        return parts.Count == 0 ? "все обращения, которые вам доступны" : string.Join(", ", parts);
    }

    public sealed record ExportRow(string Section, string Name, string Value, string Link);

    /// <summary>Every figure of the page in one table; links absolute, from the configured public address.</summary>
    public static List<ExportRow> Rows(DashboardFigures f, string madeAt, string baseUrl)
    {
        var ic = CultureInfo.InvariantCulture;
        string Abs(string? link) => link is null ? "" : baseUrl.TrimEnd('/') + link;
        var rows = new List<ExportRow>
        {
            new("Период", "Поступили", f.Period, ""),
            new("Период", "Рассчитано", madeAt, ""),
        };
        foreach (var x in f.Figures) rows.Add(new("Показатели", x.Title, x.Value?.ToString("0.##", ic) ?? "", Abs(x.Link)));
        foreach (var b in f.ByPeriod) rows.Add(new("Поступление", b.Label, b.Count.ToString(ic), Abs(b.Link)));
        void Slices(string section, IEnumerable<Slice> slices)
        {
            foreach (var s in slices)
            {
                rows.Add(new(section, s.Name, s.Total.ToString(ic), Abs(s.Link)));
                rows.Add(new(section, s.Name + " — открыто", s.Open.ToString(ic), Abs(s.OpenLink)));
                rows.Add(new(section, s.Name + " — просрочено", s.Overdue.ToString(ic), Abs(s.OverdueLink)));
            }
        }
        Slices("Канал", f.ByChannel);
        Slices("Категория", f.ByCategory);
        Slices("Территория", f.ByTerritory);
        Slices("Исполнитель", f.ByOrganisation);
        foreach (var b in f.Ratings) rows.Add(new("Оценки", b.Label, b.Count.ToString(ic), Abs(b.Link)));
        return rows;
    }

    /// <summary>A small workbook of one sheet (a few hundred rows: the SDK's objects are fine here), header bold and frozen.</summary>
    public static byte[] Xlsx(string sheetName, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            var styles = workbook.AddNewPart<WorkbookStylesPart>();
            styles.Stylesheet = new Stylesheet(
                new Fonts(new Font(), new Font(new Bold())),
                new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })),
                new Borders(new Border()),
                new CellFormats(new CellFormat(), new CellFormat { FontId = 1, ApplyFont = true }));
            var sheetPart = workbook.AddNewPart<WorksheetPart>();
            var data = new SheetData();
            uint r = 1;
            DocumentFormat.OpenXml.Spreadsheet.Row Line(IEnumerable<string> values, bool bold)
            {
                var row = new DocumentFormat.OpenXml.Spreadsheet.Row { RowIndex = r++ };
                foreach (var v in values)
                {
                    var isNumber = !bold && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
                    row.Append(isNumber
                        ? new Cell { DataType = CellValues.Number, CellValue = new CellValue(v) }
                        : new Cell { DataType = CellValues.InlineString, InlineString = new InlineString(new Text(v ?? "")), StyleIndex = bold ? 1u : 0u });
                }
                return row;
            }
            data.Append(Line(header, true));
            foreach (var row in rows) data.Append(Line(row, false));
            sheetPart.Worksheet = new Worksheet(
                new SheetViews(new SheetView(new Pane { VerticalSplit = 1, TopLeftCell = "A2", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen })
                    { WorkbookViewId = 0 }),
                new Columns(new Column { Min = 1, Max = 1, Width = 18, CustomWidth = true }, new Column { Min = 2, Max = 2, Width = 44, CustomWidth = true },
                    new Column { Min = 3, Max = 3, Width = 14, CustomWidth = true }, new Column { Min = 4, Max = 4, Width = 60, CustomWidth = true }),
                data);
            workbook.Workbook.AppendChild(new Sheets(new Sheet { Name = sheetName, SheetId = 1, Id = workbook.GetIdOfPart(sheetPart) }));
        }
        return stream.ToArray();
    }
}
