using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Workspace;

/// <summary>
/// The directory the list needs, whole: the filters offer every organisation, category, topic and territory, and the
/// same dictionaries name the rows, so a page costs one query for its rows and one for the people among them.
/// </summary>
public sealed class ListDirectory
{
    public sealed record Org(Guid Id, string Name, string ShortName, string TimeZone);
    public sealed record Named(Guid Id, string Name);
    public sealed record TopicItem(Guid Id, Guid CategoryId, string Name);

    public IReadOnlyList<Org> Organisations { get; private init; } = [];
    public IReadOnlyList<Named> Categories { get; private init; } = [];
    public IReadOnlyList<TopicItem> Topics { get; private init; } = [];
    /// <summary>The municipalities, which appeals belong to: what a filter by territory offers.</summary>
    public IReadOnlyList<Named> Territories { get; private init; } = [];
    /// <summary>Areas drawn on the map (ADR 0045): they reach appeals by point, so only informing and polls offer them.</summary>
    public IReadOnlyList<Named> DrawnAreas { get; private init; } = [];

    Dictionary<Guid, Org> _orgs = [];
    Dictionary<Guid, string> _names = [];

    public static async Task<ListDirectory> LoadAsync(AppDbContext db, CancellationToken ct)
    {
        var orgs = await db.Organisations.AsNoTracking().OrderBy(o => o.Name).Select(o => new Org(o.Id, o.Name, o.ShortName, o.TimeZone)).ToListAsync(ct);
        var categories = await db.Categories.AsNoTracking().OrderBy(c => c.SortOrder).ThenBy(c => c.Name).Select(c => new Named(c.Id, c.Name)).ToListAsync(ct);
        var topics = await db.Topics.AsNoTracking().OrderBy(t => t.Name).Select(t => new TopicItem(t.Id, t.CategoryId, t.Name)).ToListAsync(ct);
        var all = await db.Territories.AsNoTracking().OrderBy(t => t.Name).Select(t => new { t.Id, t.Name, t.Kind }).ToListAsync(ct);
        var territories = all.Where(t => t.Kind == TerritoryKind.Municipality).Select(t => new Named(t.Id, t.Name)).ToList();
        var directory = new ListDirectory { Organisations = orgs, Categories = categories, Topics = topics, Territories = territories,
            DrawnAreas = [.. all.Where(t => t.Kind != TerritoryKind.Municipality).Select(t => new Named(t.Id, t.Name))] };
        directory._orgs = orgs.ToDictionary(o => o.Id);
        foreach (var c in categories) directory._names[c.Id] = c.Name;
        foreach (var t in topics) directory._names[t.Id] = t.Name;
        foreach (var t in all) directory._names[t.Id] = t.Name;
        return directory;
    }

    public string? OrganisationName(Guid? id) => id is { } key && _orgs.TryGetValue(key, out var o) ? o.ShortName : null;
    public string? Name(Guid? id) => id is { } key && _names.TryGetValue(key, out var n) ? n : null;

    /// <summary>
    /// The zone the person reads times in: that of the organisation of their first staff role, else Moscow time.
    /// </summary>
    public async Task<TimeZoneInfo> ZoneOfAsync(CurrentUser user, CancellationToken ct)
    {
        var org = (await user.RolesAsync(ct)).Where(r => r.Role != Role.Applicant && r.OrganisationId is not null)
            .Select(r => _orgs.GetValueOrDefault(r.OrganisationId!.Value)).FirstOrDefault(o => o is not null);
        return TimeZones.Find(org?.TimeZone ?? "Europe/Moscow");
    }
}

/// <summary>One row of the staff list, every id already turned into a name.</summary>
public sealed record AppealRow(
    Guid Id, string Number, DateTime ReceivedAtUtc, AppealType Type, AppealKind Kind, LegalRegime Regime, Channel Channel,
    string? Category, string? Topic, string? Territory, string? Address, string? Executor, string? Assignee,
    AppealStatus Status, DateTime DueAtUtc, DeadlineState? Deadline)
{
    /// <summary>The text shortened to <see cref="AppealsListRows.ExcerptLength"/> characters (an ellipsis when cut).</summary>
    public string? Text { get; init; }
    public string? Applicant { get; init; }
    /// <summary>The value reported to ССТУ.РФ now (<see cref="Appeal.FederalResult"/>).</summary>
    public FederalResult Sstu { get; init; }
    public int? Rating { get; init; }
    public DateTime? AnsweredAtUtc { get; init; }
    /// <summary>The version the list showed: a bulk action saves each appeal only if it has not changed since.</summary>
    public int Version { get; init; }
}

public static class AppealsListRows
{
    /// <summary>How much of the text a row shows: enough to recognise the appeal, short enough for a line or two.</summary>
    public const int ExcerptLength = 140;

