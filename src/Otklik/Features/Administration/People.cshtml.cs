using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Administration;

/// <summary>
/// The staff of the organisations the administrator reaches: their roles (grant, revoke), a new member of staff, and
/// disabling an account. Each action is the API's own (DirectoryApi), so the escalation rules are the API's.
/// </summary>
public sealed class PeopleModel(AppDbContext db, CurrentUser user, UserManager<Person> users, AccessCache access, TimeProvider clock)
    : AdminPage(db, user)
{
    public sealed record Row(Person Person, IReadOnlyList<RoleAssignment> Roles);

    public IReadOnlyList<Row> People { get; private set; } = [];
    public IReadOnlyList<(Organisation Org, int Depth)> Organisations { get; private set; } = [];
    [BindProperty(SupportsGet = true)] public string? Done { get; set; }

    // The new member of staff.
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? LastName { get; set; }
    [BindProperty] public string? FirstName { get; set; }
    [BindProperty] public string? MiddleName { get; set; }
    [BindProperty] public string? Position { get; set; }
    // A role to grant (to the new person or to <see cref="PersonId"/>), or to revoke.
    [BindProperty] public Guid? PersonId { get; set; }
    [BindProperty] public Role? Role { get; set; }
    [BindProperty] public Guid? OrganisationId { get; set; }

    /// <summary>The roles an administrator hands out on this screen (the applicant's is the portal's own).</summary>
    public static readonly Role[] StaffRoles = [.. Enum.GetValues<Role>().Where(r => r != Directory.Role.Applicant)];

    public string OrgName(Guid? id) => Organisations.FirstOrDefault(o => o.Org.Id == id).Org?.ShortName ?? "—";

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        var request = new DirectoryApi.PersonRequest(Email, LastName, FirstName, MiddleName, Position, null,
            [new DirectoryApi.RoleRequest(Role, OrganisationId)]);
        if (await CallAsync(() => DirectoryApi.CreatePerson(request, Db, Me, users, clock, HttpContext.RequestAborted)))
            return Redirect("/office/admin/people?done=" + Uri.EscapeDataString($"Сотрудник {LastName?.Trim()} {FirstName?.Trim()} добавлен."));
        return await ReloadAsync("new", ct);
    }

    public async Task<IActionResult> OnPostGrantAsync(CancellationToken ct)
    {
        if (await CurrentRolesAsync(ct) is not { } current) return NotFound();
        var requested = current.Append(new DirectoryApi.RoleRequest(Role, OrganisationId)).ToArray();
        // The API names the new role by its index; the page names it as the grant form's fields.
        if (await CallAsync(() => DirectoryApi.SetRoles(PersonId!.Value, requested, Db, Me, access, ct)))
            return Redirect("/office/admin/people?done=" + Uri.EscapeDataString("Роль назначена."));
        Rename($"roles[{requested.Length - 1}].role", "role");
        Rename($"roles[{requested.Length - 1}].organisationId", "organisationId");
        return await ReloadAsync("grant", ct);
    }

    public async Task<IActionResult> OnPostRevokeAsync(CancellationToken ct)
    {
        if (await CurrentRolesAsync(ct) is not { } current) return NotFound();
        var remaining = current.Where(r => !(r.Role == Role && r.OrganisationId == OrganisationId)).ToArray();
        if (await CallAsync(() => DirectoryApi.SetRoles(PersonId!.Value, remaining, Db, Me, access, ct)))
            return Redirect("/office/admin/people?done=" + Uri.EscapeDataString("Роль снята."));
        return await ReloadAsync(null, ct);
    }

    public async Task<IActionResult> OnPostDisableAsync(CancellationToken ct)
    {
        if (PersonId is not { } id) return NotFound();
        if (await CallAsync(() => DirectoryApi.DisablePerson(id, Db, Me, users, access, clock, ct)))
            return Redirect("/office/admin/people?done=" + Uri.EscapeDataString("Учётная запись отключена: входы и ключи больше не действуют."));
        return await ReloadAsync(null, ct);
    }

    public async Task<IActionResult> OnPostEnableAsync(CancellationToken ct)
    {
        if (PersonId is not { } id) return NotFound();
        if (await CallAsync(() => DirectoryApi.EnablePerson(id, Db, Me, access, ct)))
            return Redirect("/office/admin/people?done=" + Uri.EscapeDataString("Учётная запись включена."));
        return await ReloadAsync(null, ct);
    }

    /// <summary>Which form the errors belong to, so they stand next to that form's fields.</summary>
    public string? FailedForm { get; private set; }

    async Task<IActionResult> ReloadAsync(string? form, CancellationToken ct)
    {
        FailedForm = form;
        await LoadAsync(ct);
        return Page();
    }

    void Rename(string from, string to)
    {
        if (Errors.Remove(from, out var message)) Errors[to] = message;
    }

    async Task<DirectoryApi.RoleRequest[]?> CurrentRolesAsync(CancellationToken ct) =>
        PersonId is { } id && await Db.Users.AsNoTracking().AnyAsync(p => p.Id == id, ct)
            ? [.. (await Db.RoleAssignments.AsNoTracking().Where(r => r.PersonId == id).ToListAsync(ct)).Select(r => new DirectoryApi.RoleRequest(r.Role, r.OrganisationId))]
            : null;

    async Task LoadAsync(CancellationToken ct)
    {
        Organisations = await ScopedOrganisationsAsync(ct);
        var scope = Organisations.Select(o => o.Org.Id).ToList();
        var ids = await Db.RoleAssignments.AsNoTracking().Where(r => r.OrganisationId != null && scope.Contains(r.OrganisationId.Value))
            .Select(r => r.PersonId).Distinct().ToListAsync(ct);
        var people = await Db.Users.AsNoTracking().Where(p => ids.Contains(p.Id)).Include(p => p.Roles)
            .OrderBy(p => p.LastName).ThenBy(p => p.FirstName).ToListAsync(ct);
        People = [.. people.Select(p => new Row(p, [.. p.Roles.Where(r => r.OrganisationId is not null).OrderBy(r => r.Role)]))];
    }
}
