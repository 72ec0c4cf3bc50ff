using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Administration;

/// <summary>
/// API keys of the staff the administrator manages: issue one (its secret shown on this answer only, never stored),
/// revoke one (refused by every node on its next use: keys are read from the database on each request).
/// </summary>
public sealed class KeysModel(AppDbContext db, CurrentUser user, TimeProvider clock) : AdminPage(db, user)
{
    public sealed record Row(ApiKey Key, string Person);

    public IReadOnlyList<Row> Keys { get; private set; } = [];
    public IReadOnlyList<(Guid Id, string Name)> Staff { get; private set; } = [];
    [BindProperty(SupportsGet = true)] public string? Done { get; set; }
    [BindProperty] public Guid? PersonId { get; set; }
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public Guid? KeyId { get; set; }
    /// <summary>The new key's secret: on this one answer only.</summary>
    public DirectoryApi.ApiKeyView? Issued { get; private set; }

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        if (PersonId is not { } id) { Errors["personId"] = "Выберите сотрудника."; Response.StatusCode = 422; }
        else
        {
            IResult? result = null;
            if (await CallAsync(async () => result = await DirectoryApi.CreateApiKey(id, new(Name), Db, Me, clock, ct)))
            {
                Issued = (result as Created<DirectoryApi.ApiKeyView>)?.Value;
                // The secret must not stay in a browser's cache or history.
                Response.Headers.CacheControl = "no-store";
                Name = null;
            }
        }
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(CancellationToken ct)
    {
        var key = await Db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Id == KeyId, ct);
        if (key is null) return NotFound();
        if (await CallAsync(() => DirectoryApi.RevokeApiKey(key.PersonId, key.Id, Db, Me, clock, ct)))
            return Redirect("/office/admin/keys?done=" + Uri.EscapeDataString($"Ключ «{key.Name}» отозван: он больше не принимается."));
        await LoadAsync(ct);
        return Page();
    }

    async Task LoadAsync(CancellationToken ct)
    {
        var scope = (await Me.ScopeAsync(ct, Role.Administrator)).ToList();
        // Only people every one of whose roles the administrator reaches: the API refuses the others' keys alike.
        var people = await Db.Users.AsNoTracking().Include(p => p.Roles)
            .Where(p => p.Roles.Any(r => r.OrganisationId != null) && p.Roles.All(r => r.OrganisationId == null || scope.Contains(r.OrganisationId.Value)))
            .OrderBy(p => p.LastName).ThenBy(p => p.FirstName).ToListAsync(ct);
        Staff = [.. people.Where(p => p.DisabledAtUtc is null).Select(p => (p.Id, p.FullName))];
        var names = people.ToDictionary(p => p.Id, p => p.FullName);
        var ids = names.Keys.ToList();
        var keys = await Db.ApiKeys.AsNoTracking().Where(k => ids.Contains(k.PersonId)).OrderBy(k => k.RevokedAtUtc != null)
            .ThenByDescending(k => k.CreatedAtUtc).ToListAsync(ct);
        Keys = [.. keys.Select(k => new Row(k, names[k.PersonId]))];
    }
}
