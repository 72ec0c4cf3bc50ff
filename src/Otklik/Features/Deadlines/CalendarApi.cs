using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Deadlines;

public static class CalendarApi
{
    public static void MapCalendarApi(this IEndpointRouteBuilder routes)
    {
        var calendar = routes.MapGroup("/calendar").WithTags("Calendar");
        calendar.MapGet("/due", Due).AllowAnonymous().Produces<DueView>()
            .WithSummary("Counts a deadline: ?policy=working-days:2&from=2026-03-06T10:00:00+05:00&timeZone=Asia/Yekaterinburg (or organisationId=).");
        calendar.MapGet("", Years).AllowAnonymous().Produces<List<YearView>>().WithSummary("The years of the working-day calendar loaded");
        calendar.MapGet("/{year:int}", Year).AllowAnonymous().Produces<YearDays>().WithSummary("A year of the calendar with its special days");
        calendar.MapPut("/{year:int}", ImportYear).RequireRegionAdministrator().DisableAntiforgery().Produces<YearImported>()
            .WithSummary("Replaces the federal days of a year with an xmlcalendar document (body: application/xml); regional days stay.");
        calendar.MapPut("/regional-days/{date}", SetRegionalDay).RequireRegionAdministrator().Produces<RegionalDaySet>()
            .WithSummary("Adds or changes a regional day (yyyy-MM-dd) and recounts the open appeals' deadlines");
        calendar.MapDelete("/regional-days/{date}", DeleteRegionalDay).RequireRegionAdministrator().Produces(StatusCodes.Status204NoContent)
            .WithSummary("Removes a regional day and recounts the open appeals' deadlines");

        var rules = routes.MapGroup("/deadline-rules").WithTags("Calendar");
        rules.MapGet("", ListRules).AllowAnonymous().Produces<List<DeadlineRuleView>>().WithSummary("The deadline rules, by stage and specificity");
        rules.MapPost("", CreateRule).RequireRegionAdministrator().Produces<DeadlineRuleView>(StatusCodes.Status201Created).WithSummary("Adds a deadline rule");
        rules.MapPut("/{id:guid}", UpdateRule).RequireRegionAdministrator().Produces<DeadlineRuleView>().WithSummary("Changes a deadline rule");
        rules.MapDelete("/{id:guid}", DeleteRule).RequireRegionAdministrator().Produces(StatusCodes.Status204NoContent).WithSummary("Removes a deadline rule");
    }

    // ---- The calculator ----

    public sealed record DueView(string Policy, string TimeZone, DateTimeOffset From, string? DueDate, string? ControlDate, DateTimeOffset? DueAt,
        bool Provisional);

    internal static async Task<IResult> Due(string? policy, string? from, string? timeZone, Guid? organisationId, AppDbContext db, DeadlineClocks clocks, CancellationToken ct)
    {
        var e = new InputErrors();
        DeadlinePolicy? parsed = null;
        if (string.IsNullOrWhiteSpace(policy)) e.Add("policy", "field.required", "Укажите политику срока, например working-days:2.");
        else if (!DeadlinePolicy.TryParse(policy, out parsed, out var error)) e.Add("policy", "deadline.policy", error!);
        DateTimeOffset start = default;
        if (string.IsNullOrWhiteSpace(from)) e.Add("from", "field.required", "Укажите момент начала отсчёта (ISO 8601 со смещением).");
        else if (!DateTimeOffset.TryParseExact(from.Trim(), ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"],
                     CultureInfo.InvariantCulture, DateTimeStyles.None, out start) || !HasOffset(from))
            e.Add("from", "deadline.from", $"Момент «{from}» должен быть в формате ISO 8601 со смещением, например 2026-03-06T10:00:00+05:00.");
        else if (start.Year is < MinYear or > MaxYear)
            e.Add("from", "deadline.from_range", $"Момент начала отсчёта должен лежать между {MinYear} и {MaxYear} годами.");
        Organisation? org = null;
        if (organisationId is { } orgId)
        {
            org = await db.Organisations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == orgId, ct);
            if (org is null) e.Add("organisationId", "directory.unknown_organisation", "Такой организации нет в справочнике.");
        }
        else if (string.IsNullOrWhiteSpace(timeZone)) e.Add("timeZone", "field.required", "Укажите часовой пояс (например Asia/Yekaterinburg) или organisationId.");
        else if (!TimeZones.IsValid(timeZone)) e.Add("timeZone", "organisation.time_zone", $"Неизвестный часовой пояс «{timeZone}».");
        e.ThrowIfAny();

