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

    sealed record Raw(Guid Id, Guid? Org, Guid? Assignee, AppealStatus Status, DateTime? AnsweredAtUtc, DateTime? AnswerDueAtUtc, DateTime DueAtUtc, DateTime? PausedAtUtc,
        FederalResult? Result, int? Rating, int Reconsiderations, bool Returned, DateTime ReceivedAtUtc, DateTime? RegisteredAtUtc);

    public static async Task<RankingView> ComputeAsync(AppDbContext db, IQueryable<Appeal> visible, AnalyticsFilter f, bool byPerson, RankingWeights w,
        ListDirectory names, ISatisfactionSource? surveys, DateTime nowUtc, CancellationToken ct)
    {
        var length = f.To.DayNumber - f.From.DayNumber + 1;
        var previous = f with { From = f.From.AddDays(-length), To = f.From.AddDays(-1) };
        var current = await RowsAsync(db, visible, f, byPerson, w, names, surveys, nowUtc, ct);
        var before = await RowsAsync(db, visible, previous, byPerson, w, names, surveys, nowUtc, ct);
        var rows = current.Select(r => before.FirstOrDefault(b => b.Key == r.Key) is { } b ? r with { PreviousScore = b.Score, PreviousPlace = b.Place } : r).ToList();
        var federal = await FederalAsync(db, visible, f, current, nowUtc, ct);
        return new RankingView(nowUtc, $"{f.From:dd.MM.yyyy} — {f.To:dd.MM.yyyy}", $"{previous.From:dd.MM.yyyy} — {previous.To:dd.MM.yyyy}",
            byPerson ? "person" : "organisation", w, rows, federal);
    }

    static async Task<(List<Raw> Rows, ILookup<Guid, double> Reviews)> ReadAsync(AppDbContext db, IQueryable<Appeal> visible, AnalyticsFilter f, CancellationToken ct)
    {
        var appeals = f.Apply(visible.AsNoTracking()).Where(a => a.ExecutorOrganisationId != null);
        var returned = db.AppealEvents.Where(e => e.Kind == EventKind.AnswerReturned).Select(e => e.AppealId);
        // The sample reviews of these appeals (ADR 0036): few rows, read apart so the wide read stays one narrow row per appeal.
        var reviews = (await db.AnswerReviews.AsNoTracking().Where(r => r.Score != null && appeals.Select(a => a.Id).Contains(r.AppealId))
            .Select(r => new { r.AppealId, r.Score }).ToListAsync(ct)).ToLookup(r => r.AppealId, r => r.Score!.Value);
        return (await appeals.Select(a => new Raw(a.Id, a.ExecutorOrganisationId, a.AssigneeId, a.Status, a.AnsweredAtUtc, a.AnswerDueAtUtc, a.DueAtUtc, a.PausedAtUtc,
            a.AnswerResult, a.Rating, a.ReconsiderationCount, returned.Contains(a.Id), a.ReceivedAtUtc, a.RegisteredAtUtc)).ToListAsync(ct), reviews);
    }

    static async Task<List<RankingRow>> RowsAsync(AppDbContext db, IQueryable<Appeal> visible, AnalyticsFilter f, bool byPerson, RankingWeights w,
        ListDirectory names, ISatisfactionSource? surveys, DateTime nowUtc, CancellationToken ct)
    {
        var (raw, reviews) = await ReadAsync(db, visible, f, ct);
        var survey = surveys is null || byPerson ? null : await surveys.IndexAsync(f.FromUtc, f.ToUtc, ct);
        Dictionary<Guid, string> people = [];
        if (byPerson)
        {
            var ids = raw.Where(r => r.Assignee is not null).Select(r => r.Assignee!.Value).Distinct().ToList();
            people = await db.Users.AsNoTracking().Where(p => ids.Contains(p.Id))
                .ToDictionaryAsync(p => p.Id, p => $"{p.LastName} {p.FirstName}".Trim(), ct);
        }
        var rows = new List<RankingRow>();
        foreach (var g in raw.GroupBy(r => byPerson ? r.Assignee : r.Org))
        {
            if (g.Key is not { } id) continue;
            var list = g.ToList();
            var answered = list.Where(r => r.AnsweredAtUtc is not null && r.Status is AppealStatus.AnswerSent or AppealStatus.Closed).ToList();
            var onTime = answered.Count(r => r.AnswerDueAtUtc is { } due && r.AnsweredAtUtc <= due);
            var lateAnswers = answered.Where(r => r.AnswerDueAtUtc is not { } due || r.AnsweredAtUtc > due).Select(r => (r.AnsweredAtUtc!.Value - (r.AnswerDueAtUtc ?? r.AnsweredAtUtc!.Value)).TotalDays);
            var overdueOpen = list.Where(r => !DeadlineStates.Finished.Contains(r.Status) && r.PausedAtUtc is null && r.DueAtUtc < nowUtc).ToList();
            var late = lateAnswers.Concat(overdueOpen.Select(r => (nowUtc - r.DueAtUtc).TotalDays)).ToList();
            var substance = answered.Count(r => r.Result is { } res && OnMerits.Contains(res));
            var ever = list.Count(r => r.AnsweredAtUtc is not null || r.Reconsiderations > 0);
            var returnedCount = list.Count(r => r.Returned);
            var reopened = list.Count(r => r.Reconsiderations > 0);
            var rated = list.Where(r => r.Rating is not null).ToList();
            double? Share(int part, int whole) => whole == 0 ? null : (double)part / whole;
            // The dashboard's and /stats' definition: an open overdue appeal counts as late, so not answering never raises it.
            var onTimeShare = OnTimeShare.Share(onTime, answered.Count, overdueOpen.Count);
            var substanceShare = Share(substance, answered.Count);
            var returnedShare = Share(returnedCount, ever);
            var reopenedShare = Share(reopened, ever);
            var positive = Share(rated.Count(r => r.Rating >= 4), rated.Count);
            double? surveyIndex = survey is not null && survey.TryGetValue(id, out var s) ? s : null;
            var reviewScores = list.SelectMany(r => reviews[r.Id]).ToList();
            double? reviewScore = reviewScores.Count == 0 ? null : reviewScores.Average();
            var score = Score(w, onTimeShare, substanceShare, returnedShare, reopenedShare, surveyIndex ?? positive, reviewScore);
            var code = id.ToString();
            var param = byPerson ? "assigneeId" : "executorId";
            rows.Add(new RankingRow(code, byPerson ? people.GetValueOrDefault(id, "—") : names.OrganisationName(id) ?? "—",
                list.Count, answered.Count, onTime, Round(onTimeShare), overdueOpen.Count, late.Count, late.Count == 0 ? null : Math.Round(late.Average(), 1),
                substance, Round(substanceShare), ever, returnedCount, Round(returnedShare), reopened, Round(reopenedShare),
                rated.Count, rated.Count == 0 ? null : Math.Round(rated.Average(r => r.Rating!.Value), 2), Round(positive), surveyIndex, reviewScores.Count, Round(reviewScore), score, null, null, null,
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
    static async Task<List<FederalIndicator>> FederalAsync(AppDbContext db, IQueryable<Appeal> visible, AnalyticsFilter f, List<RankingRow> rows,
        DateTime nowUtc, CancellationToken ct)
    {
        var raw = await f.Apply(visible.AsNoTracking())
            .Select(a => new { a.Status, a.AnsweredAtUtc, a.AnswerDueAtUtc, a.ReceivedAtUtc, a.RegisteredAtUtc, a.AnswerResult, a.Rating, a.ExecutorOrganisationId, a.PausedAtUtc, a.DueAtUtc })
            .ToListAsync(ct);
        var orgs = await db.Organisations.AsNoTracking().Select(o => new { o.Id, o.IsConnected }).ToListAsync(ct);
        var connected = orgs.Count(o => o.IsConnected);
        var active = raw.Where(r => r.ExecutorOrganisationId is not null).Select(r => r.ExecutorOrganisationId).Distinct().Count();
        var answered = raw.Where(r => r.AnsweredAtUtc is not null && r.Status is AppealStatus.AnswerSent or AppealStatus.Closed).ToList();
        var registered = raw.Where(r => r.RegisteredAtUtc is not null).ToList();
        var overdueOpen = raw.Count(r => !DeadlineStates.Finished.Contains(r.Status) && r.PausedAtUtc is null && r.DueAtUtc < nowUtc);
        var ic = CultureInfo.GetCultureInfo("ru-RU");
        string P(int part, int whole) => whole == 0 ? "—" : (100.0 * part / whole).ToString("0.0", ic) + " %";
        var rated = raw.Where(r => r.Rating is not null).ToList();
        return
        [
            new("Подключение", "Организаций подключено к платформе", $"{connected} из {orgs.Count}", "организации с признаком «подключена»"),
            new("Подключение", "Организаций, работавших с обращениями за период", active.ToString(ic), "исполнители хотя бы одного поступившего обращения"),
            new("Обработка", "Поступило обращений", raw.Count.ToString(ic), null),
            new("Обработка", "Рассмотрено (дан ответ)", $"{answered.Count} ({P(answered.Count, raw.Count)})", "ответ направлен ÷ поступило"),
            new("Своевременность", "Зарегистрировано в течение 3 дней", P(registered.Count(r => r.RegisteredAtUtc!.Value - r.ReceivedAtUtc <= TimeSpan.FromDays(3)), registered.Count),
                "регистрация не позже 3 суток после поступления ÷ зарегистрировано"),
            new("Своевременность", "Ответов в срок", P(answered.Count(r => r.AnswerDueAtUtc is { } d && r.AnsweredAtUtc <= d), answered.Count + overdueOpen),
                "ответ не позже срока ÷ (ответов + открытых просроченных)"),
            new("Качество", "Ответов по существу", P(answered.Count(r => r.AnswerResult is { } res && OnMerits.Contains(res)), answered.Count),
                "разъяснено, поддержано, меры приняты, не поддержано ÷ ответов"),
            new("Качество", "Возвращено на доработку", P(rows.Sum(r => r.Returned), rows.Sum(r => r.EverAnswered)), "возвращённые контролёром ÷ получившие ответ"),
            new("Качество", "Повторно рассмотрено после низкой оценки", P(rows.Sum(r => r.Reopened), rows.Sum(r => r.EverAnswered)), "оценка 1–2 ÷ получившие ответ"),
            new("Удовлетворённость", "Оценок 4–5", P(rated.Count(r => r.Rating >= 4), rated.Count), "оценки 4–5 ÷ оценённые ответы"),
            new("Удовлетворённость", "Средняя оценка", rated.Count == 0 ? "—" : rated.Average(r => r.Rating!.Value).ToString("0.00", ic), null),
        ];
    }
}
