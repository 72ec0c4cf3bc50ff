using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;

namespace Otklik.Features.Discussions;

/// <summary>
/// Public discussions for apps: the list and one discussion with its published comments and, once published, the
/// organisation's verdict on each. Anonymous reads, like the portal's pages: nothing here is unpublished.
/// </summary>
public static class DiscussionsApi
{
    public sealed record ListItem(Guid Id, string Title, DiscussionKind Kind, string Organisation, string? Territory, DateTime OpensAtUtc, DateTime ClosesAtUtc,
        DiscussionState State, bool TakesComments, int Comments);
    public sealed record FileView(Guid Id, string FileName, string ContentType, long Size, string Url);
    public sealed record CommentView(Guid Id, string Author, string Text, DateTime SubmittedAtUtc, CommentVerdict? Verdict, string? VerdictReason);
    public sealed record DiscussionView(Guid Id, string Title, DiscussionKind Kind, string Text, string Organisation, string? Territory, DateTime OpensAtUtc,
        DateTime ClosesAtUtc, DiscussionState State, bool TakesComments, IReadOnlyList<FileView> Files, IReadOnlyList<CommentView> Comments, string? Summary,
        DateTime? SummaryPublishedAtUtc);

    public static void MapDiscussionsApi(this IEndpointRouteBuilder routes)
    {
        var g = routes.MapGroup("/discussions").WithTags("Discussions");
        g.MapGet("", List).AllowAnonymous();
        g.MapGet("/{id:guid}", One).AllowAnonymous();
    }

    static async Task<Ok<IReadOnlyList<ListItem>>> List(bool? open, AppDbContext db, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(await ListAsync(db, open, clock.GetUtcNow().UtcDateTime, ct));

    static async Task<Results<Ok<DiscussionView>, NotFound>> One(Guid id, AppDbContext db, TimeProvider clock, CancellationToken ct) =>
        await ViewAsync(db, id, clock.GetUtcNow().UtcDateTime, ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound();

    /// <summary>Open ones (taking comments now) first, by their closing; then the finished, latest first.</summary>
    public static async Task<IReadOnlyList<ListItem>> ListAsync(AppDbContext db, bool? open, DateTime nowUtc, CancellationToken ct)
    {
        var rows = await db.Discussions.AsNoTracking()
            .Select(d => new
            {
                d.Id, d.Title, d.Kind, Organisation = db.Organisations.Where(o => o.Id == d.OwnerOrganisationId).Select(o => o.Name).Single(),
                Territory = db.Territories.Where(t => t.Id == d.TerritoryId).Select(t => t.Name).FirstOrDefault(), d.OpensAtUtc, d.ClosesAtUtc, d.State,
                Comments = db.DiscussionComments.Count(c => c.DiscussionId == d.Id && c.State == CommentState.Published),
            }).ToListAsync(ct);
        var items = rows.Select(d => new ListItem(d.Id, d.Title, d.Kind, d.Organisation, d.Territory, d.OpensAtUtc, d.ClosesAtUtc, d.State,
            d.State == DiscussionState.Open && nowUtc < d.ClosesAtUtc, d.Comments)).Where(d => open is null || d.TakesComments == open).ToList();
        return [.. items.Where(d => d.TakesComments).OrderBy(d => d.ClosesAtUtc), .. items.Where(d => !d.TakesComments).OrderByDescending(d => d.ClosesAtUtc)];
    }

    public static async Task<DiscussionView?> ViewAsync(AppDbContext db, Guid id, DateTime nowUtc, CancellationToken ct)
    {
        var d = await db.Discussions.AsNoTracking().Include(x => x.Files).SingleOrDefaultAsync(x => x.Id == id, ct);
        if (d is null) return null;
        var organisation = await db.Organisations.AsNoTracking().Where(o => o.Id == d.OwnerOrganisationId).Select(o => o.Name).SingleAsync(ct);
        var territory = d.TerritoryId is { } t ? await db.Territories.AsNoTracking().Where(x => x.Id == t).Select(x => x.Name).SingleOrDefaultAsync(ct) : null;
        var summarised = d.State == DiscussionState.Summarised;
        var comments = await db.DiscussionComments.AsNoTracking().Where(c => c.DiscussionId == id && c.State == CommentState.Published)
            .OrderBy(c => c.SubmittedAtUtc).ToListAsync(ct);
        return new DiscussionView(d.Id, d.Title, d.Kind, d.Text, organisation, territory, d.OpensAtUtc, d.ClosesAtUtc, d.State, d.TakesComments(nowUtc),
            [.. d.Files.OrderBy(f => f.FileName).Select(f => new FileView(f.Id, f.FileName, f.ContentType, f.Size, FileUrl(d.Id, f.Id)))],
            [.. comments.Select(c => new CommentView(c.Id, c.AuthorName, c.Text, c.SubmittedAtUtc, summarised ? c.Verdict : null, summarised ? c.VerdictReason : null))],
            summarised ? d.Summary : null, d.SummaryPublishedAtUtc);
    }

    public static string FileUrl(Guid discussion, Guid file) => $"/discussions/{discussion}?handler=File&fileId={file}";
}