        var (calendar, rules) = await clocks.LoadAsync(ct);
        var clock = org is not null ? DeadlineClocks.For(calendar, rules, org)
            : new DeadlineClock(calendar, rules, TimeZones.Find(timeZone!), WorkingHours.Default);
        Due due;
        try { due = parsed!.Compute(start, clock.Zone, clock.Hours, calendar); }
        catch (CalendarMissingException missing)
        {
            throw new InputException("from", "calendar.missing_year", missing.Message + " Загрузите его в формате xmlcalendar.");
        }
        var provisional = calendar.IsProvisional(start.Year) || (due.DueDate ?? DateOnly.FromDateTime(due.DueAt!.Value.DateTime)) is var d && calendar.IsProvisional(d.Year);
        return TypedResults.Ok(new DueView(parsed.ToString(), clock.Zone.Id, start, due.DueDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            due.ControlDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), due.DueAt, provisional));
    }

    /// <summary>
    /// The years a deadline may start in: a term counted from 9999 would run past the last date .NET can hold (a 500,
    /// not an answer), and no production calendar exists for years this far from today anyway.
    /// </summary>
    const int MinYear = 1990, MaxYear = 2200;

    static bool HasOffset(string text)
    {
        var t = text.Trim();
        return t.EndsWith('Z') || t.Length > 6 && (t[^6] is '+' or '-') && t[^3] == ':';
    }

    // ---- The calendar itself ----

    public sealed record YearView(int Year, bool IsProvisional, string Source, int WorkingDays, DateTime UpdatedAtUtc);
    public sealed record DayView(DateOnly Date, DayKind Kind, string? Note, bool IsRegional);
    public sealed record YearDays(int Year, bool IsProvisional, string Source, List<DayView> Days);
    public sealed record YearImported(int Year, int Days, int RecomputedAppeals);
    public sealed record RegionalDaySet(DayView Day, int RecomputedAppeals);

    static async Task<IResult> Years(AppDbContext db, DeadlineClocks clocks, CancellationToken ct)
    {
        var (calendar, _) = await clocks.LoadAsync(ct);
        var years = await db.CalendarYears.AsNoTracking().OrderBy(y => y.Year).ToListAsync(ct);
        return TypedResults.Ok(years.Select(y => new YearView(y.Year, y.IsProvisional, y.Source, calendar.Covers(y.Year) ? calendar.WorkingDaysIn(y.Year) : 0, y.UpdatedAtUtc)));
    }

    static async Task<IResult> Year(int year, AppDbContext db, CancellationToken ct)
    {
        var info = await db.CalendarYears.AsNoTracking().SingleOrDefaultAsync(y => y.Year == year, ct);
        if (info is null)
            return TypedResults.Problem(title: "Не найдено", detail: $"Производственный календарь на {year} год не загружен.", statusCode: 404,
                extensions: new Dictionary<string, object?> { ["code"] = "calendar.missing_year" });
        var start = new DateOnly(year, 1, 1);
        var end = new DateOnly(year, 12, 31);
        var days = await db.CalendarDays.AsNoTracking().Where(d => d.Date >= start && d.Date <= end).OrderBy(d => d.Date)
            .Select(d => new DayView(d.Date, d.Kind, d.Note, d.IsRegional)).ToListAsync(ct);
        return TypedResults.Ok(new YearDays(info.Year, info.IsProvisional, info.Source, days));
    }

    static async Task<IResult> ImportYear(int year, HttpRequest request, AppDbContext db, DeadlineClocks clocks, TimeProvider clock, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body);
        var xml = await reader.ReadToEndAsync(ct);
        (int Year, IReadOnlyList<CalendarEntry> Entries) parsed;
        try { parsed = XmlCalendar.Parse(xml); }
        catch (FormatException e) { throw new InputException("body", "calendar.xml", e.Message, 422); }
        if (parsed.Year != year)
            throw new InputException("year", "calendar.year_mismatch", $"Документ описывает {parsed.Year} год, а загружается {year}.", 422);

        var now = clock.GetUtcNow().UtcDateTime;
        var first = new DateOnly(year, 1, 1);
        var last = new DateOnly(year, 12, 31);
        int recomputed;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await db.CalendarDays.Where(d => d.Date >= first && d.Date <= last && !d.IsRegional).ExecuteDeleteAsync(ct);
            var regional = await db.CalendarDays.Where(d => d.Date >= first && d.Date <= last && d.IsRegional).Select(d => d.Date).ToListAsync(ct);
            db.CalendarDays.AddRange(parsed.Entries.Where(e => !regional.Contains(e.Date))
                .Select(e => new CalendarDay { Date = e.Date, Kind = e.Kind, Note = e.Note }));
            var info = await db.CalendarYears.SingleOrDefaultAsync(y => y.Year == year, ct);
            if (info is null) db.CalendarYears.Add(info = new CalendarYear { Year = year });
            (info.IsProvisional, info.Source, info.UpdatedAtUtc) = (false, "xmlcalendar", now);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        clocks.Invalidate();
        recomputed = await RecomputeOpenAppealsAsync(db, clocks, now, ct);
        return TypedResults.Ok(new YearImported(year, parsed.Entries.Count, recomputed));
    }

    public sealed record RegionalDayRequest(DayKind? Kind, string? Note);

    internal static async Task<IResult> SetRegionalDay(string date, RegionalDayRequest r, AppDbContext db, DeadlineClocks clocks, TimeProvider clock, CancellationToken ct)
    {
        var day = ParseDate(date);
        var e = new InputErrors();
        if (r.Kind is null) e.Add("kind", "field.required", "Укажите вид дня: holiday, dayOff, working или shortened.");
        if (string.IsNullOrWhiteSpace(r.Note)) e.Add("note", "field.required", "Укажите, что это за день (например «День республики»).");
        Intake.SubmitRules.CheckOptional(e, "note", r.Note, 300);
        if (!await db.CalendarYears.AnyAsync(y => y.Year == day.Year, ct))
            e.Add("date", "calendar.missing_year", $"Производственный календарь на {day.Year} год не загружен.");
        e.ThrowIfAny(422);
        var existing = await db.CalendarDays.SingleOrDefaultAsync(d => d.Date == day, ct);
        // One row per date: a regional day written over a federal one would lose it for good once deleted.
        if (existing is { IsRegional: false })
            throw new RuleException("calendar.federal_day",
                $"{day:dd.MM.yyyy} уже особый день федерального календаря ({existing.Note ?? existing.Kind.ToString()}); региональный день на эту дату не добавляется.");
        if (existing is null) db.CalendarDays.Add(existing = new CalendarDay { Date = day });
        (existing.Kind, existing.Note, existing.IsRegional) = (r.Kind!.Value, r.Note!.Trim(), true);
        await db.SaveChangesAsync(ct);
        clocks.Invalidate();
        var recomputed = await RecomputeOpenAppealsAsync(db, clocks, clock.GetUtcNow().UtcDateTime, ct);
        return TypedResults.Ok(new RegionalDaySet(new DayView(existing.Date, existing.Kind, existing.Note, true), recomputed));
    }

    internal static async Task<IResult> DeleteRegionalDay(string date, AppDbContext db, DeadlineClocks clocks, TimeProvider clock, CancellationToken ct)
    {
        var day = ParseDate(date);
        var deleted = await db.CalendarDays.Where(d => d.Date == day && d.IsRegional).ExecuteDeleteAsync(ct);
        if (deleted == 0)
            return TypedResults.Problem(title: "Не найдено", detail: "Такого регионального дня нет.", statusCode: 404,
                extensions: new Dictionary<string, object?> { ["code"] = "not_found" });
        clocks.Invalidate();
        await RecomputeOpenAppealsAsync(db, clocks, clock.GetUtcNow().UtcDateTime, ct);
        return TypedResults.NoContent();
    }

    static DateOnly ParseDate(string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d
            : throw new InputException("date", "calendar.date", $"Дата «{text}» должна быть в виде ГГГГ-ММ-ДД.");

    /// <summary>After the calendar or the policies change, every open appeal's deadlines are counted again.</summary>
    /// <param name="changedOnly">Return how many appeals' deadlines changed, rather than how many were counted.</param>
    public static async Task<int> RecomputeOpenAppealsAsync(AppDbContext db, DeadlineClocks clocks, DateTime nowUtc, CancellationToken ct, bool changedOnly = false)
    {
        var (calendar, rules) = await clocks.LoadAsync(ct);
        var organisations = await db.Organisations.AsNoTracking().ToDictionaryAsync(o => o.Id, ct);
        var closed = Appeal.Terminal;
        var count = 0;
        DateTime after = DateTime.MinValue;
        var lastNumber = "";
        while (true)
        {
            var batch = await db.Appeals.Where(a => !closed.Contains(a.Status))
                .Where(a => a.ReceivedAtUtc > after || (a.ReceivedAtUtc == after && string.Compare(a.Number, lastNumber) > 0))
                .OrderBy(a => a.ReceivedAtUtc).ThenBy(a => a.Number).Take(500).ToListAsync(ct);
            if (batch.Count == 0) break;
            foreach (var a in batch)
            {
                try { a.ApplyDeadlines(DeadlineClocks.For(calendar, rules, organisations.GetValueOrDefault(a.ExecutorOrganisationId ?? a.OwnerOrganisationId)), nowUtc); }
                catch (CalendarMissingException) { /* a deadline in a year with no calendar keeps its last value */ }
            }
            var changed = db.ChangeTracker.Entries<Appeal>().Count(e => e.State == EntityState.Modified);
            await db.SaveChangesAsync(ct);
            count += changedOnly ? changed : batch.Count;
            (after, lastNumber) = (batch[^1].ReceivedAtUtc, batch[^1].Number);
            db.ChangeTracker.Clear();
        }
        return count;
    }

    // ---- Policies ----

    public sealed record DeadlineRuleView(Guid Id, DeadlineStage Stage, LegalRegime? Regime, AppealKind? Kind, Guid? TopicId, bool? HighImportance, string Policy, string? Note);
    public sealed record DeadlineRuleRequest(DeadlineStage? Stage, LegalRegime? Regime, AppealKind? Kind, Guid? TopicId, bool? HighImportance, string? Policy, string? Note);

    static DeadlineRuleView View(DeadlineRule r) => new(r.Id, r.Stage, r.Regime, r.Kind, r.TopicId, r.HighImportance, r.Policy, r.Note);

    static async Task<IResult> ListRules(AppDbContext db, CancellationToken ct) =>
        TypedResults.Ok((await db.DeadlineRules.AsNoTracking().ToListAsync(ct)).OrderBy(r => r.Stage).ThenBy(r => r.Specificity).Select(View));

    internal static async Task<IResult> CreateRule(DeadlineRuleRequest r, AppDbContext db, DeadlineClocks clocks, TimeProvider clock, CancellationToken ct)
    {
        var rule = new DeadlineRule { Id = Guid.CreateVersion7() };
        await ApplyAsync(rule, r, db, ct);
        db.DeadlineRules.Add(rule);
        await db.SaveChangesAsync(ct);
        clocks.Invalidate();
        await RecomputeOpenAppealsAsync(db, clocks, clock.GetUtcNow().UtcDateTime, ct);
        return TypedResults.Created($"/api/v1/deadline-rules/{rule.Id}", View(rule));
    }

    internal static async Task<IResult> UpdateRule(Guid id, DeadlineRuleRequest r, AppDbContext db, DeadlineClocks clocks, TimeProvider clock, CancellationToken ct)
    {
        var rule = await db.DeadlineRules.SingleOrDefaultAsync(x => x.Id == id, ct);
        if (rule is null)
            return TypedResults.Problem(title: "Не найдено", detail: "Правило не найдено.", statusCode: 404, extensions: new Dictionary<string, object?> { ["code"] = "not_found" });
        await ApplyAsync(rule, r, db, ct);
        await db.SaveChangesAsync(ct);
        clocks.Invalidate();
        await RecomputeOpenAppealsAsync(db, clocks, clock.GetUtcNow().UtcDateTime, ct);
        return TypedResults.Ok(View(rule));
    }

    internal static async Task<IResult> DeleteRule(Guid id, AppDbContext db, DeadlineClocks clocks, TimeProvider clock, CancellationToken ct)
    {
        if (await db.DeadlineRules.Where(x => x.Id == id).ExecuteDeleteAsync(ct) == 0)
            return TypedResults.Problem(title: "Не найдено", detail: "Правило не найдено.", statusCode: 404, extensions: new Dictionary<string, object?> { ["code"] = "not_found" });
        clocks.Invalidate();
        await RecomputeOpenAppealsAsync(db, clocks, clock.GetUtcNow().UtcDateTime, ct);
        return TypedResults.NoContent();
    }

    static async Task ApplyAsync(DeadlineRule rule, DeadlineRuleRequest r, AppDbContext db, CancellationToken ct)
    {
        var e = new InputErrors();
        if (r.Stage is null) e.Add("stage", "field.required", "Укажите этап.");
        if (string.IsNullOrWhiteSpace(r.Policy)) e.Add("policy", "field.required", "Укажите политику срока.");
        else if (!DeadlinePolicy.TryParse(r.Policy, out _, out var error)) e.Add("policy", "deadline.policy", error!);
        if (r.TopicId is { } topic && !await db.Topics.AnyAsync(t => t.Id == topic, ct)) e.Add("topicId", "catalogue.unknown_topic", "Такой темы нет.");
        Intake.SubmitRules.CheckOptional(e, "note", r.Note, 300);
        if (!e.Any && await db.DeadlineRules.AnyAsync(x => x.Id != rule.Id && x.Stage == r.Stage && x.Regime == r.Regime && x.Kind == r.Kind
                && x.TopicId == r.TopicId && x.HighImportance == r.HighImportance, ct))
            e.Add("stage", "deadline.duplicate_rule", "Правило с такими условиями уже есть: измените его.");
        e.ThrowIfAny(422);
        (rule.Stage, rule.Regime, rule.Kind, rule.TopicId, rule.HighImportance, rule.Policy, rule.Note) =
            (r.Stage!.Value, r.Regime, r.Kind, r.TopicId, r.HighImportance, DeadlinePolicy.Parse(r.Policy!).ToString(), r.Note?.Trim());
    }
}
