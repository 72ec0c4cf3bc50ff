using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Execution;
using Otklik.Infrastructure;

namespace Otklik.Features.Exchange.Msed;

/// <summary>The fields of the card's «send to МСЭД» form: what was typed comes back with the errors.</summary>
public sealed class PackageForm
{
    public PackageKind? Kind { get; set; }
    public string? Recipient { get; set; }
    public string? Note { get; set; }
}

/// <summary>
/// The document exchange on the appeal card (ADR 0044): the packages sent, each with its registration in the document
/// system, its answer and its last error, and the form that sends one when the person may. The form posts to
/// <see cref="PackagesPageModel"/>, which runs it through <see cref="AppealChanges"/>.
/// </summary>
public sealed class PackagesSection
{
    public required Appeal Appeal { get; init; }
    public required IReadOnlyList<DocumentPackage> Packages { get; init; }
    public required string Title { get; init; }
    public required LocalTimes Times { get; init; }
    public bool MaySend { get; init; }
    public bool IsConfigured { get; init; }

    public AppealChanges.Outcome? Failure { get; set; }
    public PackageForm Form { get; set; } = new();
    public string? ErrorFor(string field) => Failure?.ErrorFor(field);

    public static async Task<PackagesSection?> LoadAsync(AppDbContext db, CurrentUser user, MsedSettings settings, Guid appealId, CancellationToken ct)
    {
        if (!await AppealAccess.CanSeeAsync(db, user, appealId, ct)) return null;
        var appeal = await db.Appeals.AsNoTracking().SingleAsync(a => a.Id == appealId, ct);
        return new PackagesSection
        {
            Appeal = appeal,
            Packages = await db.DocumentPackages.AsNoTracking().Where(p => p.AppealId == appealId).OrderBy(p => p.CreatedAtUtc).ToListAsync(ct),
            Title = settings.Title,
            Times = await LocalTimes.LoadAsync(db, ct),
            MaySend = await MsedApi.MaySendAsync(user, appeal, settings, ct),
            IsConfigured = settings.IsConfigured,
        };
    }
}

/// <summary>Puts the document exchange on the appeal card: <c>@await Component.InvokeAsync("PackagesSection", new { appealId })</c>; nothing where the exchange is off and nothing was sent.</summary>
public sealed class PackagesSectionViewComponent(AppDbContext db, CurrentUser user, MsedSettings settings) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync(Guid appealId)
    {
        var section = await PackagesSection.LoadAsync(db, user, settings, appealId, HttpContext.RequestAborted);
        return section is null || (!section.MaySend && section.Packages.Count == 0) ? Content("") : View("/Features/Exchange/Msed/_PackagesSection.cshtml", section);
    }
}
