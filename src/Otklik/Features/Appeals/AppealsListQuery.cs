using System.Text;
using Otklik.Infrastructure;

namespace Otklik.Features.Appeals;


public enum ListSort { Received, Due }

/// <summary>
/// The filters of the staff lists of appeals, one implementation for the API (<c>GET /api/v1/appeals</c>), the
/// workspace page (<c>/office/appeals</c>) and its exports, so the three always select the same rows.
/// </summary>
public sealed record AppealFilter
{
    public AppealStatus[] Statuses { get; init; } = [];
    public Guid? OrganisationId { get; init; }
    public Guid? CategoryId { get; init; }
    public Guid? TopicId { get; init; }
    public Guid? TerritoryId { get; init; }
    public Channel? Channel { get; init; }
    public AppealKind? Kind { get; init; }
    public LegalRegime? Regime { get; init; }
    public DeadlineState? Deadline { get; init; }
    /// <summary>The API's older overdue flag: true is the same as <see cref="DeadlineState.Overdue"/>, false is everything else.</summary>
    public bool? Overdue { get; init; }
    public Guid? AssigneeId { get; init; }
    /// <summary>The trimmed, lower-cased search query, found through the search index (<see cref="Search.ISearchIndex"/>): word forms, "phrases", -exclusions.</summary>
    public string? Text { get; init; }

    // ---- The analytics' drill-down (Features/Analytics): every figure of the dashboard links to the list with these. ----

    /// <summary>Received on or after this instant (the dashboard's period start, local midnight in UTC).</summary>
    public DateTime? ReceivedFromUtc { get; init; }
    /// <summary>Received before this instant (the day after the period's last day).</summary>
    public DateTime? ReceivedToUtc { get; init; }
    /// <summary>Only the appeals the organisation executes (the dashboard groups by the executor, not by owner or part).</summary>
    public Guid? ExecutorId { get; init; }
    /// <summary>With an answer sent: <c>onTime</c> by its deadline, <c>late</c> after it, <c>any</c>.</summary>
    public string? Answered { get; init; }
    /// <summary>Reopened at least once after a low rating.</summary>
    public bool? Reopened { get; init; }
    /// <summary>Rated by the applicant with this score (1–5).</summary>
    public int? Rating { get; init; }
    /// <summary>Came through this partner site's embedded form (issue 19 item 4: the site's owner sees what came from it).</summary>
    public Guid? PartnerSiteId { get; init; }

    /// <summary>Reads the filter from request values; a wrong value is refused with the field it came from.</summary>
    public static AppealFilter Parse(string[]? status, Guid? organisationId, Guid? categoryId, Guid? topicId, Guid? territoryId,
        string? channel, string? kind, string? regime, string? deadline, bool? overdue, Guid? assigneeId, string? q)
    {
        string? text = null;
        if (!string.IsNullOrWhiteSpace(q))
        {
            if (q.Length > 200) throw new InputException("q", "search.too_long", "Строка поиска длиннее 200 символов.");
            text = q.Trim().ToLowerInvariant();
        }
        return new AppealFilter
        {
            Statuses = QueryValues.Enums<AppealStatus>("status", status),
            OrganisationId = organisationId, CategoryId = categoryId, TopicId = topicId, TerritoryId = territoryId,
            Channel = QueryValues.Enum<Channel>("channel", channel),
            Kind = QueryValues.Enum<AppealKind>("kind", kind),
            Regime = QueryValues.Enum<LegalRegime>("regime", regime),
            Deadline = QueryValues.Enum<DeadlineState>("deadline", deadline),
            Overdue = overdue, AssigneeId = assigneeId, Text = text,
        };
    }

