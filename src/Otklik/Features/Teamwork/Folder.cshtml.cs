using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Attachments;
using Otklik.Features.Workspace;
using Otklik.Infrastructure;

namespace Otklik.Features.Teamwork;

/// <summary>
/// A shared folder: its files, an upload (the attachments' own checks: a type recognised by its bytes, the size limit)
/// and the download, each only for those the folder is open to (its organisations and roles, and its owners).
/// </summary>
[Authorize]
public sealed class FolderModel(TeamService team, AppDbContext db, IFileStore files) : PageModel
{
    public sealed record Row(Guid Id, string FileName, long Size, string UploadedBy, DateTime UploadedAtUtc);

    [FromRoute] public Guid Id { get; set; }
    public SharedFolder? Item { get; private set; }
    public IReadOnlyList<Row> Files { get; private set; } = [];
    public string Access { get; private set; } = "";
    public string? Error { get; private set; }
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ?? Page();

    public async Task<IActionResult> OnPostAsync(IFormFile? file, CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refusal) return refusal;
        try
        {
            var check = await AttachmentsApi.CheckFileAsync(file, "file", ct);
            var a = await AttachmentsApi.StoreAsync(check, db, files, team.Me, team.Now, null, AttachmentPurpose.SharedFolder, ct);
            db.TeamFiles.Add(new SharedFile { Id = Guid.CreateVersion7(), FolderId = Id, AttachmentId = a.Id, UploadedById = team.Me, UploadedAtUtc = team.Now });
            await db.SaveChangesAsync(ct);
            return Redirect($"/office/teamwork/folders/{Id}");
        }
        catch (InputException e) { Error = e.Message; Response.StatusCode = e.Status; }
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnGetFileAsync(Guid fileId, CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refusal) return refusal;
        var a = await db.TeamFiles.AsNoTracking().Where(f => f.Id == fileId && f.FolderId == Id)
            .Join(db.Attachments, f => f.AttachmentId, x => x.Id, (f, x) => x).SingleOrDefaultAsync(ct);
        if (a is null) return NotFound();
        var stream = await files.OpenAsync(a.StorageKey, ct);
        return stream is null ? NotFound() : File(stream, a.ContentType, a.FileName);
    }

    async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        if (!await team.IsStaffAsync(ct)) return Forbid();
        Item = await team.FolderAsync(Id, ct);
        if (Item is null) return NotFound();
        Zone = await team.ZoneAsync(ct);
        var rows = await db.TeamFiles.AsNoTracking().Where(f => f.FolderId == Id)
            .Join(db.Attachments, f => f.AttachmentId, a => a.Id, (f, a) => new { f.Id, a.FileName, a.Size, f.UploadedById, f.UploadedAtUtc })
            .OrderByDescending(f => f.UploadedAtUtc).ToListAsync(ct);
        var names = await team.NamesAsync(rows.Select(r => r.UploadedById), ct);
        Files = [.. rows.Select(r => new Row(r.Id, r.FileName, r.Size, names.GetValueOrDefault(r.UploadedById, "—"), r.UploadedAtUtc))];
        var orgs = await team.OrganisationsAsync(Item.Organisations.ToHashSet(), ct);
        Access = string.Join("; ", orgs.Select(o => o.Name)) + (Item.Roles.Count > 0 ? "; роли: " + string.Join(", ", Item.Roles.Select(RoleNames.Of)) : "");
        return null;
    }
}
