using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Workspace;

namespace Otklik.Features.Analytics;

/// <summary>
/// The weights of the executors' ranking (<c>Otklik:Analytics:Ranking:*</c>, overridable on the page to try another
/// weighting). Volume is shown beside the score but does not raise it: more appeals is not better work.
/// </summary>
public sealed record RankingWeights(double OnTime = 40, double Substance = 20, double Rework = 15, double Reopened = 10, double Satisfaction = 15, double Review = 10)
{
    public static RankingWeights From(IConfiguration config)
    {
        var d = new RankingWeights();
        double W(string name, double fallback) => config.GetValue<double?>($"Otklik:Analytics:Ranking:{name}") ?? fallback;
        return new RankingWeights(W("OnTime", d.OnTime), W("Substance", d.Substance), W("Rework", d.Rework), W("Reopened", d.Reopened), W("Satisfaction", d.Satisfaction),
            W("Review", d.Review));
    }

    /// <summary>The page's "try another weighting": each w_* value in the address replaces the configured one (0–100).</summary>
    public RankingWeights With(IQueryCollection q)
    {
        double W(string name, double current)
        {
            var raw = q[name].ToString();
            if (raw.Length == 0) return current;
            return double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v is >= 0 and <= 100 ? v
                : throw new Infrastructure.InputException(name, "analytics.weight", "Вес — число от 0 до 100.");
        }
        return new RankingWeights(W("wOnTime", OnTime), W("wSubstance", Substance), W("wRework", Rework), W("wReopened", Reopened), W("wSatisfaction", Satisfaction),
            W("wReview", Review));
    }
}

/// <summary>
/// Where a survey's satisfaction index per organisation comes in (issue 22): when a source gives one for an
/// organisation and period, it replaces the share of 4–5 ratings as the satisfaction component (Surveys.SurveySatisfactionSource).
/// </summary>
public interface ISatisfactionSource
{
    Task<IReadOnlyDictionary<Guid, double>> IndexAsync(DateTime fromUtc, DateTime toUtc, CancellationToken ct);
}

/// <summary>One executor's components over a period (shares 0–1, null when there is nothing to divide).</summary>
public sealed record RankingRow(
    string Key, string Name, int Volume, int Answered, int AnsweredOnTime, double? OnTimeShare, int OverdueNow, int LateCount, double? AverageDaysLate,
    int Substance, double? SubstanceShare, int EverAnswered, int Returned, double? ReturnedShare, int Reopened, double? ReopenedShare,
    int Rated, double? AverageRating, double? PositiveShare, double? SurveyIndex, int Reviewed, double? ReviewScore, double? Score, int? Place,
    double? PreviousScore, int? PreviousPlace, string Link, string LateLink, string ReopenedLink)
{
    public double? Change => Score is { } s && PreviousScore is { } p ? Math.Round(s - p, 1) : null;
}

/// <summary>The ranking and the region's indicators of the federal ranking's first block, for one period and the one before.</summary>
public sealed record RankingView(DateTime AtUtc, string Period, string PreviousPeriod, string By, RankingWeights Weights,
    IReadOnlyList<RankingRow> Rows, IReadOnlyList<FederalIndicator> Federal);

public sealed record FederalIndicator(string Group, string Title, string Value, string? Formula);

/// <summary>
/// The ranking of executors (docs/analytics.md). For each executor organisation (or, by person, each assignee) over the
/// appeals received in the period:
/// score = 100 × Σ wᵢ·cᵢ / Σ wᵢ over the components that have data, where
/// c(on time) = answered by the deadline ÷ (answered + open overdue), <see cref="OnTimeShare"/>; c(substance) = answered on the merits (explained, supported, measures
/// taken, not supported) ÷ answered; c(rework) = 1 − appeals returned for rework at least once ÷ appeals answered at least
/// once; c(reopened) = 1 − reopened after a low rating ÷ answered at least once; c(satisfaction) = the survey's index when
/// there is one, else ratings 4–5 ÷ rated; c(review) = the mean score of the sample reviews of these appeals (ADR 0036).
/// Places by score, ties by volume; an executor with neither an answer nor an overdue appeal has no score.
/// </summary>
public static class Ranking
{
    static readonly FederalResult[] OnMerits = [FederalResult.Explained, FederalResult.Supported, FederalResult.SupportedMeasuresTaken, FederalResult.NotSupported];

