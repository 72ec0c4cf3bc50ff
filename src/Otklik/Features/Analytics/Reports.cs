using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Features.Mail;
using Otklik.Features.Workspace;
using Otklik.Infrastructure;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Otklik.Features.Analytics;

public enum ReportKind
{
    /// <summary>Seed 000: every two weeks — appeals, answers, feedback, portal traffic, over the region.</summary>
    Fortnightly,
    /// <summary>Every month, one organisation's appeals as executor.</summary>
    Organisation,
    /// <summary>Every month, the ССТУ summary: each appeal's result value and its topic's ТОТК code.</summary>
    Sstu,
    /// <summary>Seed 000: every two weeks, the business portal — page views and visitors per section, requests by kind and their timeliness, feedback (Features/Business/PortalReport).</summary>
    BusinessPortal,
}

/// <summary>A report mailed on a schedule to a list of addresses. <see cref="NextRunOn"/> is the first local day it is due.</summary>
public sealed class ReportSubscription
{
    public const int MaxRecipients = 1000;

    public Guid Id { get; set; }
    public ReportKind Kind { get; set; }
    /// <summary>The organisation of a monthly organisation report; none for the region's reports.</summary>
    public Guid? OrganisationId { get; set; }
    /// <summary>Addresses, one per line.</summary>
    public string Recipients { get; set; } = "";
    public DateOnly NextRunOn { get; set; }
    public Guid CreatedById { get; set; }
    public DateTime CreatedAtUtc { get; set; }

