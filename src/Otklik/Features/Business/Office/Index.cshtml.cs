using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Features.Portal.Accounts;
using Otklik.Infrastructure;

namespace Otklik.Features.Business.Office;

/// <summary>
/// «Портал МСБ» in the office: the freshness board of the sections per owner organisation (seed 000's table of owners
/// and periods) and the upload of a fund's monthly register of support recipients — all rows or none.
/// </summary>
[Authorize]
public sealed class IndexModel(AppDbContext db, CurrentUser user, TimeProvider clock) : AccountPage
{
    [BindProperty] public Guid? OrganisationId { get; set; }
    [BindProperty] public string? Month { get; set; }
    [BindProperty] public IFormFile? Upload { get; set; }

    public IReadOnlyList<SectionClocks.BoardRow> Board { get; private set; } = [];
    public IReadOnlyList<Organisation> Owners { get; private set; } = [];
    public IReadOnlyList<RecipientUpload> Uploads { get; private set; } = [];
    public IReadOnlyList<string> RowErrors { get; private set; } = [];
    public DateTime Now { get; private set; }
    [TempData] public string? Stored { get; set; }

    async Task LoadAsync(CancellationToken ct)
    {
        Now = clock.GetUtcNow().UtcDateTime;
        var scope = await user.ScopeAsync(ct, BusinessApi.Keepers);
        var ids = scope.ToList();
        Board = await SectionClocks.BoardAsync(db, scope, Now, ct);
        Owners = await db.Organisations.AsNoTracking().Where(o => ids.Contains(o.Id) && o.IsConnected).OrderBy(o => o.Path).ToListAsync(ct);
        Uploads = await db.RecipientUploads.AsNoTracking().Where(u => ids.Contains(u.OrganisationId)).OrderByDescending(u => u.Month).Take(24).ToListAsync(ct);
        Month ??= Now.AddMonths(-1).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        OrganisationId ??= Owners.FirstOrDefault(o => o.Kind == OrganisationKind.Fund)?.Id;
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if ((await user.ScopeAsync(ct, BusinessApi.Keepers)).Count == 0) return Forbid();
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if ((await user.ScopeAsync(ct, BusinessApi.Keepers)).Count == 0) return Forbid();
        await LoadAsync(ct);
        try
        {
            var (org, month, name, bytes) = await BusinessApi.CheckUploadAsync(OrganisationId, Month, Upload, ct);
            if (!Owners.Any(o => o.Id == org)) throw new InputException("organisationId", "organisation.scope", "Выберите организацию из тех, за которые вы отвечаете.");
            var rows = RecipientRegister.Read(name, bytes);
            var upload = await RecipientRegister.StoreAsync(db, org, month, name, rows, user.Id, Now, ct);
            Stored = $"Реестр за {upload.Month:MM.yyyy} принят: строк — {upload.RowCount}.";
            return Redirect("/office/business");
        }
        catch (InputException e)
        {
            db.ChangeTracker.Clear();
            foreach (var (field, messages) in e.Errors.Where(x => !x.Key.StartsWith("rows[", StringComparison.Ordinal)))
                Errors[field switch { "organisationId" => "OrganisationId", "month" => "Month", _ => "File" }] = string.Join(" ", messages);
            RowErrors = [.. e.Errors.Where(x => x.Key.StartsWith("rows[", StringComparison.Ordinal)).SelectMany(x => x.Value)];
            Error = RowErrors.Count > 0 ? "Реестр не принят: ни одна строка не сохранена. Исправьте строки и загрузите файл снова." : null;
            return Refused();
        }
    }
}
