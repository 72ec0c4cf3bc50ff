using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Business.Portal;

/// <summary>«Поддержка бизнеса»: the catalogue of support measures with an entrepreneur's filters, and the support network's funds and incubators.</summary>
public sealed class CatalogueModel(AppDbContext db) : PageModel
{
    [FromQuery] public string? Q { get; set; }
    [FromQuery] public BusinessKinds? Kind { get; set; }
    [FromQuery] public string? Okved { get; set; }
    [FromQuery] public Guid? Territory { get; set; }
    [FromQuery] public SupportForm? Form { get; set; }
    [FromQuery] public long? MinAmount { get; set; }

    public IReadOnlyList<MeasureCatalogue.Item> Items { get; private set; } = [];
    public IReadOnlyList<Territory> Territories { get; private set; } = [];
    public IReadOnlyList<Organisation> Funds { get; private set; } = [];
    public IReadOnlyDictionary<string, string> Errors { get; private set; } = new Dictionary<string, string>();
    public bool Filtered => !string.IsNullOrWhiteSpace(Q) || Kind is not null || !string.IsNullOrWhiteSpace(Okved) || Territory is not null || Form is not null || MinAmount is not null;

    public async Task OnGetAsync(CancellationToken ct)
    {
        Territories = await db.Territories.AsNoTracking().Where(t => t.Kind == Otklik.Features.Directory.TerritoryKind.Municipality).OrderBy(t => t.Name).ToListAsync(ct);
        Funds = await db.Organisations.AsNoTracking().Where(o => o.IsConnected && o.Kind == OrganisationKind.Fund).OrderBy(o => o.Name).ToListAsync(ct);
        try
        {
            Items = await MeasureCatalogue.FindAsync(db, new(Q, Kind, string.IsNullOrWhiteSpace(Okved) ? null : Okved, Territory, Form, MinAmount, null), ct);
        }
        catch (InputException e)
        {
            Errors = e.Errors.ToDictionary(x => x.Key, x => string.Join(" ", x.Value));
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
    }

    public static string FormLabel(SupportForm f) => f switch
    {
        SupportForm.Subsidy => "Субсидия",
        SupportForm.Grant => "Грант",
        SupportForm.Loan => "Заём",
        SupportForm.Guarantee => "Поручительство",
        SupportForm.Property => "Имущество, помещения",
        SupportForm.Consulting => "Консультации",
        SupportForm.Training => "Обучение",
        _ => f.ToString(),
    };
}
