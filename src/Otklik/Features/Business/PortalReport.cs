using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Analytics;

namespace Otklik.Features.Business;

/// <summary>
/// The business portal's fortnightly report (seed 000, issue 23.5), made by <see cref="ReportSchedule"/> as the kind
/// <see cref="ReportKind.BusinessPortal"/>, archived and mailed to its subscription's addresses (the ministry and the
/// curator): page views and visitors per section as the app counted them (<see cref="PortalTraffic"/>, no personal
/// data), the requests through the portal's forms by kind with their timeliness, feedback about the portal, and the
/// sections past their update period.
/// </summary>
public static class PortalReport
{
    public static async Task<IReadOnlyList<ReportBuilder.Line>> LinesAsync(AppDbContext db, DateOnly from, DateOnly to, TimeZoneInfo zone, DateTime nowUtc, CancellationToken ct)
    {
        string N(long n) => n.ToString(CultureInfo.InvariantCulture);
        var lines = new List<ReportBuilder.Line>();
        var traffic = await db.PortalTraffic.AsNoTracking().Where(t => t.Day >= from && t.Day <= to).ToListAsync(ct);
        foreach (var (key, name) in PortalTraffic.Sections)
        {
            var of = traffic.Where(t => t.Section == key).ToList();
            lines.Add(new("Посещаемость: просмотры / посетители", name, $"{N(of.Sum(t => t.Views))} / {N(of.Sum(t => t.Visitors))}"));
        }
        lines.Add(new("Посещаемость: просмотры / посетители", "Всего по разделам", $"{N(traffic.Sum(t => t.Views))} / {N(traffic.Sum(t => t.Visitors))}"));

        var start = TimeZoneInfo.ConvertTimeToUtc(from.ToDateTime(TimeOnly.MinValue), zone);
        var end = TimeZoneInfo.ConvertTimeToUtc(to.AddDays(1).ToDateTime(TimeOnly.MinValue), zone);
        var requests = await db.PortalRequests.AsNoTracking().Where(r => r.CreatedAtUtc >= start && r.CreatedAtUtc < end)
            .Join(db.Appeals, r => r.AppealId, a => a.Id, (r, a) => new { r.Kind, a.AnsweredAtUtc, a.DueAtUtc, a.Rating })
            .ToListAsync(ct);
        foreach (var kind in Enum.GetValues<PortalRequestKind>())
        {
            var of = requests.Where(r => r.Kind == kind).ToList();
            var onTime = of.Count(r => r.AnsweredAtUtc is { } a && a <= r.DueAtUtc);
            var late = of.Count(r => r.AnsweredAtUtc is { } a && a > r.DueAtUtc);
            var overdue = of.Count(r => r.AnsweredAtUtc is null && nowUtc > r.DueAtUtc);
            var open = of.Count(r => r.AnsweredAtUtc is null && nowUtc <= r.DueAtUtc);
            lines.Add(new("Запросы: всего / в срок / с опозданием / просрочены без ответа / в работе", PortalRequest.KindName(kind),
                $"{of.Count} / {onTime} / {late} / {overdue} / {open}"));
        }
        var rated = requests.Where(r => r.Rating is not null).Select(r => (double)r.Rating!.Value).ToList();
        lines.Add(new("Обратная связь", "Отзывов о портале", N(requests.Count(r => r.Kind == PortalRequestKind.Feedback))));
        lines.Add(new("Обратная связь", "Оценок ответов на запросы", N(rated.Count)));
        lines.Add(new("Обратная связь", "Средняя оценка ответов", rated.Count == 0 ? "—" : rated.Average().ToString("0.0", CultureInfo.GetCultureInfo("ru-RU"))));

        var posted = await db.PortalItems.AsNoTracking().Where(i => i.PublishedAtUtc >= start && i.PublishedAtUtc < end && i.IsPublished)
            .GroupBy(i => i.Section).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        foreach (var s in PortalItem.Sections)
            lines.Add(new("Опубликовано за период", SectionClock.Name(s), N(posted.FirstOrDefault(p => p.Key == s)?.Count ?? 0)));
        var stale = await db.SectionClocks.AsNoTracking().Join(db.Organisations, c => c.OrganisationId, o => o.Id, (c, o) => new { c.Section, c.PeriodDays, c.LastUpdatedAtUtc, o.ShortName })
            .ToListAsync(ct);
        foreach (var c in stale.Where(c => nowUtc >= c.LastUpdatedAtUtc.AddDays(c.PeriodDays)).OrderBy(c => c.Section).ThenBy(c => c.ShortName, StringComparer.Ordinal))
            lines.Add(new("Устаревшие разделы", $"{SectionClock.Name(c.Section)} — {c.ShortName}",
                $"обновлён {TimeZoneInfo.ConvertTimeFromUtc(c.LastUpdatedAtUtc, zone):dd.MM.yyyy}, срок — раз в {c.PeriodDays} дн."));
        return lines;
    }
}