    /// <summary>One executor's counts in one of the two periods, summed by the database.</summary>
    sealed record Counts(Guid? Key, bool Current, int Volume, int Answered, int OnTime, int Substance, int Ever, int Reopened, int Rated, int Positive,
        int RatingSum, int OverdueOpen, int Registered, int RegisteredIn3Days);

    /// <summary>What the ranking reads for a period and the one before it, in one pass each: the counts, the late ones' days, returns, reviews.</summary>
    sealed record Read(List<Counts> Counts, ILookup<(Guid Key, bool Current), double> LateDays, ILookup<(Guid Key, bool Current), int> Returned,
        ILookup<(Guid Key, bool Current), double> Reviews);

    public static async Task<RankingView> ComputeAsync(AppDbContext db, IQueryable<Appeal> visible, AnalyticsFilter f, bool byPerson, RankingWeights w,
        ListDirectory names, ISatisfactionSource? surveys, DateTime nowUtc, CancellationToken ct)
    {
        var length = f.To.DayNumber - f.From.DayNumber + 1;
        var previous = f with { From = f.From.AddDays(-length), To = f.From.AddDays(-1) };
        // Both periods in one pass over their appeals, split by the day the current one starts (a year's ranking at a
        // million appeals read every row of both years into memory three times before: 7 s; ADR 0048's rule, counts in SQL).
        var read = await ReadAsync(db, visible, f with { From = previous.From }, f.FromUtc, byPerson, nowUtc, ct);
        var current = await RowsAsync(db, read, true, f, byPerson, w, names, surveys, nowUtc, ct);
        var before = await RowsAsync(db, read, false, previous, byPerson, w, names, surveys, nowUtc, ct);
        var rows = current.Select(r => before.FirstOrDefault(b => b.Key == r.Key) is { } b ? r with { PreviousScore = b.Score, PreviousPlace = b.Place } : r).ToList();
        var federalCounts = byPerson ? (await ReadCountsAsync(f.Apply(visible.AsNoTracking()), f.FromUtc, false, nowUtc, ct)) : read.Counts;
        var federal = await FederalAsync(db, federalCounts.Where(c => c.Current).ToList(), current, ct);
        return new RankingView(nowUtc, $"{f.From:dd.MM.yyyy} — {f.To:dd.MM.yyyy}", $"{previous.From:dd.MM.yyyy} — {previous.To:dd.MM.yyyy}",
            byPerson ? "person" : "organisation", w, rows, federal);
    }

