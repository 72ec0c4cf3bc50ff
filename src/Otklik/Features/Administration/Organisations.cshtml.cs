using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Deadlines;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Administration;

/// <summary>The organisation as the form holds it; the times as «ЧЧ:ММ» from time inputs.</summary>
public sealed class OrganisationForm
{
    public int? Version { get; set; }
    public string? Name { get; set; }
    public string? ShortName { get; set; }
    public OrganisationKind? Kind { get; set; }
    public Guid? ParentId { get; set; }
    public string? TimeZone { get; set; }
    public TimeOnly? WorkdayStart { get; set; }
    public TimeOnly? WorkdayEnd { get; set; }
    public TimeOnly? BreakStart { get; set; }
    public TimeOnly? BreakEnd { get; set; }
    public bool IsConnected { get; set; } = true;
    public bool AnswersNeedApproval { get; set; } = true;
    public bool SitsOnBusinessProtectionHq { get; set; }
    public bool AdditionalCentre { get; set; }

    public static OrganisationForm Of(Organisation o) => new()
    {
        Version = o.Version, Name = o.Name, ShortName = o.ShortName, Kind = o.Kind, ParentId = o.ParentId, TimeZone = o.TimeZone,
        WorkdayStart = o.WorkdayStart, WorkdayEnd = o.WorkdayEnd, BreakStart = o.BreakStart, BreakEnd = o.BreakEnd, IsConnected = o.IsConnected,
        AnswersNeedApproval = o.AnswersNeedApproval, SitsOnBusinessProtectionHq = o.SitsOnBusinessProtectionHq,
    };
}

/// <summary>
/// The organisations the administrator's scope reaches, as a tree, and one form to add an organisation under one of them
/// or change one (name, kind, hours, time zone). What only the region's administrator may change the API refuses alike.
/// </summary>
public sealed class OrganisationsModel(AppDbContext db, CurrentUser user, OrganisationTree tree, DeadlineClocks clocks, TimeProvider clock)
    : AdminPage(db, user)
{
    public static readonly string[] RussianZones =
    [
        "Europe/Kaliningrad", "Europe/Moscow", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Omsk", "Asia/Novosibirsk", "Asia/Krasnoyarsk",
        "Asia/Irkutsk", "Asia/Yakutsk", "Asia/Vladivostok", "Asia/Magadan", "Asia/Kamchatka",
    ];

    public IReadOnlyList<(Organisation Org, int Depth)> Tree { get; private set; } = [];
    /// <summary>The organisation being changed; null when the form adds a new one.</summary>
    [BindProperty(SupportsGet = true)] public Guid? Id { get; set; }
    [BindProperty] public OrganisationForm Form { get; set; } = new();
    [BindProperty(SupportsGet = true)] public string? Saved { get; set; }
    public Organisation? Editing { get; private set; }

    public static string KindTitle(OrganisationKind k) => k switch
    {
        OrganisationKind.Region => "Регион (корень)",
        OrganisationKind.CentreOfManagement => "Центр управления регионом",
        OrganisationKind.Ministry => "Министерство",
        OrganisationKind.Department => "Департамент, управление",
        OrganisationKind.Municipality => "Муниципалитет",
        OrganisationKind.Fund => "Фонд, учреждение",
        OrganisationKind.FederalBody => "Федеральный орган",
        _ => k.ToString(),
    };

    public static string Hours(Organisation o) =>
        $"{o.WorkdayStart:HH\\:mm}–{o.WorkdayEnd:HH\\:mm}" + (o.BreakStart is { } b && o.BreakEnd is { } e ? $", перерыв {b:HH\\:mm}–{e:HH\\:mm}" : "");

    public async Task<IActionResult> OnGetAsync(Guid? parent, CancellationToken ct)
    {
        await LoadAsync(ct);
        if (Id is { } id)
        {
            if (Editing is null) return NotFound();
            Form = OrganisationForm.Of(Editing);
        }
        else
        {
            var under = parent is { } p && Tree.Any(t => t.Org.Id == p) ? Tree.First(t => t.Org.Id == p).Org : Tree.FirstOrDefault().Org;
            Form = new() { ParentId = under?.Id, TimeZone = under?.TimeZone ?? "Europe/Moscow", Kind = OrganisationKind.Department,
                WorkdayStart = new(9, 0), WorkdayEnd = new(18, 0), BreakStart = new(13, 0), BreakEnd = new(14, 0) };
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var f = Form;
        var request = new DirectoryApi.OrganisationRequest(f.Version, f.Name, f.ShortName, f.Kind, f.ParentId, f.TimeZone, f.WorkdayStart, f.WorkdayEnd,
            f.BreakStart, f.BreakEnd, f.IsConnected, f.AnswersNeedApproval,
            // Only the region's administrator sees the HQ box; for anyone else the seat stays as it is.
            IsRegionAdministrator ? f.SitsOnBusinessProtectionHq : null, f.AdditionalCentre ? true : null);
        if (Id is { } id)
        {
            if (!await Db.Organisations.AnyAsync(o => o.Id == id, ct)) return NotFound();
            if (await CallAsync(() => DirectoryApi.UpdateOrganisation(id, request, Db, Me, clocks, clock, ct)))
                return Redirect($"/office/admin/organisations?saved={Uri.EscapeDataString(f.Name!.Trim())}");
        }
        else if (await CallAsync(() => DirectoryApi.CreateOrganisation(request, Db, Me, tree, ct)))
            return Redirect($"/office/admin/organisations?saved={Uri.EscapeDataString(f.Name!.Trim())}");
        await LoadAsync(ct);
        return Page();
    }

    async Task LoadAsync(CancellationToken ct)
    {
        Tree = await ScopedOrganisationsAsync(ct);
        Editing = Id is { } id ? Tree.Select(t => t.Org).FirstOrDefault(o => o.Id == id) : null;
    }
}
