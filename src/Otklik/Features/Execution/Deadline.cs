using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;

namespace Otklik.Features.Execution;

/// <summary>How an appeal stands against its current deadline, for the row colour and the text badge beside it.</summary>
public enum DeadlineState { OnTrack, AtRisk, Overdue, Paused, Done }

public static class DeadlineStates
{
    public static DeadlineState Of(Appeal a, DateTime nowUtc) =>
        a.IsTerminal || a.Status == AppealStatus.AnswerSent ? DeadlineState.Done
        : a.PausedAtUtc is not null ? DeadlineState.Paused
        : a.IsOverdue(nowUtc) || a.WatchLevel >= WatchLevel.Overdue ? DeadlineState.Overdue
        : a.WatchLevel == WatchLevel.AtRisk || a.AtRiskFromUtc <= nowUtc ? DeadlineState.AtRisk
        : DeadlineState.OnTrack;

    public static string RowClass(DeadlineState s) => s switch
    {
        DeadlineState.Overdue => "overdue",
        DeadlineState.AtRisk => "at-risk",
        _ => "",
    };

    public static string BadgeClass(DeadlineState s) => s switch
    {
        DeadlineState.Overdue => "badge overdue",
        DeadlineState.AtRisk => "badge at-risk",
        DeadlineState.OnTrack => "badge ok",
        _ => "badge",
    };

    public static string Title(DeadlineState s) => s switch
    {
        DeadlineState.Overdue => "Просрочено",
        DeadlineState.AtRisk => "Срок истекает",
        DeadlineState.Paused => "Срок приостановлен",
        DeadlineState.Done => "Рассмотрено",
        _ => "В срок",
    };

    public static string Title(WatchLevel level) => level switch
    {
        WatchLevel.OnTrack => "В срок",
        WatchLevel.AtRisk => "Срок истекает",
        WatchLevel.Overdue => "Просрочено",
        WatchLevel.EscalatedToDispatcher => "Эскалировано ответственному за распределение",
        WatchLevel.EscalatedToController => "Эскалировано контролёру",
        WatchLevel.EscalatedToCentre => "Эскалировано в ЦУР",
        _ => level.ToString(),
    };
}

/// <summary>Times are shown in the organisation's own zone (the region may span several), with the zone named.</summary>
public sealed class LocalTimes(IReadOnlyDictionary<Guid, string> zones)
{
    public static async Task<LocalTimes> LoadAsync(AppDbContext db, CancellationToken ct) =>
        new(await db.Organisations.AsNoTracking().ToDictionaryAsync(o => o.Id, o => o.TimeZone, ct));

    public TimeZoneInfo ZoneOf(Guid? organisationId) =>
        organisationId is { } id && zones.TryGetValue(id, out var zone) ? TimeZones.Find(zone) : TimeZones.Find("Europe/Moscow");

    public string Format(DateTime? utc, Guid? organisationId) =>
        utc is { } t ? TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(t, DateTimeKind.Utc), ZoneOf(organisationId)).ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture) : "—";

    public static string Format(DateOnly? date) => date?.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture) ?? "—";
}
