using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Knowledge;

namespace Otklik.Features.Search;

/// <summary>
/// Keeps the search entries in step with appeals and articles. <see cref="AppDbContext"/> calls it on every save, before
/// writing, so the entries are written in the same transaction as the change that caused them: whatever path changes
/// an appeal (intake, moderation, <see cref="AppealChanges"/>, a sweep, the demo seed), search can never miss it.
/// </summary>
public static class SearchIndexer
{
    /// <summary>Statuses in which a public appeal shows on the portal: registered and after, but not rejected or merged.</summary>
    static readonly AppealStatus[] Unpublished = [AppealStatus.Moderation, AppealStatus.Clarification, AppealStatus.Rejected, AppealStatus.Merged];

    sealed record Doc(SearchKind Kind, Guid EntityId, bool IsPublic, string Title, string Body);

    sealed record Change(SearchKind Kind, Guid EntityId, IReadOnlyList<Doc> Docs);

    public static void Index(AppDbContext db)
    {
        var changes = Collect(db);
        if (changes.Count == 0) return;
        var ids = changes.Select(c => c.EntityId).ToList();
        Apply(db, changes, [.. db.Set<SearchEntry>().Where(e => ids.Contains(e.EntityId))]);
    }

    public static async Task IndexAsync(AppDbContext db, CancellationToken ct)
    {
        var changes = Collect(db);
        if (changes.Count == 0) return;
        var ids = changes.Select(c => c.EntityId).ToList();
        Apply(db, changes, await db.Set<SearchEntry>().Where(e => ids.Contains(e.EntityId)).ToListAsync(ct));
    }

    /// <summary>The entries of a new appeal, for a bulk load that bypasses SaveChanges (the benchmark's data generator).</summary>
    public static IEnumerable<SearchEntry> EntriesOf(Appeal a, bool postgres) => DocsOf(a).Select(d => new SearchEntry
    {
        Kind = d.Kind, EntityId = d.EntityId, IsPublic = d.IsPublic, Title = d.Title, Body = d.Body,
        TitleStems = postgres ? "" : RussianText.Stems(d.Title), BodyStems = postgres ? "" : RussianText.Stems(d.Body),
    });

    static List<Change> Collect(AppDbContext db)
    {
        var changes = new List<Change>();
        foreach (var entry in db.ChangeTracker.Entries<Appeal>())
        {
            if (entry.State == EntityState.Deleted) changes.Add(new(SearchKind.Appeal, entry.Entity.Id, []));
            else if (entry.State == EntityState.Added || (entry.State == EntityState.Modified && AppealChanged(entry)))
                changes.Add(new(SearchKind.Appeal, entry.Entity.Id, DocsOf(entry.Entity)));
        }
        foreach (var entry in db.ChangeTracker.Entries<Article>())
        {
            if (entry.State == EntityState.Deleted) changes.Add(new(SearchKind.Article, entry.Entity.Id, []));
            else if (entry.State is EntityState.Added or EntityState.Modified)
                changes.Add(new(SearchKind.Article, entry.Entity.Id, [DocOf(entry.Entity)]));
        }
        return changes;
    }

    /// <summary>
    /// The text (its <see cref="Appeal.SearchText"/> follows number, text, address and applicant), the published copy or
    /// its released masks, publicity or status moved.
    /// </summary>
    static bool AppealChanged(EntityEntry<Appeal> e) =>
        e.Property(a => a.SearchText).IsModified || e.Property(a => a.IsPublic).IsModified
        || e.Property(a => a.PublicText).IsModified || e.Property(a => a.PublicUnmasked).IsModified
        || (e.Entity.IsPublic && e.Property(a => a.Status).IsModified);

    static List<Doc> DocsOf(Appeal a)
    {
        var applicant = a.Applicant;
        // Staff find an appeal by its applicant too; the public copy holds only what the portal shows.
        var staff = new Doc(SearchKind.Appeal, a.Id, false, a.Number, string.Join('\n',
            new[] { a.Text, a.Address, applicant.DisplayName, applicant.RepresentativeName, applicant.Email, applicant.Phone, applicant.Inn }
                .Where(s => !string.IsNullOrWhiteSpace(s))));
        var docs = new List<Doc> { staff };
        // The public copy is what the public page shows, masked by the same rule (Portal.Public.PublicMasking).
        if (a.IsPublic && !Unpublished.Contains(a.Status))
            docs.Add(new Doc(SearchKind.Appeal, a.Id, true, a.Number, string.Join('\n',
                new[] { Portal.Public.PublicMasking.AppealText(a).Public, Portal.Public.PublicMasking.Address(a.Address, applicant.PostalAddress) }
                    .Where(s => !string.IsNullOrWhiteSpace(s)))));
        return docs;
    }

    static Doc DocOf(Article a) => new(SearchKind.Article, a.Id, a.IsPublished, a.Title,
        string.Join('\n', new[] { a.Answer, a.LegalBasis }.Where(s => !string.IsNullOrWhiteSpace(s))));

    static void Apply(AppDbContext db, List<Change> changes, List<SearchEntry> existing)
    {
        var set = db.Set<SearchEntry>();
        foreach (var change in changes)
        {
            var old = existing.Where(e => e.EntityId == change.EntityId && e.Kind == change.Kind).ToList();
            foreach (var doc in change.Docs)
            {
                var entry = old.FirstOrDefault(e => e.IsPublic == doc.IsPublic);
                if (entry is null) set.Add(entry = new SearchEntry { Kind = doc.Kind, EntityId = doc.EntityId, IsPublic = doc.IsPublic });
                else old.Remove(entry);
                if (entry.Title == doc.Title && entry.Body == doc.Body && entry.Id != 0) continue;
                entry.Title = doc.Title.Length > 1000 ? doc.Title[..1000] : doc.Title;
                entry.Body = doc.Body;
                if (!db.IsPostgres)
                {
                    entry.TitleStems = RussianText.Stems(entry.Title);
                    entry.BodyStems = RussianText.Stems(entry.Body);
                }
            }
            set.RemoveRange(old);
        }
    }
}
