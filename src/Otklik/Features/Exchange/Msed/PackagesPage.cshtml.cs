using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Infrastructure;

namespace Otklik.Features.Exchange.Msed;

/// <summary>
/// Takes the card's «send to МСЭД» form. A success returns to the card; a failure shows the section here with the errors
/// next to the fields and what the person typed. The change runs through <see cref="AppealChanges"/>, as the API's.
/// </summary>
[Authorize]
public sealed class PackagesPageModel(AppDbContext db, CurrentUser user, AppealChanges changes, MsedSettings settings) : PageModel
{
    [FromRoute] public Guid Id { get; set; }
    [BindProperty] public int? Version { get; set; }
    [BindProperty] public PackageForm Form { get; set; } = new();

    public PackagesSection? Section { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Section = await PackagesSection.LoadAsync(db, user, settings, Id, ct);
        if (Section is null) Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    public async Task<IActionResult> OnPostSendAsync(CancellationToken ct)
    {
        var outcome = await changes.TryRunAsync(Id, Version, MsedApi.SendPackage(changes, settings, Form.Kind, Form.Recipient, Form.Note, ct), ct);
        if (outcome.Succeeded) return Redirect($"/office/appeals/{Id}?done=msed#msed");
        Section = outcome.Status == StatusCodes.Status404NotFound ? null : await PackagesSection.LoadAsync(db, user, settings, Id, ct);
        if (Section is not null)
        {
            Section.Failure = outcome;
            Section.Form = Form;
        }
        Response.StatusCode = Section is null ? StatusCodes.Status404NotFound : outcome.Status;
        return Page();
    }
}
