using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Features.Mail;
using Otklik.Infrastructure;

namespace Otklik.Features.Knowledge;

/// <summary>Articles whose review date has passed, by owner organisation, within an administrator's scope.</summary>
public static class StaleArticles
{
    public sealed record Item(Guid Id, string Title, DateOnly ReviewOn, string AuthorName, bool IsPublished);

    public sealed record Group(Guid OrganisationId, string Organisation, IReadOnlyList<Item> Articles);

    public static async Task<IReadOnlyList<Group>> LoadAsync(AppDbContext db, CurrentUser user, DateOnly today, CancellationToken ct)
    {
        var scope = (await user.ScopeAsync(ct, Role.Administrator)).ToList();
        var stale = await db.Articles.AsNoTracking().Where(a => a.ReviewOn < today && scope.Contains(a.OwnerOrganisationId))
            .OrderBy(a => a.ReviewOn).ThenBy(a => a.Title)
            .Select(a => new { a.OwnerOrganisationId, Item = new Item(a.Id, a.Title, a.ReviewOn, a.AuthorName, a.IsPublished) }).ToListAsync(ct);
        var owners = stale.Select(s => s.OwnerOrganisationId).Distinct().ToList();
        var names = await db.Organisations.AsNoTracking().Where(o => owners.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, ct);
        return [.. stale.GroupBy(s => s.OwnerOrganisationId)
            .Select(g => new Group(g.Key, names.GetValueOrDefault(g.Key) ?? "", [.. g.Select(x => x.Item)]))
            .OrderBy(g => g.Organisation, StringComparer.Ordinal)];
    }
}

/// <summary>
/// Tells the owner organisation's content editors, once per staleness, that an article's review date has passed
/// (outbox "knowledge.article_stale"). A new review date that passes in its turn is told again.
/// </summary>
public sealed class StaleArticleSweep(IServiceScopeFactory scopes, TimeProvider clock, ILogger<StaleArticleSweep> log)
    : PeriodicSweep(scopes, clock, log, TimeSpan.FromHours(1), "Stale article sweep")
{
    protected override async Task PassAsync(IServiceProvider services, DateTime nowUtc, CancellationToken ct)
    {
        var told = await RunOnceAsync(services.GetRequiredService<AppDbContext>(), nowUtc, ct);
        if (told > 0) Log.LogInformation("Stale article sweep told the owners of {Count} articles", told);
    }

    public static async Task<int> RunOnceAsync(AppDbContext db, DateTime nowUtc, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(nowUtc);
        var stale = await db.Articles.Where(a => a.ReviewOn < today && (a.StaleNoticeFor == null || a.StaleNoticeFor != a.ReviewOn))
            .OrderBy(a => a.ReviewOn).Take(500).ToListAsync(ct);
        foreach (var a in stale)
        {
            a.StaleNoticeFor = a.ReviewOn;
            db.Outbox.Add(OutboxMessage.Create(MessageTypes.ArticleStale,
                new { article = a.Id, a.Title, a.ReviewOn, role = Role.ContentEditor, organisationId = a.OwnerOrganisationId }, null, nowUtc));
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // An editor changed one of them at the same moment; the next pass looks again.
            db.ChangeTracker.Clear();
            return 0;
        }
        return stale.Count;
    }
}
