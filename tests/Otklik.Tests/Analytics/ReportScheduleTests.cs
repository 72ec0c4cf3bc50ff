using System.Net;
using System.Text.RegularExpressions;
using DocumentFormat.OpenXml.Packaging;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using Otklik.Features.Analytics;
using Otklik.Features.Appeals;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Workspace;

namespace Otklik.Tests.Analytics;

/// <summary>Reports on a schedule: mailings set on the page, made by the job once per period, mailed with XLSX and PDF, kept in the archive.</summary>
public sealed class ReportScheduleTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Scheduled_reports_are_mailed_with_xlsx_and_pdf_once_per_period_and_kept_in_the_archive(Engine engine)
    {
        MailBox.RequireSink();
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        await app.WithDbAsync(db => db.Topics.Where(t => t.Id == r.PotholeTopic).ExecuteUpdateAsync(s => s.SetProperty(t => t.TotkCode, "0005.0005.0056")));
        var inA = await app.AppealInAsync(AppealStatus.InWork, Samples.Pothole(r, TestRegion.InsideA, "Яма у дома 1 по улице Ленина, колесо пробито."));
        var inB = await app.AppealInAsync(AppealStatus.InWork, Samples.Pothole(r, TestRegion.InsideB, "Яма у дома 3 по улице Мира, глубокая."));

        var analyst = await Office.SignInAsync(app, Persona.CentreAnalyst);
        var to = MailBox.NewAddress("reports");
        // A wrong address is refused by its field, and nothing is kept.
        var refused = await PostAsync(analyst, "/office/analytics/reports", new() { ["kind"] = "Sstu", ["recipients"] = "не-адрес", ["firstRunOn"] = "2026-12-01" });
        Assert.Contains("id=\"recipients-error\" class=\"field-error\">«не-адрес» — не адрес электронной почты.", await refused.Content.ReadAsStringAsync());
        Assert.Equal(0, await app.WithDbAsync(db => db.ReportSubscriptions.CountAsync()));
        foreach (var (kind, org) in new[] { ("Sstu", ""), ("Fortnightly", ""), ("Organisation", r.MunA.ToString()) })
            Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(analyst, "/office/analytics/reports", new()
            {
                ["kind"] = kind, ["organisationId"] = org, ["recipients"] = to, ["firstRunOn"] = "2026-12-01",
            })).StatusCode);

        // Not yet due on 23.11; on 01.12 each is made once, and not again the same day.
        Assert.Equal(0, await app.WithDbAsync(db => ReportSchedule.RunOnceAsync(db, app.Clock.GetUtcNow().UtcDateTime, default)));
        app.Clock.Advance(TimeSpan.FromDays(8));
        Assert.Equal(3, await app.WithDbAsync(db => ReportSchedule.RunOnceAsync(db, app.Clock.GetUtcNow().UtcDateTime, default)));
        Assert.Equal(0, await app.WithDbAsync(db => ReportSchedule.RunOnceAsync(db, app.Clock.GetUtcNow().UtcDateTime, default)));
        Assert.Equal([new DateOnly(2026, 12, 15), new DateOnly(2027, 1, 1), new DateOnly(2027, 1, 1)],
            await app.WithDbAsync(db => db.ReportSubscriptions.OrderBy(s => s.NextRunOn).Select(s => s.NextRunOn).ToListAsync()));
        await app.DispatchMailAsync();

        // The ССТУ summary: every appeal of November with its topic's ТОТК code and its result value, in both files.
        var sstu = await app.Mail.WaitForAsync(to, m => m.Subject == "Сводка для ССТУ.РФ за 11.2026");
        var files = sstu.Attachments.OfType<MimePart>().ToList();
        Assert.Equal(["otchet-sstu-2026-11-01-2026-11-30.xlsx", "otchet-sstu-2026-11-01-2026-11-30.pdf"], files.Select(f => f.FileName));
        var cells = XlsxText(Bytes(files[0]));
        Assert.Contains($"{inA.Number}|23.11.2026|{TopicName(cells)}|0005.0005.0056|Находится на рассмотрении", cells);
        Assert.Contains(cells, c => c.StartsWith(inB.Number + "|", StringComparison.Ordinal));
        using (var pdf = UglyToad.PdfPig.PdfDocument.Open(Bytes(files[1])))
        {
            var text = string.Join("\n", pdf.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))));
            Assert.Contains("Сводка для ССТУ.РФ за 11.2026", text);
            Assert.Contains(inA.Number, text);
            Assert.Contains("0005.0005.0056", text);
        }

        // The fortnightly report: appeals, answers, feedback and the portal.
        var fortnight = await app.Mail.WaitForAsync(to, m => m.Subject == "Отчёт за две недели 17.11.2026 — 30.11.2026");
        var rows = XlsxText(Bytes(fortnight.Attachments.OfType<MimePart>().First()));
        Assert.Contains("Обращения и ответы|Поступило|2", rows);
        Assert.Contains("Портал|Поступило через портал|2", rows);
        Assert.Contains(rows, x => x.StartsWith("Обратная связь|", StringComparison.Ordinal));
        // The organisation's report counts only its own appeals.
        var own = await app.Mail.WaitForAsync(to, m => m.Subject?.StartsWith("Отчёт организации", StringComparison.Ordinal) == true);
        Assert.Contains("Обращения и ответы|Поступило|1", XlsxText(Bytes(own.Attachments.OfType<MimePart>().First())));

        // The archive keeps all three, with their files; city B's head sees none of them (the region's, or city A's).
        var archive = await analyst.HtmlAsync("/office/analytics/reports");
        Assert.Contains("Сводка для ССТУ.РФ за 11.2026", archive);
        var id = await app.WithDbAsync(db => db.ArchivedReports.Where(x => x.Kind == ReportKind.Sstu).Select(x => x.Id).SingleAsync());
        var xlsx = await analyst.GetAsync($"/office/analytics/reports?handler=file&id={id}&format=xlsx");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        var headB = await Office.SignInAsync(app, Persona.MunBController);
        var theirs = await headB.HtmlAsync("/office/analytics/reports");
        Assert.Contains("Отчётов пока нет", theirs);
        Assert.DoesNotContain("Сводка для ССТУ.РФ за 11.2026", theirs);
        Assert.DoesNotContain("Отчёт организации", theirs);
        Assert.Equal(HttpStatusCode.NotFound, (await headB.GetAsync($"/office/analytics/reports?handler=file&id={id}&format=xlsx")).StatusCode);
    }

    static string TopicName(List<string> cells) => cells.First(c => c.Contains("|0005.0005.0056|", StringComparison.Ordinal)).Split('|')[2];

    static byte[] Bytes(MimePart part)
    {
        using var s = new MemoryStream();
        part.Content!.DecodeTo(s);
        return s.ToArray();
    }

    /// <summary>Each row of the first sheet as its cells' text joined by «|».</summary>
    static List<string> XlsxText(byte[] bytes)
    {
        using var doc = SpreadsheetDocument.Open(new MemoryStream(bytes), false);
        var sheet = doc.WorkbookPart!.WorksheetParts.First().Worksheet;
        return [.. sheet.Descendants<DocumentFormat.OpenXml.Spreadsheet.Row>().Select(row => string.Join("|", row.Elements<DocumentFormat.OpenXml.Spreadsheet.Cell>()
            .Select(c => c.InlineString?.InnerText ?? c.CellValue?.Text ?? "")))];
    }

    static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, Dictionary<string, string> fields)
    {
        var html = await client.HtmlAsync(url);
        var token = Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEqual("", token);
        return await client.PostAsync(url, new FormUrlEncodedContent([.. fields, new("__RequestVerificationToken", token)]));
    }
}
