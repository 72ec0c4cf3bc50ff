using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Infrastructure;

namespace Otklik.Features.Surveys;

/// <summary>
/// The raw answers, one questionnaire a row, the paper numbers as column names (11, 12, 21, 22.1 …) so that the table
/// reads like the paper form; a multiple choice's values in one cell joined by "; ". CSV (the project's Excel CSV) or XLSX.
/// </summary>
public static class SurveyExport
{
    public static readonly string[] Fixed = ["Анкета", "Дата", "Версия", "Канал", "Организация", "Муниципальное образование", "Введена с бумаги"];

    public static string ChannelName(SurveyChannel c) => c switch
    {
        SurveyChannel.Portal => "портал",
        SurveyChannel.Letter => "письмо с ответом",
        SurveyChannel.Cabinet => "личный кабинет",
        SurveyChannel.Reception => "стойка приёма (ссылка, QR-код)",
        SurveyChannel.PartnerSite => "сайт партнёра",
        _ => "бумажная анкета",
    };

    public static async Task<(List<string> Header, List<string?[]> Rows)> TableAsync(AppDbContext db, Survey survey, SurveyAnalysis.Filter filter,
        IReadOnlyDictionary<string, string> names, CancellationToken ct)
    {
        // The columns: the current version's paper numbers in paper order, then any a former version had and this one dropped.
        var keys = survey.Versions.Where(v => v.PublishedAtUtc is not null).OrderByDescending(v => v.Number).SelectMany(v => v.Form.Keys).Distinct().ToList();
        var directory = survey.Versions.Where(v => v.PublishedAtUtc is not null).SelectMany(v => v.Form.Questions)
            .Where(q => q.Kind is QuestionKind.Municipality or QuestionKind.Organisation).Select(q => q.Paper).ToHashSet();
        var responses = await SurveyAnalysis.Responses(db, survey.Id, filter).OrderBy(r => r.SubmittedOn).ThenBy(r => r.Id)
            .Select(r => new { r.Id, r.SubmittedOn, r.VersionNumber, r.Channel, r.OrganisationId, r.TerritoryId, r.EnteredByPersonId }).ToListAsync(ct);
        var ids = SurveyAnalysis.Responses(db, survey.Id, filter).Select(r => r.Id);
        var answers = (await db.SurveyAnswers.AsNoTracking().Where(a => a.SurveyId == survey.Id && ids.Contains(a.ResponseId))
            .Select(a => new { a.ResponseId, a.Key, a.Value, a.Id }).ToListAsync(ct)).OrderBy(a => a.Id).GroupBy(a => a.ResponseId).ToDictionary(g => g.Key, g => g.ToList());
        var operators = await db.Users.AsNoTracking().Where(u => responses.Select(r => r.EnteredByPersonId).Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => (u.LastName + " " + u.FirstName).Trim(), ct);
        var header = new List<string>(Fixed);
        header.AddRange(keys);
        var rows = new List<string?[]>();
        var n = 0;
        foreach (var r in responses)
        {
            var row = new string?[header.Count];
            row[0] = (++n).ToString(System.Globalization.CultureInfo.InvariantCulture);
            row[1] = r.SubmittedOn.ToString("dd.MM.yyyy", System.Globalization.CultureInfo.InvariantCulture);
            row[2] = r.VersionNumber.ToString(System.Globalization.CultureInfo.InvariantCulture);
            row[3] = ChannelName(r.Channel);
            row[4] = r.OrganisationId is { } o ? names.GetValueOrDefault(o.ToString()) : null;
            row[5] = r.TerritoryId is { } t ? names.GetValueOrDefault(t.ToString()) : null;
            row[6] = r.EnteredByPersonId is { } p ? operators.GetValueOrDefault(p) ?? "да" : null;
            foreach (var g in answers.GetValueOrDefault(r.Id) ?? [])
            {
                var i = keys.IndexOf(g.Key);
                if (i < 0) continue;
                var value = directory.Contains(g.Key) ? names.GetValueOrDefault(g.Value) ?? g.Value : g.Value;
                row[Fixed.Length + i] = row[Fixed.Length + i] is { } before ? before + "; " + value : value;
            }
            rows.Add(row);
        }
        return (header, rows);
    }

    public static byte[] Csv(List<string> header, List<string?[]> rows) => Infrastructure.Csv.File([header, .. rows]);

    public static byte[] Xlsx(List<string> header, List<string?[]> rows)
    {
        using var memory = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(memory, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            var sheetPart = workbook.AddNewPart<WorksheetPart>();
            using (var writer = OpenXmlWriter.Create(sheetPart))
            {
                writer.WriteStartElement(new Worksheet());
                writer.WriteStartElement(new SheetData());
                foreach (var row in new[] { header.ToArray<string?>() }.Concat(rows))
                {
                    writer.WriteStartElement(new Row());
                    foreach (var cell in row)
                        writer.WriteElement(new Cell { DataType = CellValues.InlineString, InlineString = new InlineString(new Text(cell ?? "")) });
                    writer.WriteEndElement();
                }
                writer.WriteEndElement();
                writer.WriteEndElement();
            }
            workbook.Workbook.AppendChild(new Sheets(new Sheet { Id = workbook.GetIdOfPart(sheetPart), SheetId = 1, Name = "Ответы" }));
            workbook.Workbook.Save();
        }
        return memory.ToArray();
    }
}
