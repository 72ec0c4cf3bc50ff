using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Features.Attachments;
using Otklik.Infrastructure;

namespace Otklik.Features.Discussions;

/// <summary>The office's discussions: those of the editor's organisations, and a new one published with its files for a period.</summary>
[Authorize]
public sealed class OfficeModel(AppDbContext db, CurrentUser user, IFileStore files, TimeProvider clock) : PageModel
{
    /// <summary>Who publishes discussions and writes their summaries, within their organisations.</summary>
    public static readonly Role[] Editors = [Role.ContentEditor, Role.Administrator];

    [BindProperty] public string? Title { get; set; }
    [BindProperty] public DiscussionKind Kind { get; set; }
    [BindProperty] public string? Text { get; set; }
    [BindProperty] public Guid? OwnerOrganisationId { get; set; }
    [BindProperty] public Guid? TerritoryId { get; set; }
    [BindProperty] public DateOnly? Until { get; set; }
    [BindProperty] public List<IFormFile> Files { get; set; } = [];

    public sealed record Row(Guid Id, string Title, DiscussionState State, DateTime ClosesAtUtc, int Pending, int Published);
    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public IReadOnlyList<Organisation> Owners { get; private set; } = [];
    public IReadOnlyList<Territory> Territories { get; private set; } = [];
    public Dictionary<string, string[]> Errors { get; } = [];
    public string? ErrorFor(string f) => Errors.TryGetValue(f, out var e) ? string.Join(" ", e) : null;
    public DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ?? Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refusal) return refusal;
        var today = DateOnly.FromDateTime(Now);
        if (string.IsNullOrWhiteSpace(Title) || Title.Trim().Length > 500) Errors["title"] = ["Укажите название (не длиннее 500 знаков)."];
        if (string.IsNullOrWhiteSpace(Text) || Text.Trim().Length is < 20 or > 100_000) Errors["text"] = ["Приведите текст проекта: от 20 до 100 000 знаков."];
        if (OwnerOrganisationId is not { } owner || Owners.All(o => o.Id != owner)) Errors["ownerOrganisationId"] = ["Выберите организацию из своих."];
        if (TerritoryId is { } t && Territories.All(x => x.Id != t)) Errors["territoryId"] = ["Выберите территорию из списка."];
        if (Until is not { } until || until < today.AddDays(1)) Errors["until"] = ["Укажите последний день обсуждения не раньше завтрашнего."];
        else if (until > today.AddYears(1)) Errors["until"] = ["Обсуждение длится не больше года."];
        if (Files.Count > Discussion.MaxFiles) Errors["files"] = [$"Не больше {Discussion.MaxFiles} файлов."];
        var checkedFiles = new List<AttachmentsApi.CheckedFile>();
        if (!Errors.ContainsKey("files"))
            foreach (var file in Files.Where(f => f.Length > 0))
                try { checkedFiles.Add(await AttachmentsApi.CheckFileAsync(file, "files", ct)); }
                catch (InputException e) { Errors["files"] = [e.Message]; break; }
        if (Errors.Count > 0) { Response.StatusCode = 422; return Page(); }

        // The period ends at the end of the last day in the organisation's own time zone.
        var zone = Owners.Single(o => o.Id == OwnerOrganisationId).TimeZone;
        var discussion = new Discussion
        {
            Id = Guid.CreateVersion7(), Title = Title!.Trim(), Kind = Kind, Text = Text!.Trim().Replace("\r\n", "\n", StringComparison.Ordinal),
            OwnerOrganisationId = OwnerOrganisationId!.Value, TerritoryId = TerritoryId, OpensAtUtc = Now, ClosesAtUtc = EndOfDayUtc(Until!.Value, zone),
            State = DiscussionState.Open, CreatedByPersonId = user.RequiredId, CreatedAtUtc = Now,
        };
        foreach (var f in checkedFiles)
        {
            var id = Guid.CreateVersion7();
            await using (var content = new MemoryStream(f.Bytes, writable: false)) await files.SaveAsync(id.ToString("N"), content, ct);
            discussion.Files.Add(new DiscussionFile { Id = id, DiscussionId = discussion.Id, FileName = f.FileName, ContentType = f.ContentType, Size = f.Bytes.Length, StorageKey = id.ToString("N") });
        }
        db.Discussions.Add(discussion);
        await db.SaveChangesAsync(ct);
        return Redirect($"/office/discussions/{discussion.Id}");
    }

    public static DateTime EndOfDayUtc(DateOnly day, string? zone)
    {
        var local = day.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        try { return TimeZoneInfo.ConvertTimeToUtc(local, TimeZoneInfo.FindSystemTimeZoneById(zone ?? "Europe/Moscow")); }
        catch (TimeZoneNotFoundException) { return DateTime.SpecifyKind(local, DateTimeKind.Utc); }
    }

    async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        var scope = await user.ScopeAsync(ct, Editors);
        if (scope.Count == 0) return Forbid();
        Owners = [.. (await db.Organisations.AsNoTracking().OrderBy(o => o.Path).ToListAsync(ct)).Where(o => scope.Contains(o.Id))];
        Territories = await db.Territories.AsNoTracking().Where(t => t.Kind == Otklik.Features.Directory.TerritoryKind.Municipality).OrderBy(t => t.Name).ToListAsync(ct);
        var rows = await db.Discussions.AsNoTracking().OrderByDescending(d => d.CreatedAtUtc)
            .Select(d => new
            {
                d.Id, d.Title, d.State, d.ClosesAtUtc, d.OwnerOrganisationId,
                Pending = db.DiscussionComments.Count(c => c.DiscussionId == d.Id && c.State == CommentState.Pending),
                Published = db.DiscussionComments.Count(c => c.DiscussionId == d.Id && c.State == CommentState.Published),
            }).ToListAsync(ct);
        Rows = [.. rows.Where(r => scope.Contains(r.OwnerOrganisationId)).Select(r => new Row(r.Id, r.Title, r.State, r.ClosesAtUtc, r.Pending, r.Published))];
        OwnerOrganisationId ??= Owners.FirstOrDefault()?.Id;
        return null;
    }
}