    static Task<List<Counts>> ReadCountsAsync(IQueryable<Appeal> appeals, DateTime currentFromUtc, bool byPerson, DateTime nowUtc, CancellationToken ct)
    {
        var (sent, closed) = (AppealStatus.AnswerSent, AppealStatus.Closed);
        var finished = DeadlineStates.Finished;
        var (m1, m2, m3, m4) = (OnMerits[0], OnMerits[1], OnMerits[2], OnMerits[3]);
        var grouped = byPerson
            ? appeals.Where(a => a.ExecutorOrganisationId != null).GroupBy(a => new { Key = a.AssigneeId, Current = a.ReceivedAtUtc >= currentFromUtc })
            : appeals.GroupBy(a => new { Key = a.ExecutorOrganisationId, Current = a.ReceivedAtUtc >= currentFromUtc });
        return grouped.Select(g => new Counts(g.Key.Key, g.Key.Current,
            g.Count(),
            g.Count(a => a.AnsweredAtUtc != null && (a.Status == sent || a.Status == closed)),
            g.Count(a => a.AnsweredAtUtc != null && (a.Status == sent || a.Status == closed) && a.AnswerDueAtUtc != null && a.AnsweredAtUtc <= a.AnswerDueAtUtc),
            g.Count(a => a.AnsweredAtUtc != null && (a.Status == sent || a.Status == closed)
                && (a.AnswerResult == m1 || a.AnswerResult == m2 || a.AnswerResult == m3 || a.AnswerResult == m4)),
            g.Count(a => a.AnsweredAtUtc != null || a.ReconsiderationCount > 0),
            g.Count(a => a.ReconsiderationCount > 0),
            g.Count(a => a.Rating != null),
            g.Count(a => a.Rating >= 4),
            g.Sum(a => a.Rating ?? 0),
            g.Count(a => !finished.Contains(a.Status) && a.PausedAtUtc == null && a.DueAtUtc < nowUtc),
            g.Count(a => a.RegisteredAtUtc != null),
            g.Count(a => a.RegisteredAtUtc != null && a.RegisteredAtUtc <= a.ReceivedAtUtc.AddDays(3)))).ToListAsync(ct);
    }

    static async Task<Read> ReadAsync(AppDbContext db, IQueryable<Appeal> visible, AnalyticsFilter both, DateTime currentFromUtc, bool byPerson, DateTime nowUtc,
        CancellationToken ct)
    {
        var all = both.Apply(visible.AsNoTracking());
        var counts = await ReadCountsAsync(all, currentFromUtc, byPerson, nowUtc, ct);
        var appeals = all.Where(a => a.ExecutorOrganisationId != null);
        var (sent, closed) = (AppealStatus.AnswerSent, AppealStatus.Closed);
        var finished = DeadlineStates.Finished;
        // Only the late ones come back row by row: an answer after its deadline (days late), an open appeal past it (days so far).
        var late = await appeals
            .Where(a => (a.AnsweredAtUtc != null && (a.Status == sent || a.Status == closed) && (a.AnswerDueAtUtc == null || a.AnsweredAtUtc > a.AnswerDueAtUtc))
                || (!finished.Contains(a.Status) && a.PausedAtUtc == null && a.DueAtUtc < nowUtc))
            .Select(a => new
            {
                a.ExecutorOrganisationId, a.AssigneeId, Current = a.ReceivedAtUtc >= currentFromUtc,
                Answered = a.AnsweredAtUtc != null && (a.Status == sent || a.Status == closed), a.AnsweredAtUtc, a.AnswerDueAtUtc, a.DueAtUtc,
            })
            .ToListAsync(ct);
        // Returned for rework: the few appeals with such an event (a partial index on the events of that kind), joined to the period's.
        var returned = await (from id in db.AppealEvents.Where(e => e.Kind == EventKind.AnswerReturned).Select(e => e.AppealId).Distinct()
                              join a in appeals on id equals a.Id
                              select new { a.ExecutorOrganisationId, a.AssigneeId, Current = a.ReceivedAtUtc >= currentFromUtc }).ToListAsync(ct);
        // The sample reviews of these appeals (ADR 0036): few rows.
        var reviews = await (from r in db.AnswerReviews.AsNoTracking().Where(r => r.Score != null)
                             join a in appeals on r.AppealId equals a.Id
                             select new { a.ExecutorOrganisationId, a.AssigneeId, Current = a.ReceivedAtUtc >= currentFromUtc, r.Score }).ToListAsync(ct);
        Guid? Key(Guid? org, Guid? assignee) => byPerson ? assignee : org;
        return new Read(counts,
            late.Where(r => Key(r.ExecutorOrganisationId, r.AssigneeId) is not null).ToLookup(r => (Key(r.ExecutorOrganisationId, r.AssigneeId)!.Value, r.Current),
                r => r.Answered ? (r.AnsweredAtUtc!.Value - (r.AnswerDueAtUtc ?? r.AnsweredAtUtc!.Value)).TotalDays : (nowUtc - r.DueAtUtc).TotalDays),
            returned.Where(r => Key(r.ExecutorOrganisationId, r.AssigneeId) is not null).ToLookup(r => (Key(r.ExecutorOrganisationId, r.AssigneeId)!.Value, r.Current), _ => 1),
            reviews.Where(r => Key(r.ExecutorOrganisationId, r.AssigneeId) is not null).ToLookup(r => (Key(r.ExecutorOrganisationId, r.AssigneeId)!.Value, r.Current),
                r => r.Score!.Value));
    }

