using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Audit;

/// <summary>Who reads the trail: the region administrator and a security officer at the region root (the whole region).</summary>
public static class AuditAccess
{
    public static async Task<bool> MayReadAsync(CurrentUser user, CancellationToken ct) =>
        await user.IsRegionAdministratorAsync(ct)
        || (await user.HasRoleAsync(Role.SecurityOfficer, ct) && await user.IsEverywhereAsync(await user.ScopeAsync(ct, Role.SecurityOfficer), ct));
}

/// <summary>One line as the API and the page show it: the actor's name and the appeal's number next to their ids.</summary>
public sealed record AuditLine(long Id, DateTime AtUtc, Guid? ActorId, string? ActorName, AuditKind Kind, Guid? AppealId, string? AppealNumber,
    string? Detail, int? Rows, string? Address);

/// <summary>The filters of the trail, parsed from text (query string or form) with the field named in every refusal.</summary>
public sealed record AuditFilter(Guid? ActorId, Guid? AppealId, DateTime? FromUtc, DateTime? ToUtc, AuditKind? Kind, (DateTime AtUtc, long Id)? Before)
{
    public const int MaxLimit = 1000;
    public const int DefaultLimit = 100;

    /// <summary>
    /// <paramref name="zone"/> reads a bare date ("2026-11-23"): <c>from</c> is the start of that day, <c>to</c> its end.
    /// An instant with an offset or "Z" is taken as it is.
    /// </summary>
    public static AuditFilter Parse(string? actorId, string? appealId, string? from, string? to, string? kind, string? before, TimeZoneInfo zone)
    {
        var errors = new InputErrors();
        var actor = Id(actorId, "actorId", errors);
        var appeal = Id(appealId, "appealId", errors);
        var fromUtc = Instant(from, "from", zone, endOfDay: false, errors);
        var toUtc = Instant(to, "to", zone, endOfDay: true, errors);
        if (fromUtc is { } f && toUtc is { } t && f > t) errors.Add("to", "audit.period", "Конец периода раньше его начала.");
        AuditKind? k = null;
        try { k = QueryValues.Enum<AuditKind>("kind", kind); }
        catch (InputException e) { errors.Add("kind", e.Code, e.Message); }
        (DateTime, long)? cursor = null;
        if (!string.IsNullOrWhiteSpace(before))
        {
            var parts = before.Split('-');
            if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks >= DateTime.MinValue.Ticks && ticks <= DateTime.MaxValue.Ticks
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                cursor = (new DateTime(ticks, DateTimeKind.Utc), id);
            else errors.Add("before", "paging.cursor", "Курсор — значение nextCursor из предыдущего ответа.");
        }
        errors.ThrowIfAny();
        return new(actor, appeal, fromUtc, toUtc, k, cursor);
    }

    public static int Limit(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return DefaultLimit;
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxLimit ? n
            : throw new InputException("limit", "paging.limit", $"Сколько строк показать — целое число от 1 до {MaxLimit}.");
    }

    public static string Cursor(AuditLine line) => FormattableString.Invariant($"{line.AtUtc.Ticks}-{line.Id}");

    /// <summary>The matching lines, newest first, at most <paramref name="limit"/>.</summary>
    public async Task<List<AuditLine>> ReadAsync(AppDbContext db, int limit, CancellationToken ct)
    {
        var q = db.AuditRecords.AsNoTracking();
        if (ActorId is { } actor) q = q.Where(r => r.ActorId == actor);
        if (AppealId is { } appeal) q = q.Where(r => r.AppealId == appeal);
        if (FromUtc is { } from) q = q.Where(r => r.AtUtc >= from);
        if (ToUtc is { } to) q = q.Where(r => r.AtUtc <= to);
        if (Kind is { } kind) q = q.Where(r => r.Kind == kind);
        if (Before is var (at, id)) q = q.Where(r => r.AtUtc < at || (r.AtUtc == at && r.Id < id));
        return await q.OrderByDescending(r => r.AtUtc).ThenByDescending(r => r.Id).Take(limit)
            .Select(r => new AuditLine(r.Id, r.AtUtc, r.ActorId,
                db.Users.Where(u => u.Id == r.ActorId).Select(u => u.LastName + " " + u.FirstName).FirstOrDefault(),
                r.Kind, r.AppealId, db.Appeals.Where(a => a.Id == r.AppealId).Select(a => a.Number).FirstOrDefault(),
                r.Detail, r.Rows, r.Address))
            .ToListAsync(ct);
    }

    static Guid? Id(string? value, string field, InputErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (Guid.TryParse(value.Trim(), out var id)) return id;
        errors.Add(field, "request.invalid_parameter", $"«{field}» — идентификатор (GUID), например 0190a3c1-0000-7000-8000-000000000000.");
        return null;
    }

    static DateTime? Instant(string? value, string field, TimeZoneInfo zone, bool endOfDay, InputErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var text = value.Trim();
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            var local = day.ToDateTime(endOfDay ? TimeOnly.MaxValue : TimeOnly.MinValue, DateTimeKind.Unspecified);
            // The first and last days of the calendar may fall outside it once moved to UTC: they bound nothing anyway.
            try { return TimeZoneInfo.ConvertTimeToUtc(local, zone); }
            catch (ArgumentException) { return endOfDay ? DateTime.MaxValue : DateTime.MinValue; }
        }
        if (text.Length > 10 && (text.EndsWith('Z') || text[^6] is '+' or '-')
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
            return at.UtcDateTime;
        errors.Add(field, "request.invalid_parameter", $"«{field}» — дата (2026-11-23) или момент времени с часовым поясом (2026-11-23T10:00:00Z).");
        return null;
    }
}
