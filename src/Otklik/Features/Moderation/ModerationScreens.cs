using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Infrastructure;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;

namespace Otklik.Features.Moderation;

/// <summary>What the moderator's screens look up: the catalogue, the organisations, likely duplicates, local times.</summary>
public static class ModerationScreens
{
    public sealed record TopicOption(Guid Id, Guid CategoryId, string Name);
    public sealed record OrganisationOption(Guid Id, string Name, int Depth);
    /// <summary>
    /// A likely duplicate. <paramref name="Channel"/> names the channel it came through; <paramref name="Why"/> says, for a
    /// candidate of the same person through any channel (issue 18.6), how the person and the matter were recognised.
    /// </summary>
    public sealed record Duplicate(Guid Id, string Number, AppealStatus Status, DateTime ReceivedAtUtc, string? Address, string Excerpt, int? DistanceMetres,
        Channel Channel = Channel.Portal, string? Why = null);

    public const int DuplicateRadiusMetres = 500;
    public const int DuplicateDays = 30;
    /// <summary>The same person's appeals within this many days either side, through any channel, are offered when the matter looks the same.</summary>
    public const int SameMatterDays = 14;
    /// <summary>The share of common words (of the shorter text's) from which two texts count as similar.</summary>
    public const double SimilarText = 0.4;

    public static Task<List<Category>> CategoriesAsync(AppDbContext db, CancellationToken ct) =>
        db.Categories.AsNoTracking().Where(c => c.IsActive).OrderBy(c => c.SortOrder).ThenBy(c => c.Name).ToListAsync(ct);

    public static Task<List<TopicOption>> TopicsAsync(AppDbContext db, CancellationToken ct) =>
        db.Topics.AsNoTracking().Where(t => t.IsActive).OrderBy(t => t.Name).Select(t => new TopicOption(t.Id, t.CategoryId, t.Name)).ToListAsync(ct);

    /// <summary>The organisations that work in the system, in tree order, for choosing an executor.</summary>
    public static async Task<List<OrganisationOption>> ConnectedOrganisationsAsync(AppDbContext db, CancellationToken ct)
    {
        var orgs = await db.Organisations.AsNoTracking().Where(o => o.IsConnected).Select(o => new { o.Id, o.Name, o.Path }).ToListAsync(ct);
        return [.. orgs.OrderBy(o => o.Path, StringComparer.Ordinal).Select(o => new OrganisationOption(o.Id, o.Name, o.Path.Count(c => c == '/') - 2))];
    }

