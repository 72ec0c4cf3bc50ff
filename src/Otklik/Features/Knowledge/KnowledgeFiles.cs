using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Infrastructure;

namespace Otklik.Features.Knowledge;

/// <summary>
/// The knowledge base as files, so that the ministries' existing material comes in at once: CSV (";" as Russian Excel
/// writes it) and Markdown (one "## question" section per article). An import is all or nothing: a broken row refuses
/// the whole file, naming the row.
/// </summary>
public static class KnowledgeFiles
{
    static readonly string[] Columns = ["Id", "Вопрос", "Ответ", "Правовое основание", "Ссылки", "Категория", "Тема", "Организация", "Пересмотреть до", "Опубликована"];

    /// <summary>One article as a file holds it: names instead of ids, and the line (or CSV row) it came from.</summary>
    sealed record Row(int Line, string? Id, string? Title, string? Answer, string? LegalBasis, string? Links, string? Category, string? Topic,
        string? Organisation, string? ReviewOn, string? Published, string? Broken = null);

    sealed record Names(Dictionary<Guid, string> Categories, Dictionary<Guid, (string Name, Guid CategoryId)> Topics, Dictionary<Guid, string> Organisations);

    static async Task<Names> NamesAsync(AppDbContext db, CancellationToken ct) => new(
        await db.Categories.AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.Name, ct),
        (await db.Topics.AsNoTracking().Select(t => new { t.Id, t.Name, t.CategoryId }).ToListAsync(ct)).ToDictionary(t => t.Id, t => (t.Name, t.CategoryId)),
        await db.Organisations.AsNoTracking().ToDictionaryAsync(o => o.Id, o => o.Name, ct));

    static async Task<List<Row>> RowsAsync(AppDbContext db, CancellationToken ct)
    {
        var names = await NamesAsync(db, ct);
        return [.. (await db.Articles.AsNoTracking().OrderBy(a => a.Title).ToListAsync(ct)).Select(a => new Row(0, a.Id.ToString(), a.Title, a.Answer,
            a.LegalBasis, a.Links, names.Categories.GetValueOrDefault(a.CategoryId), a.TopicId is { } t ? names.Topics.GetValueOrDefault(t).Name : null,
            names.Organisations.GetValueOrDefault(a.OwnerOrganisationId), a.ReviewOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            a.IsPublished ? "да" : "нет"))];
    }

    /// <summary>The articles as <see cref="Csv"/> writes every export: a title typed as "=HYPERLINK(…)" opens as text.</summary>
    public static async Task<byte[]> CsvAsync(AppDbContext db, CancellationToken ct) =>
        Csv.File([Columns, .. (await RowsAsync(db, ct)).Select(r =>
            new[] { r.Id, r.Title, r.Answer, r.LegalBasis, r.Links, r.Category, r.Topic, r.Organisation, r.ReviewOn, r.Published })]);

    /// <summary>RFC 4180 records (quoted fields may hold delimiters, quotes doubled and line breaks), each with its row number; an unclosed quote is an error of its row.</summary>
    static List<(int Row, List<string> Fields, bool Unclosed)> ReadCsv(string text, char delimiter)
    {
        var records = new List<(int, List<string>, bool)>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var (row, i, quoted) = (1, 0, false);
        while (i < text.Length)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i += 2; continue; }
                if (c == '"') { quoted = false; i++; continue; }
                field.Append(c); i++; continue;
            }
            if (c == '"' && field.Length == 0) { quoted = true; i++; continue; }
            if (c == delimiter) { fields.Add(field.ToString()); field.Clear(); i++; continue; }
            if (c is '\r' or '\n')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                i++;
                fields.Add(field.ToString()); field.Clear();
                if (fields.Count > 1 || fields[0].Length > 0) records.Add((row, fields, false));
                fields = [];
                row++;
                continue;
            }
            field.Append(c); i++;
        }
        if (field.Length > 0 || fields.Count > 0 || quoted)
        {
            fields.Add(field.ToString());
            records.Add((row, fields, quoted));
        }
        return records;
    }

    public static async Task<string> MarkdownAsync(AppDbContext db, CancellationToken ct)
    {
        var sb = new StringBuilder("# База знаний\n");
        foreach (var r in await RowsAsync(db, ct))
        {
            sb.Append("\n## ").Append(OneLine(r.Title)).Append("\n\n");
            foreach (var (key, value) in new[] { ("Id", r.Id), ("Категория", r.Category), ("Тема", r.Topic), ("Организация", r.Organisation),
                         ("Пересмотреть до", r.ReviewOn), ("Опубликована", r.Published) })
                if (!string.IsNullOrEmpty(value)) sb.Append("- ").Append(key).Append(": ").Append(OneLine(value)).Append('\n');
            foreach (var (heading, value) in new[] { ("Ответ", r.Answer), ("Правовое основание", r.LegalBasis), ("Ссылки", r.Links) })
                if (!string.IsNullOrWhiteSpace(value)) sb.Append("\n### ").Append(heading).Append("\n\n").Append(value.Trim()).Append('\n');
        }
        return sb.ToString();
    }

    static string OneLine(string? s) => (s ?? "").Replace('\n', ' ').Replace("\r", "").Trim();

    /// <summary>What an import did; <see cref="Forbidden"/> names the first row outside the editor's scope (then nothing is imported).</summary>
    public sealed record ImportResult(int Created, int Updated, string? Forbidden = null);

    public static async Task<ImportResult> ImportAsync(AppDbContext db, CurrentUser user, string text, bool markdown, DateTime now, CancellationToken ct)
    {
        var rows = markdown ? ParseMarkdown(text) : ParseCsv(text);
        var names = await NamesAsync(db, ct);
        var errors = new List<string>();
        string? forbidden = null;
        var contents = new List<(Row Row, Guid? Id, Article.Content Content)>();
        foreach (var row in rows)
        {
            var problem = await CheckAsync(db, user, names, row, ct);
            if (problem.Forbidden) forbidden ??= $"Строка {row.Line}: {problem.Error} Ничего не импортировано.";
            else if (problem.Error is { } error) errors.Add($"Строка {row.Line}: {error}");
            else contents.Add((row, problem.Id, problem.Content!));
        }
        if (rows.Count == 0) errors.Add("В файле нет ни одной статьи.");
        if (forbidden is not null && errors.Count == 0) return new ImportResult(0, 0, forbidden);
        if (errors.Count > 0)
            throw new InputException(new Dictionary<string, string[]> { ["file"] = [.. errors.Take(20)] }, "knowledge.import_invalid",
                errors[0] + " Ничего не импортировано: исправьте файл и загрузите его снова.", StatusCodes.Status422UnprocessableEntity);

        var name = await KnowledgeBase.NameOfAsync(db, user, ct);
        int created = 0, updated = 0;
        foreach (var (_, id, content) in contents)
        {
            var existing = id is { } known ? await db.Articles.SingleOrDefaultAsync(a => a.Id == known, ct) : null;
            if (existing is null) { db.Articles.Add(Article.Create(content, user.Id, name, now)); created++; }
            else if (existing.Edit(content, user.Id, name, now)) updated++;
        }
        // One SaveChanges: one transaction for the whole file.
        await db.SaveChangesAsync(ct);
        return new ImportResult(created, updated);
    }

    static async Task<(string? Error, Guid? Id, Article.Content? Content, bool Forbidden)> CheckAsync(AppDbContext db, CurrentUser user, Names names, Row r, CancellationToken ct)
    {
        if (r.Broken is { } broken) return (broken, null, null, false);
        if (string.IsNullOrWhiteSpace(r.Title)) return ("не указан вопрос.", null, null, false);
        if (r.Title.Trim().Length > 500) return ("вопрос длиннее 500 символов.", null, null, false);
        if (string.IsNullOrWhiteSpace(r.Answer)) return ("не указан ответ.", null, null, false);
        var category = names.Categories.FirstOrDefault(c => Same(c.Value, r.Category));
        if (category.Value is null) return ($"категории «{r.Category}» нет в справочнике.", null, null, false);
        Guid? topic = null;
        if (!string.IsNullOrWhiteSpace(r.Topic))
        {
            var t = names.Topics.FirstOrDefault(t => t.Value.CategoryId == category.Key && Same(t.Value.Name, r.Topic));
            if (t.Value.Name is null) return ($"темы «{r.Topic}» нет в категории «{category.Value}».", null, null, false);
            topic = t.Key;
        }
        var org = names.Organisations.FirstOrDefault(o => Same(o.Value, r.Organisation));
        if (org.Value is null) return ($"организации «{r.Organisation}» нет в справочнике.", null, null, false);
        if (!DateOnly.TryParseExact(r.ReviewOn?.Trim(), ["yyyy-MM-dd", "dd.MM.yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var reviewOn))
            return ($"дата пересмотра «{r.ReviewOn}» не распознана (нужно ГГГГ-ММ-ДД или ДД.ММ.ГГГГ).", null, null, false);
        bool published;
        switch (r.Published?.Trim().ToLowerInvariant())
        {
            case "да" or "true" or "1": published = true; break;
            case "нет" or "false" or "0" or "" or null: published = false; break;
            default: return ($"«Опубликована»: да или нет, а не «{r.Published}».", null, null, false);
        }
        if (!await KnowledgeBase.MayEditAsync(user, org.Key, ct)) return ($"организация «{org.Value}» вне ваших полномочий.", null, null, true);
        Guid? id = Guid.TryParse(r.Id, out var parsed) ? parsed : null;
        if (id is { } known && await db.Articles.AsNoTracking().Where(a => a.Id == known).Select(a => (Guid?)a.OwnerOrganisationId).SingleOrDefaultAsync(ct) is { } owner
            && !await KnowledgeBase.MayEditAsync(user, owner, ct))
            return ("статья принадлежит организации вне ваших полномочий.", null, null, true);
        return (null, id, new Article.Content(r.Title.Trim(), r.Answer.Trim().Replace("\r\n", "\n"), Blank(r.LegalBasis), Blank(r.Links), category.Key, topic,
            org.Key, reviewOn, published), false);
    }

    static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim().Replace("\r\n", "\n");

    static bool Same(string a, string? b) => b is not null && string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);

    static List<Row> ParseCsv(string text)
    {
        text = text.TrimStart('\uFEFF');
        var firstLine = text.Split('\n', 2)[0];
        var delimiter = firstLine.Contains(';') || !firstLine.Contains(',') ? ';' : ',';
        var records = ReadCsv(text, delimiter);
        var rows = new List<Row>();
        if (records.Count == 0) return rows;
        var header = records[0].Fields.Select(h => h.Trim()).ToList();
        var missing = new[] { "Вопрос", "Ответ", "Категория", "Организация", "Пересмотреть до" }.Where(c => !header.Contains(c, StringComparer.OrdinalIgnoreCase)).ToList();
        if (missing.Count > 0)
            throw new InputException("file", "knowledge.import_invalid", $"Строка 1: нет столбцов {string.Join(", ", missing.Select(m => $"«{m}»"))}. Ничего не импортировано.",
                StatusCodes.Status422UnprocessableEntity);
        foreach (var (row, fields, unclosed) in records.Skip(1))
        {
            // A row whose field count differs from the header is broken (a lost delimiter or quote): it gets no guesses.
            if (unclosed || fields.Count != header.Count)
            {
                rows.Add(new Row(row, null, null, null, null, null, null, null, null, null, null, unclosed
                    ? "не закрыта кавычка."
                    : $"полей {fields.Count} вместо {header.Count} (потерян или лишний разделитель «{delimiter}»)."));
                continue;
            }
            // The apostrophe the export puts before a formula character is taken back, so an exported file imports unchanged.
            string? Field(string name) => header.FindIndex(h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase)) is var k and >= 0 ? Csv.Unneutralise(fields[k]) : null;
            rows.Add(new Row(row, Field("Id"), Field("Вопрос"), Field("Ответ"), Field("Правовое основание"), Field("Ссылки"), Field("Категория"),
                Field("Тема"), Field("Организация"), Field("Пересмотреть до"), Field("Опубликована")));
        }
        return rows;
    }

    static List<Row> ParseMarkdown(string text)
    {
        var rows = new List<Row>();
        var lines = text.TrimStart('\uFEFF').Replace("\r\n", "\n").Split('\n');
        Row? current = null;
        string? section = null;
        var buffer = new StringBuilder();
        void Flush()
        {
            if (current is null || section is null) return;
            var value = buffer.ToString().Trim();
            current = section switch
            {
                "ответ" => current with { Answer = value },
                "правовое основание" => current with { LegalBasis = value },
                "ссылки" => current with { Links = value },
                _ => current,
            };
            buffer.Clear();
        }
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                Flush();
                if (current is not null) rows.Add(current);
                current = new Row(i + 1, null, line[3..].Trim(), null, null, null, null, null, null, null, null);
                section = null;
            }
            else if (current is not null && line.StartsWith("### ", StringComparison.Ordinal))
            {
                Flush();
                section = line[4..].Trim().ToLowerInvariant();
            }
            else if (current is not null && section is null && line.StartsWith("- ", StringComparison.Ordinal) && line.IndexOf(':') is var colon and > 2)
            {
                var (key, value) = (line[2..colon].Trim().ToLowerInvariant(), line[(colon + 1)..].Trim());
                current = key switch
                {
                    "id" => current with { Id = value },
                    "категория" => current with { Category = value },
                    "тема" => current with { Topic = value },
                    "организация" => current with { Organisation = value },
                    "пересмотреть до" => current with { ReviewOn = value },
                    "опубликована" => current with { Published = value },
                    _ => current,
                };
            }
            else if (section is not null) buffer.Append(line).Append('\n');
        }
        Flush();
        if (current is not null) rows.Add(current);
        return rows;
    }
}
