using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Otklik.Data;
using Otklik.Infrastructure;

namespace Otklik.Features.Business.Portal;

/// <summary>The public register of support recipients: search by a part of the name or by ИНН.</summary>
public sealed class RecipientsModel(AppDbContext db) : PageModel
{
    [FromQuery] public string? Q { get; set; }
    public IReadOnlyList<RecipientRegister.Hit> Hits { get; private set; } = [];
    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        try { Hits = await RecipientRegister.SearchAsync(db, Q, 100, ct); }
        catch (InputException e) { Error = string.Join(" ", e.Errors.SelectMany(x => x.Value)); Response.StatusCode = 400; }
    }
}
