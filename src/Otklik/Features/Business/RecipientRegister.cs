using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Intake;
using Otklik.Infrastructure;

namespace Otklik.Features.Business;

/// <summary>
/// A fund's monthly register of support recipients, from an XLSX or CSV file with the federal register's columns.
/// Every row is checked and each error names its row; one bad row refuses the whole file and nothing is stored
/// (seed 000: the register is posted monthly by each municipal fund).
/// </summary>
public static class RecipientRegister
{
    public const int MaxRows = 20_000;

    /// <summary>The columns, recognised by the start of their header (case ignored), in any order.</summary>
    static readonly (string Key, string Header)[] Columns =
    [
        ("name", "получатель"), ("inn", "инн"), ("form", "форма"), ("kind", "вид"), ("amount", "размер"), ("date", "дата"),
    ];

    public static readonly string TemplateHeader = "Получатель;ИНН;Форма поддержки;Вид поддержки;Размер поддержки, руб.;Дата решения";

    public sealed record Row(int Number, string Name, string Inn, string Form, string Kind, long AmountKopecks, DateOnly DecidedOn);

    /// <summary>Reads the file's rows (the first row is the header); throws <see cref="InputException"/> naming every bad row.</summary>
    public static IReadOnlyList<Row> Read(string fileName, byte[] bytes)
    {
        List<string[]> table;
        try
        {
            table = fileName.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase) ? ReadXlsx(bytes) : ReadCsv(bytes);
        }
        catch (Exception e) when (e is InvalidDataException or OpenXmlPackageException or FormatException or IOException)
        {
            throw new InputException("file", "register.unreadable", "Файл не читается: нужен XLSX или CSV (UTF-8, разделитель «;»).", 422);
        }
        var errors = new InputErrors();
        if (table.Count == 0) throw new InputException("file", "register.empty", "Файл пуст: нужна строка заголовков и строки реестра.", 422);
        var header = table[0];
        var at = new Dictionary<string, int>();
        foreach (var (key, title) in Columns)
        {
            var i = Array.FindIndex(header, h => h.Trim().StartsWith(title, StringComparison.OrdinalIgnoreCase));
            if (i < 0) errors.Add("file", "register.column", $"Нет столбца «{title}»: заголовки должны быть такими: {TemplateHeader.Replace(';', ',')}.");
            else at[key] = i;
        }
        errors.ThrowIfAny(422);
        var rows = new List<Row>();
        for (var r = 1; r < table.Count; r++)
        {
            var cells = table[r];
            if (cells.All(string.IsNullOrWhiteSpace)) continue;
            var n = r + 1; // the row as the spreadsheet numbers it, the header being row 1
            string Cell(string key) => at[key] < cells.Length ? cells[at[key]].Trim() : "";
            void Bad(string column, string message) => errors.Add($"rows[{n}].{column}", "register.row", $"Строка {n}: {message}");
            var name = Cell("name");
            var inn = Cell("inn");
            if (name.Length == 0) Bad("name", "не указан получатель поддержки.");
            else if (name.Length > 500) Bad("name", "наименование получателя длиннее 500 символов.");
            if (!SubmitRules.IsValidInn(inn)) Bad("inn", $"неверный ИНН «{inn}»: 10 цифр для организации или 12 для ИП, с верными контрольными цифрами.");
            var form = Cell("form");
            var kind = Cell("kind");
            if (form.Length is 0 or > 200) Bad("form", "не указана форма поддержки (финансовая, имущественная, консультационная…).");
            if (kind.Length is 0 or > 300) Bad("kind", "не указан вид поддержки (микрозаём, субсидия, поручительство…).");
            var amount = ParseAmount(Cell("amount"));
            if (amount is null) Bad("amount", $"размер поддержки «{Cell("amount")}» — не сумма в рублях (например 150000,00).");
            var date = ParseDate(Cell("date"));
            if (date is null) Bad("date", $"дата «{Cell("date")}» не в виде ДД.ММ.ГГГГ.");
            if (errors.Any) continue;
            rows.Add(new Row(n, name, inn, form, kind, amount!.Value, date!.Value));
            if (rows.Count > MaxRows) throw new InputException("file", "register.too_long", $"В реестре больше {MaxRows} строк: разделите его.", 422);
        }
        errors.ThrowIfAny(422);
        if (rows.Count == 0) throw new InputException("file", "register.empty", "В файле нет ни одной строки реестра.", 422);
        return rows;
    }

    /// <summary>Stores the register of <paramref name="organisationId"/> for <paramref name="month"/>, replacing an earlier upload of the month, in one transaction.</summary>
    public static async Task<RecipientUpload> StoreAsync(AppDbContext db, Guid organisationId, DateOnly month, string fileName, IReadOnlyList<Row> rows,
        Guid? by, DateTime nowUtc, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.RecipientUploads.Where(u => u.OrganisationId == organisationId && u.Month == month).ExecuteDeleteAsync(ct);
        var upload = new RecipientUpload
        {
            Id = Guid.CreateVersion7(), OrganisationId = organisationId, Month = month, FileName = fileName, RowCount = rows.Count, UploadedById = by,
            UploadedAtUtc = nowUtc,
        };
        db.RecipientUploads.Add(upload);
        db.SupportRecipients.AddRange(rows.Select(r => new SupportRecipient
        {
            Id = Guid.CreateVersion7(), UploadId = upload.Id, OrganisationId = organisationId, Month = month, Name = r.Name, NameKey = r.Name.ToLowerInvariant(),
            Inn = r.Inn, Form = r.Form, Kind = r.Kind, AmountKopecks = r.AmountKopecks, DecidedOn = r.DecidedOn,
        }));
        await SectionClocks.TouchAsync(db, PortalSection.Recipients, organisationId, nowUtc, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return upload;
    }

    public sealed record Hit(string Name, string Inn, string Form, string Kind, decimal Amount, DateOnly DecidedOn, string Organisation);

    /// <summary>The public search: an ИНН (10 or 12 digits) exactly, otherwise a part of the recipient's name.</summary>
    public static async Task<IReadOnlyList<Hit>> SearchAsync(AppDbContext db, string? q, int take, CancellationToken ct)
    {
        q = q?.Trim();
        if (string.IsNullOrEmpty(q)) return [];
        if (q.Length > 200) throw new InputException("q", "search.too_long", "Строка поиска длиннее 200 символов.");
        var query = db.SupportRecipients.AsNoTracking();
        // NameKey is already lower case, so a plain Contains is the case-blind search on both engines (SQLite's lower() knows no Cyrillic).
        var key = q.ToLowerInvariant();
#pragma warning disable CA1862
        query = q.All(char.IsDigit) && q.Length is 10 or 12 ? query.Where(r => r.Inn == q) : query.Where(r => r.NameKey.Contains(key));
#pragma warning restore CA1862
        var rows = await query.OrderByDescending(r => r.DecidedOn).ThenBy(r => r.NameKey).Take(take)
            .Join(db.Organisations, r => r.OrganisationId, o => o.Id, (r, o) => new { r.Name, r.Inn, r.Form, r.Kind, r.AmountKopecks, r.DecidedOn, o.ShortName })
            .ToListAsync(ct);
        return [.. rows.Select(r => new Hit(r.Name, r.Inn, r.Form, r.Kind, r.AmountKopecks / 100m, r.DecidedOn, r.ShortName))];
    }

    static long? ParseAmount(string text)
    {
        var t = text.Replace(" ", "", StringComparison.Ordinal).Replace("\u00a0", "", StringComparison.Ordinal).Replace(',', '.');
        return decimal.TryParse(t, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d) && d > 0 && d < 100_000_000_000m
            && decimal.Round(d, 2) == d ? (long)(d * 100) : null;
    }

    static DateOnly? ParseDate(string text)
    {
        if (DateOnly.TryParseExact(text, ["dd.MM.yyyy", "yyyy-MM-dd", "d.M.yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
        // A date cell of a spreadsheet arrives as its serial number (days since 1899-12-30).
        return double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var serial) && serial is > 20000 and < 80000
            ? DateOnly.FromDateTime(DateTime.FromOADate(serial)) : null;
    }

    static List<string[]> ReadCsv(byte[] bytes)
    {
        var text = new UTF8Encoding(false, true).GetString(bytes).TrimStart('\uFEFF');
        var lines = new List<string[]>();
        var first = text.Split('\n', 2)[0];
        var separator = first.Count(c => c == ';') >= first.Count(c => c == ',') ? ';' : ',';
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"' && cell.Length == 0) quoted = true;
            else if (c == separator) { row.Add(cell.ToString()); cell.Clear(); }
            else if (c == '\n') { row.Add(cell.ToString().TrimEnd('\r')); cell.Clear(); lines.Add([.. row]); row.Clear(); }
            else cell.Append(c);
        }
        if (cell.Length > 0 || row.Count > 0) { row.Add(cell.ToString().TrimEnd('\r')); lines.Add([.. row]); }
        return lines;
    }

    static List<string[]> ReadXlsx(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        using var doc = SpreadsheetDocument.Open(stream, false);
        var book = doc.WorkbookPart ?? throw new InvalidDataException("no workbook");
        var shared = book.SharedStringTablePart?.SharedStringTable.Elements<SharedStringItem>().Select(s => s.InnerText).ToList() ?? [];
        var sheet = book.WorksheetParts.FirstOrDefault() ?? throw new InvalidDataException("no sheet");
        var rows = new List<string[]>();
        foreach (var row in sheet.Worksheet.Descendants<DocumentFormat.OpenXml.Spreadsheet.Row>())
        {
            // Rows left empty are absent from the file: keep the numbering the person sees in their spreadsheet.
            if (row.RowIndex?.Value is { } number) while (rows.Count < number - 1) rows.Add([]);
            var cells = new List<string>();
            foreach (var cell in row.Elements<Cell>())
            {
                var index = ColumnIndex(cell.CellReference?.Value);
                while (index >= 0 && cells.Count < index) cells.Add("");
                var value = cell.CellValue?.Text ?? cell.InlineString?.InnerText ?? "";
                if (cell.DataType?.Value == CellValues.SharedString && int.TryParse(value, out var s) && s < shared.Count) value = shared[s];
                cells.Add(value);
            }
            rows.Add([.. cells]);
        }
        return rows;
    }

    static int ColumnIndex(string? reference)
    {
        if (reference is null) return -1;
        var n = 0;
        foreach (var c in reference.TakeWhile(char.IsLetter)) n = n * 26 + (char.ToUpperInvariant(c) - 'A' + 1);
        return n - 1;
    }
}
