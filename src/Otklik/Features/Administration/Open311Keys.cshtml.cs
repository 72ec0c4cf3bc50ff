using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Open311;
using Otklik.Infrastructure;

namespace Otklik.Features.Administration;

/// <summary>
/// The Open311 keys (issue 19 item 1, ADR 0024): the region's administrator issues a key to a system that reports through
/// Open311 (a city app, a partner's 311 client) — its secret shown on this answer only, only its hash kept — and revokes
/// one, which every node refuses from the next request (keys are read from the database each time).
/// </summary>
public sealed class Open311KeysModel(AppDbContext db, CurrentUser user, TimeProvider clock) : AdminPage(db, user)
{
    protected override bool RegionOnly => true;

    public IReadOnlyList<Open311Key> Keys { get; private set; } = [];
    [BindProperty(SupportsGet = true)] public string? Done { get; set; }
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public Guid? KeyId { get; set; }
    /// <summary>The new key's name and secret: on this one answer only.</summary>
    public (string Name, string Secret)? Issued { get; private set; }

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        var name = Name?.Trim() ?? "";
        if (name.Length is 0 or > 200) Errors["name"] = "Назовите систему, которой выдаётся ключ (до 200 символов).";
        else if (await Db.Open311Keys.AnyAsync(k => k.Name == name && k.RevokedAtUtc == null, ct)) Errors["name"] = "У системы с таким названием уже есть действующий ключ.";
        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            await LoadAsync(ct);
            return Page();
        }
        var (key, secret) = Open311Key.Create(name, clock.GetUtcNow().UtcDateTime);
        Db.Open311Keys.Add(key);
        await Db.SaveChangesAsync(ct);
        Issued = (name, secret);
        // The secret must not stay in a browser's cache or history.
        Response.Headers.CacheControl = "no-store";
        Name = null;
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(CancellationToken ct)
    {
        var key = await Db.Open311Keys.SingleOrDefaultAsync(k => k.Id == KeyId, ct);
        if (key is null) return NotFound();
        key.RevokedAtUtc ??= clock.GetUtcNow().UtcDateTime;
        await Db.SaveChangesAsync(ct);
        return Redirect("/office/admin/open311-keys?done=" + Uri.EscapeDataString($"Ключ «{key.Name}» отозван: Open311 больше не принимает с ним заявки."));
    }

    async Task LoadAsync(CancellationToken ct) =>
        Keys = await Db.Open311Keys.AsNoTracking().OrderBy(k => k.RevokedAtUtc != null).ThenByDescending(k => k.CreatedAtUtc).ToListAsync(ct);
}