    /// <summary>Checks a list of addresses typed by a person: each must look like an address; at least one.</summary>
    public static List<string> ParseRecipients(string? text)
    {
        var list = (text ?? "").Split([',', ';', '\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (list.Count == 0) throw new InputException("recipients", "request.required", "Укажите хотя бы один адрес.");
        if (list.FirstOrDefault(a => !System.Net.Mail.MailAddress.TryCreate(a, out var m) || m.Address != a) is { } bad)
            throw new InputException("recipients", "request.invalid_email", $"«{bad}» — не адрес электронной почты.");
        if (string.Join('\n', list).Length > MaxRecipients) throw new InputException("recipients", "request.too_long", $"Не длиннее {MaxRecipients} знаков.");
        return list;
    }

    /// <summary>The period a run on <paramref name="runOn"/> covers: the 14 days before it, or the calendar month before it.</summary>
    public static (DateOnly From, DateOnly To) PeriodOf(ReportKind kind, DateOnly runOn)
    {
        if (kind is ReportKind.Fortnightly or ReportKind.BusinessPortal) return (runOn.AddDays(-14), runOn.AddDays(-1));
        var firstOfMonth = new DateOnly(runOn.Year, runOn.Month, 1);
        return (firstOfMonth.AddMonths(-1), firstOfMonth.AddDays(-1));
    }

    /// <summary>The next run: two weeks on, or the first day of the next month.</summary>
    public static DateOnly After(ReportKind kind, DateOnly runOn) =>
        kind is ReportKind.Fortnightly or ReportKind.BusinessPortal ? runOn.AddDays(14) : new DateOnly(runOn.Year, runOn.Month, 1).AddMonths(1);
}

/// <summary>A report made (on a schedule or by hand), kept in the archive with its files.</summary>
public sealed class ArchivedReport
{
    public Guid Id { get; set; }
    public ReportKind Kind { get; set; }
    public Guid? OrganisationId { get; set; }
    public DateOnly From { get; set; }
    public DateOnly To { get; set; }
    public string Title { get; set; } = "";
    public DateTime CreatedAtUtc { get; set; }
    public Guid? SubscriptionId { get; set; }
    public string? SentTo { get; set; }
    public byte[] Xlsx { get; set; } = [];
    /// <summary>Empty when no font for Cyrillic was found on the server (the XLSX is then the report).</summary>
    public byte[] Pdf { get; set; } = [];
}

sealed class ReportSubscriptionConfiguration : IEntityTypeConfiguration<ReportSubscription>
{
    public void Configure(EntityTypeBuilder<ReportSubscription> b)
    {
        b.ToTable("ReportSubscriptions");
        b.Property(x => x.Recipients).HasMaxLength(ReportSubscription.MaxRecipients);
        b.HasIndex(x => x.NextRunOn);
    }
}

sealed class ArchivedReportConfiguration : IEntityTypeConfiguration<ArchivedReport>
{
    public void Configure(EntityTypeBuilder<ArchivedReport> b)
    {
        b.ToTable("ArchivedReports");
        b.Property(x => x.Title).HasMaxLength(300);
        b.Property(x => x.SentTo).HasMaxLength(ReportSubscription.MaxRecipients);
        b.HasIndex(x => x.CreatedAtUtc);
    }
}

/// <summary>
/// The reports' content (docs/analytics.md, «Отчёты по расписанию»): rows of (section, figure, value), rendered as XLSX
/// (OpenXml, as the dashboard's export) and as PDF (PDFsharp with DejaVu Sans, as the answer letter).
/// </summary>
public static class ReportBuilder
{
    static readonly CultureInfo Ru = CultureInfo.GetCultureInfo("ru-RU");

    public sealed record Line(string Section, string Name, string Value);

    public static string TitleOf(ReportKind kind, string? organisation, DateOnly from, DateOnly to) => kind switch
    {
        ReportKind.Fortnightly => $"Отчёт за две недели {from:dd.MM.yyyy} — {to:dd.MM.yyyy}",
        ReportKind.Organisation => $"Отчёт организации «{organisation}» за {from:MM.yyyy}",
        ReportKind.BusinessPortal => $"Портал МСБ: отчёт за две недели {from:dd.MM.yyyy} — {to:dd.MM.yyyy}",
        _ => $"Сводка для ССТУ.РФ за {from:MM.yyyy}",
    };

    /// <summary>Makes the report of a period (local dates of the region root's zone), over every appeal of the region or of the organisation.</summary>
    public static async Task<ArchivedReport> MakeAsync(AppDbContext db, ReportKind kind, Guid? organisationId, DateOnly from, DateOnly to, DateTime nowUtc, CancellationToken ct)
    {
        var names = await ListDirectory.LoadAsync(db, ct);
        var rootZone = await db.Organisations.AsNoTracking().Where(o => o.ParentId == null).OrderBy(o => o.Name).Select(o => o.TimeZone).FirstOrDefaultAsync(ct);
        var zone = TimeZones.Find(rootZone ?? "Europe/Moscow");
        var filter = new AnalyticsFilter { From = from, To = to, OrganisationId = organisationId, Granularity = Granularity.Day, Offset = zone.GetUtcOffset(nowUtc) };
        var title = TitleOf(kind, organisationId is { } o ? names.OrganisationName(o) : null, from, to);
        List<string> header;
        List<IReadOnlyList<string>> rows;
        if (kind == ReportKind.BusinessPortal)
        {
            header = ["Раздел", "Показатель", "Значение"];
            rows = [.. (await Business.PortalReport.LinesAsync(db, from, to, zone, nowUtc, ct)).Select(l => (IReadOnlyList<string>)[l.Section, l.Name, l.Value])];
        }
        else if (kind == ReportKind.Sstu)
        {
            header = ["Номер", "Дата поступления", "Тема", "Код ТОТК", "Результат рассмотрения"];
            var topics = await db.Topics.AsNoTracking().ToDictionaryAsync(t => t.Id, t => (t.Name, t.TotkCode), ct);
            var appeals = await filter.Apply(db.Appeals.AsNoTracking()).Where(a => a.Status != AppealStatus.Merged)
                .OrderBy(a => a.ReceivedAtUtc).Select(a => new { a.Number, a.ReceivedAtUtc, a.TopicId, a.Status, a.AnswerResult, a.ExtensionCount }).ToListAsync(ct);
            rows = [.. appeals.Select(a =>
            {
                var topic = a.TopicId is { } t && topics.TryGetValue(t, out var x) ? x : ("—", null);
                return (IReadOnlyList<string>)[a.Number, TimeZoneInfo.ConvertTimeFromUtc(a.ReceivedAtUtc, zone).ToString("dd.MM.yyyy", Ru), topic.Item1, topic.Item2 ?? "не сопоставлена",
                    Labels.Of(Appeal.FederalResultOf(a.Status, a.AnswerResult, a.ExtensionCount))];
            })];
        }
        else
        {
            header = ["Раздел", "Показатель", "Значение"];
            var figures = await Dashboard.ComputeAsync(db, db.Appeals, filter, names, nowUtc, ct);
            var lines = new List<Line>();
            foreach (var f in figures.Figures) lines.Add(new("Обращения и ответы", f.Title, f.Value?.ToString("0.##", CultureInfo.InvariantCulture) ?? "—"));
            foreach (var s in figures.ByChannel) lines.Add(new("По каналам", s.Name, s.Total.ToString(CultureInfo.InvariantCulture)));
            foreach (var s in figures.ByCategory) lines.Add(new("По категориям", s.Name, s.Total.ToString(CultureInfo.InvariantCulture)));
            if (organisationId is null) foreach (var s in figures.ByOrganisation) lines.Add(new("По исполнителям", s.Name, s.Total.ToString(CultureInfo.InvariantCulture)));
            // Feedback: the applicants' ratings and the survey answers of the period.
            foreach (var b in figures.Ratings) lines.Add(new("Обратная связь", b.Label, b.Count.ToString(CultureInfo.InvariantCulture)));
            // Portal traffic: what the platform counts — views of the public appeal pages (once per visitor a day), and
            // the appeals sent through the portal. Page views of other pages are not counted by Otklik.
            var appealsQuery = filter.Apply(db.Appeals.AsNoTracking());
            var views = await appealsQuery.SumAsync(a => (long)a.PublicViews, ct);
            var viaPortal = await appealsQuery.CountAsync(a => a.Channel == Channel.Portal, ct);
            lines.Add(new("Портал", "Поступило через портал", viaPortal.ToString(CultureInfo.InvariantCulture)));
            lines.Add(new("Портал", "Просмотры страниц обращений периода", views.ToString(CultureInfo.InvariantCulture)));
            rows = [.. lines.Select(l => (IReadOnlyList<string>)[l.Section, l.Name, l.Value])];
        }
        var pdf = DejaVuFonts.Available ? Pdf(title, header, rows) : [];
        return new ArchivedReport
        {
            Id = Guid.CreateVersion7(), Kind = kind, OrganisationId = organisationId, From = from, To = to, Title = title, CreatedAtUtc = nowUtc,
            Xlsx = ExportModel.Xlsx(kind == ReportKind.Sstu ? "ССТУ" : "Отчёт", header, rows), Pdf = pdf,
        };
    }

    /// <summary>A plain A4 table: the title, then one line per row, columns spread over the page (landscape for ССТУ's five).</summary>
    public static byte[] Pdf(string title, IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        DejaVuFonts.EnsureRegistered();
        var document = new PdfDocument();
        document.Info.Title = title;
        var options = new XPdfFontOptions(PdfFontEncoding.Unicode, PdfFontEmbedding.TryComputeSubset);
        var regular = new XFont(DejaVuFonts.Family, 8.5, XFontStyleEx.Regular, options);
        var bold = new XFont(DejaVuFonts.Family, 8.5, XFontStyleEx.Bold, options);
        var head = new XFont(DejaVuFonts.Family, 13, XFontStyleEx.Bold, options);
        const double margin = 40;
        PdfPage page = null!;
        XGraphics gfx = null!;
        double y = 0;
        double[] widths = [];
        void NewPage()
        {
            gfx?.Dispose();
            page = document.AddPage();
            page.Size = PdfSharp.PageSize.A4;
            if (header.Count > 3) page.Orientation = PdfSharp.PageOrientation.Landscape;
            gfx = XGraphics.FromPdfPage(page);
            var width = page.Width.Point - 2 * margin;
            widths = header.Count == 3 ? [width * 0.25, width * 0.55, width * 0.2] : [.. header.Select(_ => width / header.Count)];
            y = margin;
        }
        string Fit(string text, XFont font, double width)
        {
            if (gfx.MeasureString(text, font).Width <= width - 4) return text;
            while (text.Length > 1 && gfx.MeasureString(text + "…", font).Width > width - 4) text = text[..^1];
            return text + "…";
        }
        void Row(IReadOnlyList<string> cells, XFont font)
        {
            if (y + font.Height * 1.4 > page.Height.Point - margin) { NewPage(); Row(header, bold); }
            var x = margin;
            for (var i = 0; i < cells.Count && i < widths.Length; i++)
            {
                gfx.DrawString(Fit(cells[i], font, widths[i]), font, XBrushes.Black, new XRect(x, y, widths[i], font.Height), XStringFormats.TopLeft);
                x += widths[i];
            }
            y += font.Height * 1.4;
        }
        NewPage();
        gfx.DrawString(title, head, XBrushes.Black, new XRect(margin, y, page.Width.Point - 2 * margin, head.Height), XStringFormats.TopLeft);
        y += head.Height * 1.8;
        Row(header, bold);
        foreach (var r in rows) Row(r, regular);
        gfx.Dispose();
        using var stream = new MemoryStream();
        document.Save(stream);
        return stream.ToArray();
    }
}

/// <summary>
/// Mails the reports on their schedule: claims the subscriptions due (PostgreSQL: FOR UPDATE SKIP LOCKED, so two nodes
/// never make one twice; SQLite has one writer), makes each report, keeps it in the archive, writes the letter
/// (<c>report.scheduled</c>, the files attached by the composer) and moves the subscription to its next day — all in
/// one transaction per subscription.
/// </summary>
public sealed class ReportSchedule(IServiceScopeFactory scopes, TimeProvider clock, ILogger<ReportSchedule> log)
    : PeriodicSweep(scopes, clock, log, TimeSpan.FromMinutes(10), "Report schedule")
{
    protected override async Task PassAsync(IServiceProvider services, DateTime nowUtc, CancellationToken ct)
    {
        var made = await RunOnceAsync(services.GetRequiredService<AppDbContext>(), nowUtc, ct);
        if (made > 0) Log.LogInformation("Report schedule: {Count} reports mailed", made);
    }

    public static async Task<int> RunOnceAsync(AppDbContext db, DateTime nowUtc, CancellationToken ct)
    {
        var rootZone = await db.Organisations.AsNoTracking().Where(o => o.ParentId == null).OrderBy(o => o.Name).Select(o => o.TimeZone).FirstOrDefaultAsync(ct);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(nowUtc, TimeZones.Find(rootZone ?? "Europe/Moscow")));
        var made = 0;
        for (var guard = 0; guard < 1000; guard++)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            ReportSubscription? due;
            if (db.IsPostgres)
                due = await db.ReportSubscriptions.FromSqlInterpolated($"""
                    SELECT * FROM "ReportSubscriptions" WHERE "NextRunOn" <= {today} ORDER BY "NextRunOn" LIMIT 1 FOR UPDATE SKIP LOCKED
                    """).FirstOrDefaultAsync(ct);
            else
                due = await db.ReportSubscriptions.Where(s => s.NextRunOn <= today).OrderBy(s => s.NextRunOn).FirstOrDefaultAsync(ct);
            if (due is null) break;
            var (from, to) = ReportSubscription.PeriodOf(due.Kind, due.NextRunOn);
            var report = await ReportBuilder.MakeAsync(db, due.Kind, due.OrganisationId, from, to, nowUtc, ct);
            report.SubscriptionId = due.Id;
            report.SentTo = due.Recipients;
            db.ArchivedReports.Add(report);
            db.Outbox.Add(OutboxMessage.Create(MessageTypes.ReportScheduled, new { reportId = report.Id.ToString(), to = due.Recipients.Split('\n') }, null, nowUtc));
            // A subscription long overdue (the service was down) catches up one period per pass, never skipping a period.
            due.NextRunOn = ReportSubscription.After(due.Kind, due.NextRunOn);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            db.ChangeTracker.Clear();
            made++;
        }
        return made;
    }
}
