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

    /// <summary>
    /// Claims each stale article with a conditional update (only one node's update of a row succeeds: PostgreSQL re-checks
    /// the condition after the other's commit, SQLite has one writer) and writes its notice in the same transaction, so
    /// two nodes sweeping at once tell each staleness once (issue 21 item 6: 48 notices for 24 articles before).
    /// </summary>
    public static async Task<int> RunOnceAsync(AppDbContext db, DateTime nowUtc, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(nowUtc);
        var stale = await db.Articles.AsNoTracking().Where(a => a.ReviewOn < today && (a.StaleNoticeFor == null || a.StaleNoticeFor != a.ReviewOn))
            .OrderBy(a => a.ReviewOn).ThenBy(a => a.Id).Take(500).Select(a => new { a.Id, a.Title, a.ReviewOn, a.OwnerOrganisationId }).ToListAsync(ct);
        if (stale.Count == 0) return 0;
        var told = 0;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        foreach (var a in stale)
        {
            var reviewOn = a.ReviewOn;
            // Claimed only as read: an editor's new review date in between is a new staleness for a later pass.
            var claimed = await db.Articles
                .Where(x => x.Id == a.Id && x.ReviewOn == reviewOn && (x.StaleNoticeFor == null || x.StaleNoticeFor != reviewOn))
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.StaleNoticeFor, reviewOn), ct);
            if (claimed == 0) continue;
            db.Outbox.Add(OutboxMessage.Create(MessageTypes.ArticleStale,
                new { article = a.Id, a.Title, a.ReviewOn, role = Role.ContentEditor, organisationId = a.OwnerOrganisationId }, null, nowUtc));
            told++;
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return told;
    }
}