    /// <summary>
    /// One keyset page of <paramref name="filtered"/> (visible appeals with the filter applied): one query for the rows,
    /// one for the names of their assignees. Returns the cursor of the next page, or null on the last one.
    /// </summary>
    public static async Task<(List<AppealRow> Rows, string? Next)> PageAsync(AppDbContext db, IQueryable<Appeal> filtered, ListSort sort,
        string? cursor, int limit, ListDirectory directory, DateTime nowUtc, CancellationToken ct)
    {
        var rows = await AppealKeyset.Page(filtered, sort, cursor).Take(limit + 1).Select(a => new
        {
            a.Id, a.Number, a.ReceivedAtUtc, a.Type, a.Kind, a.Regime, a.Channel, a.CategoryId, a.TopicId, a.TerritoryId, a.Address,
            a.ExecutorOrganisationId, a.AssigneeId, a.Status, a.DueAtUtc, a.AtRiskFromUtc, a.PausedAtUtc, a.WatchLevel,
            // One character more than shown tells whether the text was cut; the rest of a long text stays in the database.
            Text = a.Text.Substring(0, ExcerptLength + 1), ApplicantKind = a.Applicant.Kind, a.Applicant.LastName, a.Applicant.FirstName,
            a.Applicant.MiddleName, a.Applicant.OrganisationName, a.AnswerResult, a.ExtensionCount, a.Rating, a.AnsweredAtUtc, a.Version,
        }).ToListAsync(ct);
        var page = rows.Take(limit).ToList();
        var assigneeIds = page.Where(a => a.AssigneeId is not null).Select(a => a.AssigneeId!.Value).Distinct().ToList();
        var people = assigneeIds.Count == 0 ? [] : await db.Users.AsNoTracking().Where(u => assigneeIds.Contains(u.Id))
            .Select(u => new { u.Id, u.LastName, u.FirstName, u.MiddleName })
            .ToDictionaryAsync(u => u.Id, u => string.Join(' ', new[] { u.LastName, u.FirstName, u.MiddleName }.Where(s => !string.IsNullOrWhiteSpace(s))), ct);
        var result = page.Select(a => new AppealRow(a.Id, a.Number, a.ReceivedAtUtc, a.Type, a.Kind, a.Regime, a.Channel,
            directory.Name(a.CategoryId), directory.Name(a.TopicId), directory.Name(a.TerritoryId), a.Address,
            directory.OrganisationName(a.ExecutorOrganisationId), a.AssigneeId is { } p ? people.GetValueOrDefault(p) : null,
            a.Status, a.DueAtUtc, DeadlineStates.Of(a.Status, a.PausedAtUtc, a.DueAtUtc, a.AtRiskFromUtc, a.WatchLevel, nowUtc))
        {
            Text = a.Text.Length > ExcerptLength ? a.Text[..ExcerptLength].TrimEnd() + "…" : a.Text,
            Applicant = new ApplicantInfo { Kind = a.ApplicantKind, LastName = a.LastName, FirstName = a.FirstName,
                MiddleName = a.MiddleName, OrganisationName = a.OrganisationName }.DisplayName,
            Sstu = Appeal.FederalResultOf(a.Status, a.AnswerResult, a.ExtensionCount),
            Rating = a.Rating, AnsweredAtUtc = a.AnsweredAtUtc, Version = a.Version,
        }).ToList();
        var next = rows.Count > limit ? AppealKeyset.Cursor(sort, page[^1].ReceivedAtUtc, page[^1].DueAtUtc, page[^1].Number) : null;
        return (result, next);
    }
}

/// <summary>Russian names of the list's values, and the spelling of enum values in URLs (as in the API: camelCase).</summary>
public static class ListText
{
    public static string Value<T>(T value) where T : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    public static string Time(DateTime utc, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone).ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture);

    /// <summary>"UTC+05:00" and, for the zones of Russia, the city: what the times of a list or an export are in.</summary>
    public static string ZoneLabel(TimeZoneInfo zone)
    {
        var offset = zone.BaseUtcOffset;
        var utc = $"UTC{(offset < TimeSpan.Zero ? "−" : "+")}{offset:hh\\:mm}";
        var city = zone.Id switch
        {
            "Europe/Kaliningrad" => "Калининград",
            "Europe/Moscow" => "Москва",
            "Europe/Samara" => "Самара",
            "Asia/Yekaterinburg" => "Екатеринбург",
            "Asia/Omsk" => "Омск",
            "Asia/Novosibirsk" => "Новосибирск",
            "Asia/Krasnoyarsk" => "Красноярск",
            "Asia/Irkutsk" => "Иркутск",
            "Asia/Yakutsk" => "Якутск",
            "Asia/Vladivostok" => "Владивосток",
            "Asia/Magadan" => "Магадан",
            "Asia/Kamchatka" => "Камчатка",
            _ => null,
        };
        return city is null ? $"{zone.Id}, {utc}" : $"{city}, {utc}";
    }
}