    /// <summary>The same filter from a query string (the workspace's GET forms use the API's parameter names).</summary>
    public static AppealFilter FromQuery(IQueryCollection query)
    {
        Guid? Id(string name)
        {
            var value = query[name].ToString();
            if (string.IsNullOrWhiteSpace(value)) return null;
            return Guid.TryParse(value, out var id) ? id : throw new InputException(name, "request.invalid_parameter", $"Недопустимое значение параметра «{name}».");
        }
        bool? Flag(string name) => bool.TryParse(query[name].ToString(), out var b) ? b : null;
        string? One(string name) => query[name].ToString() is { Length: > 0 } s ? s : null;
        DateTime? Instant(string name)
        {
            if (One(name) is not { } value) return null;
            return DateTime.TryParse(value, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
                ? DateTime.SpecifyKind(at, DateTimeKind.Utc)
                : throw new InputException(name, "request.invalid_parameter", $"Недопустимое значение параметра «{name}».");
        }
        var answered = One("answered");
        if (answered is not (null or "onTime" or "late" or "any"))
            throw new InputException("answered", "request.invalid_parameter", "Параметр «answered»: onTime, late или any.");
        int? rating = null;
        if (One("rating") is { } r)
            rating = int.TryParse(r, out var score) && score is >= 1 and <= 5 ? score
                : throw new InputException("rating", "request.invalid_parameter", "Оценка — от 1 до 5.");
        return Parse([.. query["status"].Where(s => !string.IsNullOrEmpty(s)).OfType<string>()], Id("organisationId"), Id("categoryId"), Id("topicId"),
            Id("territoryId"), One("channel"), One("kind"), One("regime"), One("deadline"), Flag("overdue"), Id("assigneeId"), One("q")) with
        {
            ReceivedFromUtc = Instant("receivedFrom"), ReceivedToUtc = Instant("receivedTo"), ExecutorId = Id("executorId"),
            Answered = answered, Reopened = Flag("reopened"), Rating = rating, PartnerSiteId = Id("partnerSiteId"),
        };
    }

    static readonly AppealStatus[] Finished = DeadlineStates.Finished;

    public IQueryable<Appeal> Apply(IQueryable<Appeal> query, DateTime nowUtc, Data.AppDbContext db)
    {
        var statuses = Statuses;
        if (statuses.Length > 0) query = query.Where(a => statuses.Contains(a.Status));
        if (CategoryId is { } cat) query = query.Where(a => a.CategoryId == cat);
        if (TopicId is { } topic) query = query.Where(a => a.TopicId == topic);
        if (TerritoryId is { } territory) query = query.Where(a => a.TerritoryId == territory);
        if (Channel is { } channel) query = query.Where(a => a.Channel == channel);
        if (Kind is { } kind) query = query.Where(a => a.Kind == kind);
        if (Regime is { } regime) query = query.Where(a => a.Regime == regime);
        if (AssigneeId is { } assignee) query = query.Where(a => a.AssigneeId == assignee);
        if (Overdue is { } overdue)
            query = overdue
                ? query.Where(a => !Finished.Contains(a.Status) && a.PausedAtUtc == null && a.DueAtUtc < nowUtc)
                : query.Where(a => Finished.Contains(a.Status) || a.PausedAtUtc != null || a.DueAtUtc >= nowUtc);
        if (Deadline is { } state) query = WithState(query, state, nowUtc);
        if (ReceivedFromUtc is { } from) query = query.Where(a => a.ReceivedAtUtc >= from);
        if (ReceivedToUtc is { } to) query = query.Where(a => a.ReceivedAtUtc < to);
        if (ExecutorId is { } executor) query = query.Where(a => a.ExecutorOrganisationId == executor);
        if (Answered is { } answered)
        {
            // What the dashboard counts as an answer: sent (and not taken back by a reopening), on time by the answer deadline.
            query = query.Where(a => a.AnsweredAtUtc != null && (a.Status == AppealStatus.AnswerSent || a.Status == AppealStatus.Closed));
            if (answered == "onTime") query = query.Where(a => a.AnswerDueAtUtc != null && a.AnsweredAtUtc <= a.AnswerDueAtUtc);
            else if (answered == "late") query = query.Where(a => a.AnswerDueAtUtc == null || a.AnsweredAtUtc > a.AnswerDueAtUtc);
        }
        if (Reopened is { } reopened) query = reopened ? query.Where(a => a.ReconsiderationCount > 0) : query.Where(a => a.ReconsiderationCount == 0);
        if (Rating is { } rating) query = query.Where(a => a.Rating == rating);
        if (PartnerSiteId is { } site) query = query.Where(a => db.PartnerSiteAppeals.Any(p => p.AppealId == a.Id && p.SiteId == site));
        if (Text is { } text)
        {
            // The staff copy of the index (it holds the applicant too); the list keeps its own order and keyset paging.
            var matching = Search.SearchIndexes.For(db).Matching(db, Search.SearchKind.Appeal, publicOnly: false, Search.SearchQuery.Parse(text));
            query = query.Where(a => matching.Contains(a.Id));
        }
        // The organisation's appeals: it executes them, owns them or does a part. Written as three disjoint queries joined by
        // UNION ALL, not one OR: each branch is read through its own index and the database merges them in the list's order
        // (at a million appeals 2 ms instead of 190 ms, which a scan of the deadline index with the OR as a filter took).
        // The third branch differs per engine (ADR 0048): PostgreSQL turns the correlated EXISTS into a semi-join driven by
        // the parts' index; SQLite runs a correlated EXISTS once per appeal row, i.e. over every appeal of the other
        // filters (suspected, not confirmed, of the 3.9/s at a million), while `Id IN (the organisation's parts)` lets it start from the parts' index and
        // look the few appeals up by key.
        if (OrganisationId is { } org)
        {
            var others = db.IsPostgres
                ? query.Where(a => a.OwnerOrganisationId != org && a.ExecutorOrganisationId != org && a.Parts.Any(p => p.OrganisationId == org))
                : query.Where(a => db.AppealParts.Where(p => p.OrganisationId == org).Select(p => p.AppealId).Contains(a.Id)
                    && a.OwnerOrganisationId != org && a.ExecutorOrganisationId != org);
            query = query.Where(a => a.ExecutorOrganisationId == org)
                .Concat(query.Where(a => a.OwnerOrganisationId == org && a.ExecutorOrganisationId != org))
                .Concat(others);
        }
        return query;
    }

    /// <summary>The database side of <see cref="DeadlineStates.Of(AppealStatus, DateTime?, DateTime, DateTime?, WatchLevel, DateTime)"/>; the two must agree (the list's filter and its badges).</summary>
    static IQueryable<Appeal> WithState(IQueryable<Appeal> query, DeadlineState state, DateTime now)
    {
        var open = query.Where(a => !Finished.Contains(a.Status));
        return state switch
        {
            DeadlineState.Paused => open.Where(a => a.PausedAtUtc != null),
            DeadlineState.Overdue => open.Where(a => a.PausedAtUtc == null && a.DueAtUtc < now),
            DeadlineState.AtRisk => open.Where(a => a.PausedAtUtc == null && a.DueAtUtc >= now
                && ((a.AtRiskFromUtc != null && a.AtRiskFromUtc <= now) || a.WatchLevel == WatchLevel.AtRisk)),
            _ => open.Where(a => a.PausedAtUtc == null && a.DueAtUtc >= now
                && (a.AtRiskFromUtc == null || a.AtRiskFromUtc > now) && a.WatchLevel != WatchLevel.AtRisk),
        };
    }
}

/// <summary>
/// Keyset paging of the lists: newest received first, or nearest deadline first, the number breaking ties. A page
/// starts after the last row of the previous one, so page 100 costs what page 1 costs.
/// </summary>
public static class AppealKeyset
{
    public static ListSort ParseSort(string? sort) => sort switch
    {
        null or "" or "received" => ListSort.Received,
        "due" => ListSort.Due,
        _ => throw new InputException("sort", "paging.sort", "Сортировка: received (сначала новые) или due (по сроку)."),
    };

