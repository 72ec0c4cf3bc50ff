using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;

namespace Otklik.Features.Execution;

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
