using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Attachments;

namespace Otklik.Features.Portal.Public;

public enum FeedSort { New, Popular }

/// <summary>One appeal as the feed and the home page show it: never more of the applicant than <see cref="Author"/>.</summary>
public sealed record FeedItem(
    string Number, AppealType Type, string Category, string? Topic, string? Territory, string Excerpt, PublicStage Stage,
    string? Executor, DateOnly? DueDate, bool Overdue, int Views, int Supports, DateTime RegisteredAtUtc, string Author, int? Rating,
    Guid? Photo = null);

public sealed record FeedPage(IReadOnlyList<FeedItem> Items, int Total, int Page, int PageSize)
{
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);
    public bool HasPrevious => Page > 1;
    public bool HasNext => Page < Pages;
}

/// <summary>The feed's query: the public rule, the filters, one sort, and an offset page of 20 over an index.</summary>
public static class PublicFeed
{
    public const int PageSize = 20;

    public static async Task<FeedPage> LoadAsync(AppDbContext db, FeedKind? kind, Guid? category, FeedSort sort, int page, DateTime nowUtc,
        CancellationToken ct, Guid? territory = null, string? text = null)
    {
        var q = db.Appeals.AsNoTracking().Visible().OfKind(kind);
        if (category is { } c) q = q.Where(a => a.CategoryId == c);
        if (territory is { } t) q = q.Where(a => a.TerritoryId == t);
        // The public copy of the search index holds only what the portal shows (masked text, street-level address).
        if (Search.SearchQuery.Parse(text) is { IsEmpty: false } words)
        {
            var matching = Search.SearchIndexes.For(db).Matching(db, Search.SearchKind.Appeal, publicOnly: true, words);
            q = q.Where(a => matching.Contains(a.Id));
        }
        var total = await q.CountAsync(ct);
        page = Math.Clamp(page, 1, Math.Max(1, (total + PageSize - 1) / PageSize));
        var ordered = sort == FeedSort.Popular
            ? q.OrderByDescending(a => a.PublicViews + a.Supports).ThenByDescending(a => a.RegisteredAtUtc).ThenByDescending(a => a.Id)
            : q.OrderByDescending(a => a.RegisteredAtUtc).ThenByDescending(a => a.Id);
        var items = await ItemsAsync(db, ordered.Skip((page - 1) * PageSize).Take(PageSize), nowUtc, ct);
        return new FeedPage(items, total, page, PageSize);
    }

    public static async Task<IReadOnlyList<FeedItem>> LatestAsync(AppDbContext db, int count, DateTime nowUtc, CancellationToken ct) =>
        await ItemsAsync(db, db.Appeals.AsNoTracking().Visible().OrderByDescending(a => a.RegisteredAtUtc).ThenByDescending(a => a.Id).Take(count), nowUtc, ct);

    /// <summary>Reads only the columns a card needs: the applicant's names leave the database for the initial and the masking alone.</summary>
    static async Task<IReadOnlyList<FeedItem>> ItemsAsync(AppDbContext db, IQueryable<Appeal> q, DateTime nowUtc, CancellationToken ct)
    {
        var rows = await q.Select(a => new
        {
            a.Number, a.Type, a.CategoryId, a.TopicId, a.TerritoryId, Text = a.PublicText ?? a.Text, a.PublicUnmasked, a.Status, a.ExecutorOrganisationId,
            a.AnswerDueDate, a.PausedAtUtc, a.DueAtUtc, a.AtRiskFromUtc, a.WatchLevel, a.PublicViews, a.Supports, a.RegisteredAtUtc,
            a.Applicant.Kind, a.Applicant.FirstName, a.Applicant.LastName, a.Applicant.MiddleName, a.Applicant.OrganisationName,
            a.Applicant.Inn, a.Applicant.Ogrn, a.Applicant.RepresentativeName, a.Applicant.PostalAddress, a.Rating,
            // The first photo the applicant attached, shown as the card's thumbnail (served by /appeals/{number}/photos/{id}).
            Photo = db.Attachments.Where(f => f.AppealId == a.Id && f.Kind == AttachmentKind.Photo && f.Purpose == AttachmentPurpose.Appeal)
                .OrderBy(f => f.UploadedAtUtc).Select(f => (Guid?)f.Id).FirstOrDefault(),
        }).ToListAsync(ct);
        if (rows.Count == 0) return [];
        var names = await PublicNames.LoadAsync(db, ct);
        return [.. rows.Select(r =>
        {
            var who = new ApplicantInfo
            {
                Kind = r.Kind, FirstName = r.FirstName, LastName = r.LastName, MiddleName = r.MiddleName, OrganisationName = r.OrganisationName,
                Inn = r.Inn, Ogrn = r.Ogrn, RepresentativeName = r.RepresentativeName, PostalAddress = r.PostalAddress,
            };
            return new FeedItem(r.Number, r.Type, names.Category(r.CategoryId), names.Topic(r.TopicId), names.Territory(r.TerritoryId),
                PublicAppeals.Excerpt(PublicMasking.Mask(r.Text, who, r.PublicUnmasked).Public), PublicAppeals.StageOf(r.Status),
                names.Organisation(r.ExecutorOrganisationId), r.AnswerDueDate,
                DeadlineStates.Of(r.Status, r.PausedAtUtc, r.DueAtUtc, r.AtRiskFromUtc, r.WatchLevel, nowUtc) == DeadlineState.Overdue,
                r.PublicViews, r.Supports, r.RegisteredAtUtc!.Value, PublicAppeals.Author(who), PublicAppeals.AnswerShown(r.Status) ? r.Rating : null, r.Photo);
        })];
    }
}