    static async Task<List<RankingRow>> RowsAsync(AppDbContext db, Read read, bool current, AnalyticsFilter f, bool byPerson, RankingWeights w,
        ListDirectory names, ISatisfactionSource? surveys, DateTime nowUtc, CancellationToken ct)
    {
        var counts = read.Counts.Where(c => c.Current == current && c.Key is not null).ToList();
        var survey = surveys is null || byPerson ? null : await surveys.IndexAsync(f.FromUtc, f.ToUtc, ct);
        Dictionary<Guid, string> people = [];
        if (byPerson)
        {
            var ids = counts.Select(c => c.Key!.Value).Distinct().ToList();
            people = await db.Users.AsNoTracking().Where(p => ids.Contains(p.Id))
                .ToDictionaryAsync(p => p.Id, p => $"{p.LastName} {p.FirstName}".Trim(), ct);
        }
        var rows = new List<RankingRow>();
        foreach (var c in counts)
        {
            var id = c.Key!.Value;
            var late = read.LateDays[(id, current)].ToList();
            var returnedCount = read.Returned[(id, current)].Count();
            double? Share(int part, int whole) => whole == 0 ? null : (double)part / whole;
            // The dashboard's and /stats' definition: an open overdue appeal counts as late, so not answering never raises it.
            var onTimeShare = OnTimeShare.Share(c.OnTime, c.Answered, c.OverdueOpen);
            var substanceShare = Share(c.Substance, c.Answered);
            var returnedShare = Share(returnedCount, c.Ever);
            var reopenedShare = Share(c.Reopened, c.Ever);
            var positive = Share(c.Positive, c.Rated);
            double? surveyIndex = survey is not null && survey.TryGetValue(id, out var s) ? s : null;
            var reviewScores = read.Reviews[(id, current)].ToList();
            double? reviewScore = reviewScores.Count == 0 ? null : reviewScores.Average();
            var score = Score(w, onTimeShare, substanceShare, returnedShare, reopenedShare, surveyIndex ?? positive, reviewScore);
            var code = id.ToString();
            var param = byPerson ? "assigneeId" : "executorId";
            rows.Add(new RankingRow(code, byPerson ? people.GetValueOrDefault(id, "—") : names.OrganisationName(id) ?? "—",
                c.Volume, c.Answered, c.OnTime, Round(onTimeShare), c.OverdueOpen, late.Count, late.Count == 0 ? null : Math.Round(late.Average(), 1),
                c.Substance, Round(substanceShare), c.Ever, returnedCount, Round(returnedShare), c.Reopened, Round(reopenedShare),
                c.Rated, c.Rated == 0 ? null : Math.Round((double)c.RatingSum / c.Rated, 2), Round(positive), surveyIndex, reviewScores.Count, Round(reviewScore), score,
                null, null, null,
                f.Drill((param, code)), f.Drill((param, code), ("answered", "late")), f.Drill((param, code), ("reopened", "true"))));
        }
        var ordered = rows.OrderByDescending(r => r.Score ?? -1).ThenByDescending(r => r.Volume).ThenBy(r => r.Name, StringComparer.Ordinal).ToList();
        var place = 0;
        return [.. ordered.Select(r => r.Score is null ? r : r with { Place = ++place })];
    }

    static double? Round(double? share) => share is { } v ? Math.Round(v, 4) : null;

