using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Search;
using Otklik.Infrastructure;

namespace Otklik.Features.Business;

/// <summary>
/// The public catalogue of support measures: filters an entrepreneur understands (business kind, ОКВЭД, municipality,
/// form, at least an amount) and a search that finds every word form and the editors' synonyms, as the topic search does.
/// </summary>
public static class MeasureCatalogue
{
    public sealed record Filter(string? Q, BusinessKinds? Kind, string? Okved, Guid? TerritoryId, SupportForm? Form, long? MinAmount, Guid? OrganisationId);

    public sealed record Item(Guid Id, string Title, string Summary, SupportForm Form, string? AmountText, BusinessKinds Kinds, Guid? TerritoryId,
        Guid OrganisationId, string Organisation, DateOnly? ApplyUntil);

    /// <summary>Checks the filter's fields as typed; a wrong one is refused by its name.</summary>
    public static void Check(Filter f)
    {
        var e = new InputErrors();
        if (f.Q is { Length: > SearchQuery.MaxLength }) e.Add("q", "search.too_long", "Строка поиска длиннее 200 символов.");
        if (f.Okved is { } o && !System.Text.RegularExpressions.Regex.IsMatch(o.Trim(), @"^\d{2}(\.\d{1,2}){0,2}$"))
            e.Add("okved", "okved.format", "Код ОКВЭД — две цифры и, через точку, подкласс и группа, например 10.71.");
        if (f.MinAmount is < 0) e.Add("minAmount", "amount.range", "Сумма не может быть отрицательной.");
        e.ThrowIfAny(StatusCodes.Status400BadRequest);
    }

    public static async Task<IReadOnlyList<Item>> FindAsync(AppDbContext db, Filter f, CancellationToken ct)
    {
        Check(f);
        var query = db.SupportMeasures.AsNoTracking().Where(m => m.IsPublished);
        if (f.Form is { } form) query = query.Where(m => m.Form == form);
        if (f.TerritoryId is { } t) query = query.Where(m => m.TerritoryId == null || m.TerritoryId == t);
        if (f.MinAmount is { } min) query = query.Where(m => m.AmountMaxRub != null && m.AmountMaxRub >= min);
        if (f.OrganisationId is { } org) query = query.Where(m => m.OrganisationId == org);
        var rows = await query
            .Select(m => new { m.Id, m.Title, m.Summary, m.Form, m.AmountText, m.Kinds, m.TerritoryId, m.OrganisationId, m.ApplyUntil, m.Okved, m.SearchStems })
            .ToListAsync(ct);
        var matcher = string.IsNullOrWhiteSpace(f.Q) ? null : await MatcherAsync(db, f.Q, ct);
        var fits = rows.Where(m => (f.Kind is not { } k || k == BusinessKinds.None || m.Kinds == BusinessKinds.None || (m.Kinds & k) != 0)
                && SupportMeasure.FitsOkved(m.Okved, f.Okved) && (matcher is null || matcher(m.SearchStems)))
            .ToList();
        var orgIds = fits.Select(m => m.OrganisationId).Distinct().ToList();
        var names = await db.Organisations.AsNoTracking().Where(o => orgIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.ShortName, ct);
        return [.. fits.OrderBy(m => m.Title, StringComparer.Ordinal).Select(m => new Item(m.Id, m.Title, m.Summary, m.Form, m.AmountText, m.Kinds,
            m.TerritoryId, m.OrganisationId, names.GetValueOrDefault(m.OrganisationId) ?? "", m.ApplyUntil))];
    }

    /// <summary>
    /// The query's variants by the synonym groups, each as its stems: a measure answers when every stem of one variant
    /// begins a word of its stemmed text («субсидии» finds «субсидия», «займ» finds «микрозайм» only as a whole stem).
    /// </summary>
    public static async Task<Func<string, bool>> MatcherAsync(AppDbContext db, string q, CancellationToken ct)
    {
        var variants = Synonyms.Variants(q.Trim(), await Synonyms.LoadAsync(db, ct))
            .Select(v => RussianText.Tokens(v).Select(t => t.Stem).ToArray()).Where(s => s.Length > 0).ToList();
        return stems =>
        {
            var words = stems.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return variants.Any(v => v.All(s => words.Any(w => w.StartsWith(s, StringComparison.Ordinal))));
        };
    }
}