    /// <summary>
    /// GET /api/v1/appeals/{id}/likely-duplicates: the list of the moderation page, for the moderator of the owning centre
    /// (404 when the caller does not see the appeal, 403 without the duty to moderate it), among the appeals they see.
    /// </summary>
    public static RouteHandlerBuilder MapLikelyDuplicatesApi(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/appeals/{id:guid}/likely-duplicates", async (Guid id, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            {
                var appeal = await db.Appeals.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct);
                if (appeal is null || !await AppealAccess.CanSeeAsync(user, appeal, ct)) return AppealChanges.NotFound();
                if (!await user.HoldsAsync(Duty.Moderate, appeal, ct)) return AppealChanges.Forbidden();
                return TypedResults.Ok(await DuplicatesAsync(db, (await AppealAccess.VisibleAsync(db, user, ct)).AsNoTracking(), appeal, clock.GetUtcNow().UtcDateTime, ct));
            })
            .RequireAuthorization().WithTags("Moderation").WithName("LikelyDuplicates")
            .WithSummary("Likely duplicates of an appeal: the same topic, the last 30 days, alive, within 500 m; and the same person's appeals through any channel within 14 days on the same topic, territory or a similar text; for its moderator.")
            .Produces<List<Duplicate>>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);

    /// <summary>
    /// Likely duplicates: the same topic, received in the last 30 days, still alive (not rejected or merged), and within
    /// 500 m of the point when both have one; then the same person's appeals through any channel (<see cref="SamePersonAsync"/>).
    /// Only appeals the moderator sees are offered.
    /// </summary>
    public static async Task<List<Duplicate>> DuplicatesAsync(AppDbContext db, IQueryable<Appeal> visible, Appeal appeal, DateTime nowUtc, CancellationToken ct)
    {
        var nearby = await NearbyAsync(visible, appeal, nowUtc, ct);
        var person = await SamePersonAsync(db, visible, appeal, ct);
        // A candidate found both ways is shown once, with the reason it is the same person.
        return [.. person, .. nearby.Where(n => person.All(p => p.Id != n.Id))];
    }

    /// <summary>
    /// The same person through any channel (issue 18.6): the same portal account (a Telegram chat linked to it, a
    /// signed-in submission), the same e-mail address, the same phone (its last ten digits), or the same author in a
    /// network (a VK or a collector's public id, a Telegram chat) — within <see cref="SameMatterDays"/> days of the appeal,
    /// alive, and about the same matter: the same topic, the same territory or a similar text. Each names its channel and why.
    /// </summary>
    public static async Task<List<Duplicate>> SamePersonAsync(AppDbContext db, IQueryable<Appeal> visible, Appeal appeal, CancellationToken ct)
    {
        var (from, to) = (appeal.ReceivedAtUtc.AddDays(-SameMatterDays), appeal.ReceivedAtUtc.AddDays(SameMatterDays));
        var user = appeal.ApplicantUserId;
        var email = string.IsNullOrWhiteSpace(appeal.Applicant.Email) ? null : appeal.Applicant.Email.Trim().ToLowerInvariant();
        var digits = Telephony.TelephonyApi.Digits(appeal.Applicant.Phone);
        var thread = await db.ChannelThreads.AsNoTracking().Where(t => t.AppealId == appeal.Id)
            .Select(t => new { t.Network, Author = t.Network == Social.TelegramBot.Network ? t.ReplyTo : t.AuthorPublicId }).SingleOrDefaultAsync(ct);
        var author = thread?.Author;
        var network = thread?.Network;
        if (user is null && email is null && digits is null && author is null) return [];
        // ToLower() and Replace() are translated to SQL on both engines; the StringComparison overloads are not.
#pragma warning disable CA1862
        var rows = await visible.Where(a => a.Id != appeal.Id && a.ReceivedAtUtc >= from && a.ReceivedAtUtc <= to
                                            && a.Status != AppealStatus.Rejected && a.Status != AppealStatus.Merged)
            .Where(a => (user != null && a.ApplicantUserId == user)
                        || (email != null && a.Applicant.Email != null && a.Applicant.Email.ToLower() == email)
                        || (digits != null && a.Applicant.Phone != null
                            && a.Applicant.Phone.Replace(" ", "").Replace("-", "").Replace("(", "").Replace(")", "").EndsWith(digits))
                        || (author != null && db.ChannelThreads.Any(t => t.AppealId == a.Id && t.Network == network
                            && (t.Network == Social.TelegramBot.Network ? t.ReplyTo : t.AuthorPublicId) == author)))
            .OrderByDescending(a => a.ReceivedAtUtc).Take(50)
            .Select(a => new { a.Id, a.Number, a.Status, a.ReceivedAtUtc, a.Address, a.Text, a.Channel, a.TopicId, a.TerritoryId, a.Latitude, a.Longitude, a.ApplicantUserId,
                a.Applicant.Email, a.Applicant.Phone })
            .ToListAsync(ct);
#pragma warning restore CA1862
        var words = Words(appeal.Text);
        var found = new List<Duplicate>();
        foreach (var a in rows)
        {
            // The same place: within the radius when both have a point (a pothole 2 km away in the same town is another
            // pothole), else the same territory when both have one, else unknown (not a difference).
            var samePlace = appeal.Latitude is { } la && appeal.Longitude is { } lo && a.Latitude is { } la2 && a.Longitude is { } lo2
                ? DistanceMetres(la, lo, la2, lo2) <= DuplicateRadiusMetres
                : appeal.TerritoryId is null || a.TerritoryId is null || a.TerritoryId == appeal.TerritoryId;
            var matter = appeal.TopicId is not null && a.TopicId == appeal.TopicId && samePlace ? "та же тема и место"
                : Similarity(words, Words(a.Text)) >= SimilarText ? "похожий текст" : null;
            if (matter is null) continue;
            var who = user is not null && a.ApplicantUserId == user ? "тот же заявитель (учётная запись портала)"
                : email is not null && string.Equals(a.Email?.Trim(), email, StringComparison.OrdinalIgnoreCase) ? "тот же адрес почты"
                : digits is not null && Telephony.TelephonyApi.Digits(a.Phone) == digits ? "тот же телефон"
                : "тот же автор в " + (network == Social.TelegramBot.Network ? "Telegram" : network is "vk-message" or "vk-wall" ? "ВКонтакте" : "соцсети");
            // The distance too when both have a point: the moderator judges "the same pothole" by it.
            int? metres = appeal.Latitude is { } pa && appeal.Longitude is { } po && a.Latitude is { } pa2 && a.Longitude is { } po2
                ? (int)Math.Round(DistanceMetres(pa, po, pa2, po2)) : null;
            found.Add(new(a.Id, a.Number, a.Status, a.ReceivedAtUtc, a.Address, Excerpt(a.Text, 200), metres, a.Channel, $"{who}, {matter}"));
        }
        return [.. found.Take(10)];
    }

    static HashSet<string> Words(string text) =>
        [.. text.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(w => new string([.. w.Where(char.IsLetterOrDigit)])).Where(w => w.Length >= 4)
            // The stem, roughly: Russian endings vary ("яма", "ямы", "ямой"), the first six letters do not.
            .Select(w => w.Length > 6 ? w[..6] : w)];

    static double Similarity(HashSet<string> a, HashSet<string> b) =>
        a.Count == 0 || b.Count == 0 ? 0 : (double)a.Intersect(b).Count() / Math.Min(a.Count, b.Count);

    static async Task<List<Duplicate>> NearbyAsync(IQueryable<Appeal> visible, Appeal appeal, DateTime nowUtc, CancellationToken ct)
    {
        if (appeal.TopicId is not { } topicId) return [];
        var since = nowUtc.AddDays(-DuplicateDays);
        var query = visible.Where(a => a.Id != appeal.Id && a.TopicId == topicId && a.ReceivedAtUtc >= since
                                       && a.Status != AppealStatus.Rejected && a.Status != AppealStatus.Merged);
        if (appeal.Latitude is { } lat && appeal.Longitude is { } lon)
        {
            // A box around the point narrows the rows in the database; the exact distance is measured below.
            var dLat = DuplicateRadiusMetres / 111_320.0;
            var dLon = dLat / Math.Max(0.01, Math.Cos(lat * Math.PI / 180));
            var (minLat, maxLat, minLon, maxLon) = (lat - dLat, lat + dLat, lon - dLon, lon + dLon);
            query = query.Where(a => a.Latitude == null || a.Longitude == null
                                     || (a.Latitude >= minLat && a.Latitude <= maxLat && a.Longitude >= minLon && a.Longitude <= maxLon));
        }
        var rows = await query.OrderByDescending(a => a.ReceivedAtUtc).Take(50)
            .Select(a => new { a.Id, a.Number, a.Status, a.ReceivedAtUtc, a.Address, a.Text, a.Latitude, a.Longitude, a.Channel }).ToListAsync(ct);
        return [.. rows
            .Select(a => new Duplicate(a.Id, a.Number, a.Status, a.ReceivedAtUtc, a.Address, Excerpt(a.Text, 200),
                appeal.Latitude is { } la && appeal.Longitude is { } lo && a.Latitude is { } la2 && a.Longitude is { } lo2
                    ? (int)Math.Round(DistanceMetres(la, lo, la2, lo2)) : null, a.Channel))
            .Where(d => d.DistanceMetres is null or <= DuplicateRadiusMetres)
            .Take(10)];
    }

    /// <summary>Great-circle distance (haversine), good to a few metres at these ranges.</summary>
    public static double DistanceMetres(double lat1, double lon1, double lat2, double lon2)
    {
        const double R = 6_371_000;
        static double Rad(double d) => d * Math.PI / 180;
        var a = Math.Pow(Math.Sin(Rad(lat2 - lat1) / 2), 2) + Math.Cos(Rad(lat1)) * Math.Cos(Rad(lat2)) * Math.Pow(Math.Sin(Rad(lon2 - lon1) / 2), 2);
        return 2 * R * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }

    public static string Excerpt(string text, int max)
    {
        var flat = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= max ? flat : flat[..(max - 1)].TrimEnd() + "…";
    }

    public static async Task<TimeZoneInfo> ZoneOfAsync(AppDbContext db, Guid? organisationId, CancellationToken ct)
    {
        var id = organisationId is null ? null : await db.Organisations.Where(o => o.Id == organisationId).Select(o => o.TimeZone).SingleOrDefaultAsync(ct);
        return id is not null && TimeZones.IsValid(id) ? TimeZones.Find(id) : TimeZones.Find("Europe/Moscow");
    }

    public static string Local(DateTime utc, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone).ToString("dd.MM.yyyy HH:mm", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Coordinates as people type them: a dot or a comma before the fraction.</summary>
public static class Coordinates
{
    public static bool TryParse(string? text, out double? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        if (!double.TryParse(text.Trim().Replace(',', '.'), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v)
            || double.IsNaN(v) || double.IsInfinity(v))
            return false;
        value = v;
        return true;
    }

    public static string? Format(double? value) => value?.ToString("0.######", System.Globalization.CultureInfo.InvariantCulture);
}