    /// <summary>The weighted mean of the components that have data, times 100, one decimal; null when none has.</summary>
    public static double? Score(RankingWeights w, double? onTime, double? substance, double? returned, double? reopened, double? satisfaction, double? review = null)
    {
        var parts = new List<(double Weight, double Value)>();
        if (onTime is { } t) parts.Add((w.OnTime, t));
        if (substance is { } s) parts.Add((w.Substance, s));
        if (returned is { } r) parts.Add((w.Rework, 1 - r));
        if (reopened is { } o) parts.Add((w.Reopened, 1 - o));
        if (satisfaction is { } p) parts.Add((w.Satisfaction, p));
        if (review is { } q) parts.Add((w.Review, q));
        var total = parts.Sum(x => x.Weight);
        if (onTime is null || total <= 0) return null;
        return Math.Round(100 * parts.Sum(x => x.Weight * x.Value) / total, 1);
    }

    /// <summary>
    /// The first block of the Ministry of Digital Development's ranking of regions on the feedback platform (work with
    /// appeals), as far as the region's own data allow: connected organisations, appeals handled, timeliness, quality,
    /// satisfaction. The ministry's exact formulas are not published (rules-ru.md §6): these are the region's own readings.
    /// </summary>
    static async Task<List<FederalIndicator>> FederalAsync(AppDbContext db, List<Counts> period, List<RankingRow> rows, CancellationToken ct)
    {
        var orgs = await db.Organisations.AsNoTracking().Select(o => new { o.Id, o.IsConnected }).ToListAsync(ct);
        var connected = orgs.Count(o => o.IsConnected);
        var active = period.Count(c => c.Key is not null && c.Volume > 0);
        int Sum(Func<Counts, int> part) => period.Sum(part);
        var (received, answered, overdueOpen, rated) = (Sum(c => c.Volume), Sum(c => c.Answered), Sum(c => c.OverdueOpen), Sum(c => c.Rated));
        var ic = CultureInfo.GetCultureInfo("ru-RU");
        string P(int part, int whole) => whole == 0 ? "—" : (100.0 * part / whole).ToString("0.0", ic) + " %";
        return
        [
            new("Подключение", "Организаций подключено к платформе", $"{connected} из {orgs.Count}", "организации с признаком «подключена»"),
            new("Подключение", "Организаций, работавших с обращениями за период", active.ToString(ic), "исполнители хотя бы одного поступившего обращения"),
            new("Обработка", "Поступило обращений", received.ToString(ic), null),
            new("Обработка", "Рассмотрено (дан ответ)", $"{answered} ({P(answered, received)})", "ответ направлен ÷ поступило"),
            new("Своевременность", "Зарегистрировано в течение 3 дней", P(Sum(c => c.RegisteredIn3Days), Sum(c => c.Registered)),
                "регистрация не позже 3 суток после поступления ÷ зарегистрировано"),
            new("Своевременность", "Ответов в срок", P(Sum(c => c.OnTime), answered + overdueOpen),
                "ответ не позже срока ÷ (ответов + открытых просроченных)"),
            new("Качество", "Ответов по существу", P(Sum(c => c.Substance), answered),
                "разъяснено, поддержано, меры приняты, не поддержано ÷ ответов"),
            new("Качество", "Возвращено на доработку", P(rows.Sum(r => r.Returned), rows.Sum(r => r.EverAnswered)), "возвращённые контролёром ÷ получившие ответ"),
            new("Качество", "Повторно рассмотрено после низкой оценки", P(rows.Sum(r => r.Reopened), rows.Sum(r => r.EverAnswered)), "оценка 1–2 ÷ получившие ответ"),
            new("Удовлетворённость", "Оценок 4–5", P(Sum(c => c.Positive), rated), "оценки 4–5 ÷ оценённые ответы"),
            new("Удовлетворённость", "Средняя оценка", rated == 0 ? "—" : ((double)Sum(c => c.RatingSum) / rated).ToString("0.00", ic), null),
        ];
    }
}
