using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Moderation;
using Otklik.Features.Search;

namespace Otklik.Features.Analytics;

/// <summary>
/// A suggestion turned down (ADR 0049): «this appeal (or this spike) is not this root cause». Kept so it is not offered
/// again; nothing else learns from it. <see cref="Subject"/> is <c>appeal:{id}</c> or <c>spike:{series}|{window}|{day}</c>.
/// </summary>
public sealed class RootCauseDismissal
{
    public const int MaxSubject = 260;

    public Guid RootCauseId { get; set; }
    public string Subject { get; set; } = "";
    public Guid PersonId { get; set; }
    public DateTime AtUtc { get; set; }

    public static string OfAppeal(Guid appealId) => $"appeal:{appealId}";
    public static string OfSpike(string series, SpikeWindow window, DateOnly day) => $"spike:{series}|{window}|{day:yyyy-MM-dd}";
}

sealed class RootCauseDismissalConfiguration : IEntityTypeConfiguration<RootCauseDismissal>
{
    public void Configure(EntityTypeBuilder<RootCauseDismissal> b)
    {
        b.ToTable("RootCauseDismissals");
        b.HasKey(x => new { x.RootCauseId, x.Subject });
        b.Property(x => x.Subject).HasMaxLength(RootCauseDismissal.MaxSubject);
        b.HasOne<RootCause>().WithMany().HasForeignKey(x => x.RootCauseId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>
/// Root-cause suggestions by similar text and place (issue 20 item 4, ADR 0049). Text: the word stems of the Russian
/// stemmer (<see cref="RussianText"/>), words of one synonym group (<see cref="Synonyms"/>, «яма, выбоина») counted as one;
/// the similarity of an appeal to a root cause is the share of the appeal's distinct stems (2 letters and more: «ям») found in
/// the cause's profile — its title, description and the texts of its linked appeals. Place: the distance to the nearest
/// linked appeal's point, the same territory, the same topic. An appeal is suggested from <see cref="MinText"/> of
/// similar text, ranked by score = text + place (up to 0.4 within <see cref="NearMetres"/>, falling with the distance;
/// 0.15 for the same territory) + 0.1 for the same topic.
/// </summary>
public static class CauseSuggestions
{
    /// <summary>Appeals received within this many days are looked at.</summary>
    public const int Days = 60;
    public const double MinText = 0.3;
    public const double NearMetres = 1000;
    public const int MaxCandidates = 3000;
    public const int MaxShown = 10;

    public sealed record AppealSuggestion(Guid AppealId, string Number, DateTime ReceivedAtUtc, string Excerpt, double Text, int? Metres,
        bool SameTopic, bool SameTerritory, double Score, string Why);

    public sealed record CauseSuggestion(Guid RootCauseId, string Title, double Text, double Score, string Why);

    /// <summary>The stems of a text, each folded to its synonym group's first word when it belongs to one.</summary>
    public static HashSet<string> Stems(string? text, IReadOnlyDictionary<string, string> fold) =>
        [.. RussianText.Tokens(text).Select(t => t.Stem).Where(s => s.Length >= 2).Select(s => fold.GetValueOrDefault(s, s))];

    /// <summary>Stem → the stem of its group's first one-word member, for every one-word member of a synonym group.</summary>
    public static Dictionary<string, string> Fold(IReadOnlyList<string[]> groups)
    {
        var fold = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in groups)
        {
            var words = group.Select(m => RussianText.Tokens(m).Select(t => t.Stem).ToList()).Where(s => s.Count == 1).Select(s => s[0]).ToList();
            if (words.Count < 2) continue;
            foreach (var w in words) fold.TryAdd(w, words[0]);
        }
        return fold;
    }

    /// <summary>The share of <paramref name="words"/> found in <paramref name="profile"/> (0 when there are no words).</summary>
    public static double Similarity(IReadOnlySet<string> words, IReadOnlySet<string> profile) =>
        words.Count == 0 ? 0 : (double)words.Count(profile.Contains) / words.Count;

    /// <summary>The score of an appeal for a cause, and the reasons in words.</summary>
    public static (double Score, string Why) Judge(double text, int? metres, bool sameTopic, bool sameTerritory)
    {
        var place = metres is { } m && m <= NearMetres ? 0.4 * (1 - m / NearMetres * 0.5) : sameTerritory ? 0.15 : 0;
        var why = new List<string> { $"похожий текст {Math.Round(text * 100).ToString(CultureInfo.InvariantCulture)} %" };
        if (metres is { } d && d <= NearMetres) why.Add($"{d.ToString(CultureInfo.InvariantCulture)} м от связанного обращения");
        if (sameTerritory) why.Add("та же территория");
        if (sameTopic) why.Add("та же тема");
        return (Math.Round(text + place + (sameTopic ? 0.1 : 0), 3), string.Join(" · ", why));
    }

    /// <summary>Appeals that look like the same cause: seen by the person, recent, not linked, not turned down for it.</summary>
    public static async Task<List<AppealSuggestion>> ForCauseAsync(AppDbContext db, IQueryable<Appeal> visible, RootCause cause, DateTime nowUtc, CancellationToken ct)
    {
        var linked = cause.Appeals.Select(a => a.AppealId).ToList();
        var dismissed = (await db.Set<RootCauseDismissal>().AsNoTracking().Where(d => d.RootCauseId == cause.Id).Select(d => d.Subject).ToListAsync(ct)).ToHashSet();
        var fold = Fold(await Synonyms.LoadAsync(db, ct));
        var known = await db.Appeals.AsNoTracking().Where(a => linked.Contains(a.Id)).OrderByDescending(a => a.ReceivedAtUtc).Take(200)
            .Select(a => new { a.Text, a.Latitude, a.Longitude }).ToListAsync(ct);
        var profile = Stems(string.Join(' ', known.Select(k => k.Text).Prepend(cause.Description ?? "").Prepend(cause.Title)), fold);
        var points = known.Where(k => k.Latitude is not null && k.Longitude is not null).Select(k => (Lat: k.Latitude!.Value, Lon: k.Longitude!.Value)).ToList();

        var since = nowUtc.AddDays(-Days);
        var q = visible.AsNoTracking().Where(a => a.ReceivedAtUtc >= since && a.Status != AppealStatus.Merged && a.Status != AppealStatus.Rejected && !linked.Contains(a.Id));
        // Where to look: the cause's topic, its territory, or near its appeals' points; with none of them, the newest appeals.
        var (topic, territory) = (cause.TopicId, cause.TerritoryId);
        if (topic is not null || territory is not null || points.Count > 0)
        {
            // No points: an empty box (its minimum above its maximum) that no appeal falls in.
            var (minLat, maxLat, minLon, maxLon) = points.Count == 0 ? (0.0, -1.0, 0.0, -1.0) : Box(points);
            q = q.Where(a => (topic != null && a.TopicId == topic) || (territory != null && a.TerritoryId == territory)
                || (a.Latitude >= minLat && a.Latitude <= maxLat && a.Longitude >= minLon && a.Longitude <= maxLon));
        }
        var rows = await q.OrderByDescending(a => a.ReceivedAtUtc).Take(MaxCandidates)
            .Select(a => new { a.Id, a.Number, a.ReceivedAtUtc, a.Text, a.TopicId, a.TerritoryId, a.Latitude, a.Longitude }).ToListAsync(ct);
        var found = new List<AppealSuggestion>();
        foreach (var a in rows)
        {
            if (dismissed.Contains(RootCauseDismissal.OfAppeal(a.Id))) continue;
            var text = Similarity(Stems(a.Text, fold), profile);
            if (text < MinText) continue;
            int? metres = a.Latitude is { } la && a.Longitude is { } lo && points.Count > 0
                ? (int)Math.Round(points.Min(p => ModerationScreens.DistanceMetres(la, lo, p.Lat, p.Lon))) : null;
            var sameTopic = topic is not null && a.TopicId == topic;
            var sameTerritory = territory is not null && a.TerritoryId == territory;
            var (score, why) = Judge(text, metres, sameTopic, sameTerritory);
            found.Add(new(a.Id, a.Number, a.ReceivedAtUtc, ModerationScreens.Excerpt(a.Text, 160), Math.Round(text, 3), metres, sameTopic, sameTerritory, score, why));
        }
        return [.. found.OrderByDescending(s => s.Score).ThenByDescending(s => s.ReceivedAtUtc).Take(MaxShown)];
    }

    /// <summary>
    /// Root causes a spike looks like: open or in progress, seen by the person, not turned down for this spike; matched by
    /// the spike's topic and territory and by how much of the spike's appeals' wording their profile (title, description,
    /// linked appeals) shares — the same <see cref="MinText"/>, or the same topic and territory alone.
    /// </summary>
    public static async Task<List<CauseSuggestion>> ForSpikeAsync(AppDbContext db, IQueryable<RootCause> causes, IQueryable<Appeal> spikeAppeals,
        string spikeSubject, Guid? topic, Guid? territory, CancellationToken ct)
    {
        var open = await causes.AsNoTracking().Where(c => c.Status != RootCauseStatus.Resolved)
            .Where(c => !db.Set<RootCauseDismissal>().Any(d => d.RootCauseId == c.Id && d.Subject == spikeSubject))
            .OrderByDescending(c => c.CreatedAtUtc).Take(200)
            .Select(c => new { c.Id, c.Title, c.Description, c.TopicId, c.TerritoryId }).ToListAsync(ct);
        if (open.Count == 0) return [];
        var fold = Fold(await Synonyms.LoadAsync(db, ct));
        var texts = await spikeAppeals.AsNoTracking().OrderByDescending(a => a.ReceivedAtUtc).Take(50).Select(a => a.Text).ToListAsync(ct);
        var words = Stems(string.Join(' ', texts), fold);
        var ids = open.Select(c => c.Id).ToList();
        var linkedTexts = (await (from l in db.Set<RootCauseAppeal>().AsNoTracking()
                                  where ids.Contains(l.RootCauseId)
                                  join a in db.Appeals on l.AppealId equals a.Id
                                  select new { l.RootCauseId, a.Text }).Take(2000).ToListAsync(ct))
            .GroupBy(x => x.RootCauseId).ToDictionary(g => g.Key, g => string.Join(' ', g.Take(50).Select(x => x.Text)));
        var found = new List<CauseSuggestion>();
        foreach (var c in open)
        {
            var profile = Stems($"{c.Title} {c.Description} {linkedTexts.GetValueOrDefault(c.Id)}", fold);
            // The share of the cause's own words found in the spike's appeals: a short title is matched by what the spike says.
            var text = Similarity(profile, words);
            var sameTopic = topic is not null && c.TopicId == topic;
            var sameTerritory = territory is not null && c.TerritoryId == territory;
            var placeAndTopic = sameTopic && (territory is null || sameTerritory);
            if (text < MinText && !placeAndTopic) continue;
            var (score, why) = Judge(text, null, sameTopic, sameTerritory);
            found.Add(new(c.Id, c.Title, Math.Round(text, 3), score, why));
        }
        return [.. found.OrderByDescending(s => s.Score).Take(3)];
    }

    static (double MinLat, double MaxLat, double MinLon, double MaxLon) Box(List<(double Lat, double Lon)> points)
    {
        var dLat = NearMetres / 111_320.0;
        var dLon = dLat / Math.Max(0.01, Math.Cos(points.Average(p => p.Lat) * Math.PI / 180));
        return (points.Min(p => p.Lat) - dLat, points.Max(p => p.Lat) + dLat, points.Min(p => p.Lon) - dLon, points.Max(p => p.Lon) + dLon);
    }
}
