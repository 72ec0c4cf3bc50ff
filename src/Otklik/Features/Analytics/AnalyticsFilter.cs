using System.Globalization;
using Otklik.Features.Appeals;
using Otklik.Features.Workspace;
using Otklik.Infrastructure;

namespace Otklik.Features.Analytics;

public enum Granularity { Day, Week, Month }

/// <summary>
/// The dashboard's filters: the period of receipt (local dates of the person's zone, both ends included), territory,
/// executor organisation, channel, legal regime, kind, and how incoming appeals are bucketed. Every figure is computed
/// over the appeals received in the period that pass the filters, and links to the same selection in the office list.
/// </summary>
public sealed record AnalyticsFilter
{
    public const int DefaultDays = 30;
    public const int MaxDays = 3 * 366 + 1;

    public DateOnly From { get; init; }
    public DateOnly To { get; init; }
    public Guid? TerritoryId { get; init; }
    public Guid? OrganisationId { get; init; }
    public Channel? Channel { get; init; }
    public LegalRegime? Regime { get; init; }
    public AppealKind? Kind { get; init; }
    public Granularity Granularity { get; init; }
    /// <summary>The zone the dates are in (the person's), as a fixed offset: Russia keeps no summer time.</summary>
    public TimeSpan Offset { get; init; }

    public DateTime FromUtc => From.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) - Offset;
    public DateTime ToUtc => To.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) - Offset;

    /// <summary>Reads the filters from request values; a wrong value is refused with the field it came from.</summary>
    public static AnalyticsFilter Parse(string? from, string? to, Guid? territoryId, Guid? organisationId, string? channel, string? regime,
        string? kind, string? granularity, DateTime nowUtc, TimeZoneInfo zone)
    {
        var offset = zone.GetUtcOffset(nowUtc);
        var today = DateOnly.FromDateTime(nowUtc + offset);
        var end = Date("to", to) ?? today;
        var start = Date("from", from) ?? end.AddDays(-(DefaultDays - 1));
        if (start > end) throw new InputException("from", "analytics.period", "Начало периода позже его конца.");
        if (end.DayNumber - start.DayNumber + 1 > MaxDays) throw new InputException("from", "analytics.period", "Период — не больше трёх лет.");
        return new AnalyticsFilter
        {
            From = start, To = end, TerritoryId = territoryId, OrganisationId = organisationId,
            Channel = QueryValues.Enum<Channel>("channel", channel),
            Regime = QueryValues.Enum<LegalRegime>("regime", regime),
            Kind = QueryValues.Enum<AppealKind>("kind", kind),
            Granularity = QueryValues.Enum<Granularity>("granularity", granularity) ?? Granularity.Day,
            Offset = offset,
        };
    }

    public static AnalyticsFilter FromQuery(IQueryCollection query, DateTime nowUtc, TimeZoneInfo zone)
    {
        Guid? Id(string name)
        {
            var value = query[name].ToString();
            if (string.IsNullOrWhiteSpace(value)) return null;
            return Guid.TryParse(value, out var id) ? id : throw new InputException(name, "request.invalid_parameter", $"Недопустимое значение параметра «{name}».");
        }
        string? One(string name) => query[name].ToString() is { Length: > 0 } s ? s : null;
        return Parse(One("from"), One("to"), Id("territoryId"), Id("organisationId"), One("channel"), One("regime"), One("kind"), One("granularity"), nowUtc, zone);
    }

    static DateOnly? Date(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        return DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) && d.Year is >= 2000 and <= 2100
            ? d : throw new InputException(field, "request.invalid_parameter", "Дата в виде ГГГГ-ММ-ДД.");
    }

    public IQueryable<Appeal> Apply(IQueryable<Appeal> appeals)
    {
        var (from, to) = (FromUtc, ToUtc);
        appeals = appeals.Where(a => a.ReceivedAtUtc >= from && a.ReceivedAtUtc < to);
        if (TerritoryId is { } territory) appeals = appeals.Where(a => a.TerritoryId == territory);
        if (OrganisationId is { } org) appeals = appeals.Where(a => a.ExecutorOrganisationId == org);
        if (Channel is { } channel) appeals = appeals.Where(a => a.Channel == channel);
        if (Regime is { } regime) appeals = appeals.Where(a => a.Regime == regime);
        if (Kind is { } kind) appeals = appeals.Where(a => a.Kind == kind);
        return appeals;
    }

    /// <summary>The cache key: everything that changes the figures (the zone's offset moves the days).</summary>
    public string Key => string.Join('|', From.ToString("O", CultureInfo.InvariantCulture), To.ToString("O", CultureInfo.InvariantCulture),
        TerritoryId, OrganisationId, Channel, Regime, Kind, Granularity, Offset.TotalMinutes.ToString(CultureInfo.InvariantCulture));

    /// <summary>The filter as the dashboard's own query string (for exports and the API).</summary>
    public string Query(Granularity? granularity = null) => QueryString.Create(Pairs(granularity ?? Granularity)).ToString();

    IEnumerable<KeyValuePair<string, string?>> Pairs(Granularity granularity)
    {
        yield return new("from", From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        yield return new("to", To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (TerritoryId is { } t) yield return new("territoryId", t.ToString());
        if (OrganisationId is { } o) yield return new("organisationId", o.ToString());
        if (Channel is { } c) yield return new("channel", ListText.Value(c));
        if (Regime is { } r) yield return new("regime", ListText.Value(r));
        if (Kind is { } k) yield return new("kind", ListText.Value(k));
        if (granularity != Granularity.Day) yield return new("granularity", ListText.Value(granularity));
    }

    /// <summary>
    /// The office list of the appeals behind a figure: this filter (period as instants, so the list selects exactly the
    /// counted rows) plus the figure's own conditions. A relative link: the office is on the site's own address.
    /// </summary>
    public string Drill(params (string Key, string? Value)[] extra) => Drill(FromUtc, ToUtc, extra);

    public string Drill(DateTime fromUtc, DateTime toUtc, params (string Key, string? Value)[] extra)
    {
        static string Instant(long ticks) => new DateTime(ticks, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var pairs = new List<KeyValuePair<string, string?>>
        {
            new("receivedFrom", Instant(Math.Max(fromUtc.Ticks, FromUtc.Ticks))),
            new("receivedTo", Instant(Math.Min(toUtc.Ticks, ToUtc.Ticks))),
        };
        if (TerritoryId is { } territory) pairs.Add(new("territoryId", territory.ToString()));
        if (OrganisationId is { } org) pairs.Add(new("executorId", org.ToString()));
        if (Channel is { } c) pairs.Add(new("channel", ListText.Value(c)));
        if (Regime is { } r) pairs.Add(new("regime", ListText.Value(r)));
        if (Kind is { } k) pairs.Add(new("kind", ListText.Value(k)));
        foreach (var (key, value) in extra)
        {
            if (value is null) continue;
            pairs.RemoveAll(p => p.Key == key && key != "status");
            pairs.Add(new(key, value));
        }
        return "/office/appeals" + QueryString.Create(pairs);
    }
}