    /// <summary>Orders the rows and skips those up to <paramref name="cursor"/> (from <see cref="Cursor"/>).</summary>
    public static IQueryable<Appeal> Page(IQueryable<Appeal> query, ListSort sort, string? cursor)
    {
        var byDue = sort == ListSort.Due;
        if (cursor is { Length: > 0 })
        {
            var (ticks, number) = Decode(cursor);
            var at = new DateTime(ticks, DateTimeKind.Utc);
            query = byDue
                ? query.Where(a => a.DueAtUtc > at || (a.DueAtUtc == at && string.Compare(a.Number, number) > 0))
                : query.Where(a => a.ReceivedAtUtc < at || (a.ReceivedAtUtc == at && string.Compare(a.Number, number) < 0));
        }
        return byDue
            ? query.OrderBy(a => a.DueAtUtc).ThenBy(a => a.Number)
            : query.OrderByDescending(a => a.ReceivedAtUtc).ThenByDescending(a => a.Number);
    }

    /// <summary>The cursor that continues after a row.</summary>
    public static string Cursor(ListSort sort, DateTime receivedAtUtc, DateTime dueAtUtc, string number)
    {
        var at = sort == ListSort.Due ? dueAtUtc : receivedAtUtc;
        return Convert.ToBase64String(Encoding.UTF8.GetBytes($"{at.Ticks}|{number}")).Replace('+', '-').Replace('/', '_').TrimEnd('=');
    }

    static (long Ticks, string Number) Decode(string cursor)
    {
        try
        {
            var b64 = cursor.Replace('-', '+').Replace('_', '/');
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=')));
            var parts = text.Split('|');
            if (parts.Length == 2 && long.TryParse(parts[0], out var ticks) && ticks is > 0 and < 3155378975999999999) return (ticks, parts[1]);
        }
        catch (FormatException) { }
        throw new InputException("cursor", "paging.cursor", "Неверный курсор страницы.");
    }
}
