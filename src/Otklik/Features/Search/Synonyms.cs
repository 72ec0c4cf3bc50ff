using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Otklik.Data;

namespace Otklik.Features.Search;

/// <summary>
/// One group of words that mean the same to a person searching («капремонт, капитальный ремонт»): a search for any of
/// them also finds what the others find. Content editors change the list in the office (/office/synonyms).
/// </summary>
public sealed class SynonymGroup
{
    public Guid Id { get; set; }
    /// <summary>The words or phrases of the group, separated by commas.</summary>
    public string Words { get; set; } = "";
    public DateTime UpdatedAtUtc { get; set; }

    public string[] Members() => [.. Words.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(w => w.Length > 0)];
}

public sealed class SynonymGroupConfiguration : IEntityTypeConfiguration<SynonymGroup>
{
    public void Configure(EntityTypeBuilder<SynonymGroup> b)
    {
        b.ToTable("SynonymGroups");
        b.HasKey(g => g.Id);
        b.Property(g => g.Words).HasMaxLength(Synonyms.MaxGroupLength);
        // The list a region starts with; its editors change it from there.
        var at = new DateTime(2026, 12, 7, 0, 0, 0, DateTimeKind.Utc);
        b.HasData(Synonyms.Defaults.Select((words, i) => new SynonymGroup { Id = new Guid($"5e0a0000-0000-0000-0000-{i + 1:D12}"), Words = words, UpdatedAtUtc = at }));
    }
}

/// <summary>Query variants by synonyms, matched by word stems so that every form of a word counts («батарей», «батареи»).</summary>
public static class Synonyms
{
    public const int MaxGroupLength = 500;
    public const int MaxGroups = 500;

    public static readonly string[] Defaults =
    [
        "капремонт, капитальный ремонт",
        "детсад, детский сад, дошкольное образование",
        "мусор, отходы, вывоз мусора, ТКО",
        "батареи, отопление, радиатор",
        "яма, выбоина, ямочный ремонт",
        "ЖКХ, жилищно-коммунальное хозяйство, коммунальные услуги",
        "фонарь, освещение, уличное освещение",
        "поликлиника, больница, медицина",
    ];

    public static async Task<IReadOnlyList<string[]>> LoadAsync(AppDbContext db, CancellationToken ct) =>
        [.. (await db.SynonymGroups.AsNoTracking().Select(g => g.Words).ToListAsync(ct))
            .Select(w => new SynonymGroup { Words = w }.Members()).Where(m => m.Length > 1)];

    /// <summary>
    /// The query itself and, for each group member found in it (as a run of word stems), the query with that run
    /// replaced by each other member of the group.
    /// </summary>
    public static IReadOnlyList<string> Variants(string q, IReadOnlyList<string[]> groups)
    {
        var variants = new List<string> { q };
        var tokens = RussianText.Tokens(q);
        if (tokens.Count == 0) return variants;
        foreach (var group in groups)
            foreach (var member in group)
            {
                var stems = RussianText.Tokens(member).Select(t => t.Stem).ToArray();
                if (stems.Length == 0) continue;
                for (var i = 0; i + stems.Length <= tokens.Count; i++)
                {
                    if (!stems.Select((s, j) => tokens[i + j].Stem == s).All(x => x)) continue;
                    var (start, end) = (tokens[i].Start, tokens[i + stems.Length - 1].End);
                    foreach (var other in group.Where(o => !ReferenceEquals(o, member)))
                    {
                        var variant = q[..start] + other + q[end..];
                        if (!variants.Contains(variant, StringComparer.OrdinalIgnoreCase)) variants.Add(variant);
                    }
                    break;
                }
            }
        return variants;
    }

    /// <summary>
    /// Does <paramref name="name"/> answer the query? Every word of one variant must begin a word of the name, or be
    /// begun by one, compared by stems: «яма» finds «Ямы на дорогах», «субсидии» finds «Субсидия «Модернизация»».
    /// </summary>
    public static bool Matches(IReadOnlyList<string> variants, string name)
    {
        var words = RussianText.Tokens(name).Select(t => t.Stem).ToList();
        foreach (var variant in variants)
        {
            var stems = RussianText.Tokens(variant).Select(t => t.Stem).ToList();
            if (stems.Count > 0 && stems.All(s => words.Any(w => w.StartsWith(s, StringComparison.Ordinal) || (w.Length >= 3 && s.StartsWith(w, StringComparison.Ordinal)))))
                return true;
        }
        return false;
    }
}

/// <summary>The topic search of the appeal forms: the topics whose name (or category's name) answers the query.</summary>
public static class TopicSearch
{
    public sealed record TopicHit(Guid Id, Guid CategoryId, string Name);

    public static async Task<IReadOnlyList<TopicHit>> FindAsync(AppDbContext db, string? q, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(q) || q.Length > SearchQuery.MaxLength) return [];
        var variants = Synonyms.Variants(q.Trim(), await Synonyms.LoadAsync(db, ct));
        var topics = await db.Topics.AsNoTracking().Where(t => t.IsActive)
            .Select(t => new { t.Id, t.CategoryId, t.Name, Category = db.Categories.Where(c => c.Id == t.CategoryId).Select(c => c.Name).FirstOrDefault() })
            .ToListAsync(ct);
        return [.. topics.Where(t => Synonyms.Matches(variants, t.Name) || (t.Category is { } c && Synonyms.Matches(variants, c)))
            .OrderBy(t => t.Name, StringComparer.Ordinal).Select(t => new TopicHit(t.Id, t.CategoryId, t.Name))];
    }
}
