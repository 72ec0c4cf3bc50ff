using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Features.Portal.Accounts;
using Otklik.Infrastructure;

namespace Otklik.Features.Business.Office;

/// <summary>
/// The sections' items in the office (issue 23.1): a fund's specialist posts a news item, an event, a success story, a
/// business site…; the list shows the items of the organisations the person keeps, per section, the lasting ones whose
/// check is due first. Posting or confirming an item starts the owner's section clock again. An event's page lists its
/// registrations.
/// </summary>
[Authorize]
public sealed class ItemsModel(AppDbContext db, CurrentUser user, TimeProvider clock) : AccountPage
{
    [FromRoute] public Guid? Id { get; set; }
    [FromQuery(Name = "section")] public PortalSection? Filter { get; set; }
    [BindProperty] public int Version { get; set; }
    [BindProperty] public PortalSection? Section { get; set; }
    [BindProperty] public Guid? OrganisationId { get; set; }
    [BindProperty] public string? Title { get; set; }
    [BindProperty] public string? Summary { get; set; }
    [BindProperty] public string? Body { get; set; }
    [BindProperty] public string? Link { get; set; }
    [BindProperty] public bool IsPublished { get; set; } = true;
    [BindProperty] public string? StartsAt { get; set; }
    [BindProperty] public string? EndsAt { get; set; }
    [BindProperty] public int? Capacity { get; set; }
    [BindProperty] public string? Address { get; set; }
    [BindProperty] public double? Latitude { get; set; }
    [BindProperty] public double? Longitude { get; set; }
    [BindProperty] public string? Phone { get; set; }
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Hours { get; set; }

    public IReadOnlyList<PortalItem> All { get; private set; } = [];
    public PortalItem? Item { get; private set; }
    public IReadOnlyList<Organisation> Owners { get; private set; } = [];
    public IReadOnlyList<EventRegistration> Registrations { get; private set; } = [];
    public DateTime Now { get; private set; }
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;
    public bool Editing => Id is not null || Request.Query.ContainsKey("new");

    async Task<bool> LoadAsync(CancellationToken ct)
    {
        Now = clock.GetUtcNow().UtcDateTime;
        var scope = (await user.ScopeAsync(ct, BusinessApi.Keepers)).ToList();
        Owners = await db.Organisations.AsNoTracking().Where(o => scope.Contains(o.Id) && o.IsConnected).OrderBy(o => o.Path).ToListAsync(ct);
        Zone = TimeZones.Find(Owners.FirstOrDefault()?.TimeZone ?? "Europe/Moscow");
        if (Id is { } id)
        {
            Item = await db.PortalItems.SingleOrDefaultAsync(i => i.Id == id, ct);
            if (Item is null || !scope.Contains(Item.OrganisationId)) return false;
            Zone = TimeZones.Find(Owners.First(o => o.Id == Item.OrganisationId).TimeZone);
            if (Item.Section == PortalSection.Events)
                Registrations = await db.EventRegistrations.AsNoTracking().Where(r => r.ItemId == id).OrderBy(r => r.CreatedAtUtc).ToListAsync(ct);
        }
        else
        {
            var q = db.PortalItems.AsNoTracking().Where(i => scope.Contains(i.OrganisationId));
            if (Filter is { } f) q = q.Where(i => i.Section == f);
            All = await q.OrderByDescending(i => i.PublishedAtUtc).Take(300).ToListAsync(ct);
        }
        return true;
    }

    public string LocalText(DateTime? utc) => utc is { } u ? TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(u, DateTimeKind.Utc), Zone).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture) : "";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if ((await user.ScopeAsync(ct, BusinessApi.Keepers)).Count == 0) return Forbid();
        if (!await LoadAsync(ct)) return NotFound();
        if (Item is { } i)
        {
            Version = i.Version;
            (Section, OrganisationId, Title, Summary, Body, Link, IsPublished, Capacity, Address, Latitude, Longitude, Phone, Email, Hours) =
                (i.Section, i.OrganisationId, i.Title, i.Summary, i.Body, i.Link, i.IsPublished, i.Capacity, i.Address, i.Latitude, i.Longitude, i.Phone, i.Email, i.Hours);
            (StartsAt, EndsAt) = (LocalText(i.StartsAtUtc), LocalText(i.EndsAtUtc));
        }
        else
        {
            Section ??= Filter ?? PortalSection.News;
            OrganisationId ??= Owners.FirstOrDefault(o => o.Kind == OrganisationKind.Fund)?.Id ?? Owners.FirstOrDefault()?.Id;
        }
        return Page();
    }

    DateTime? Moment(string field, string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (DateTime.TryParseExact(text.Trim(), ["yyyy-MM-ddTHH:mm", "yyyy-MM-dd HH:mm", "dd.MM.yyyy HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            return TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), Zone);
        Errors[field] = "Дата и время в виде ДД.ММ.ГГГГ ЧЧ:ММ.";
        return null;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if ((await user.ScopeAsync(ct, BusinessApi.Keepers)).Count == 0) return Forbid();
        if (!await LoadAsync(ct)) return NotFound();
        if (OrganisationId is not { } org || !Owners.Any(o => o.Id == org)) { Errors["OrganisationId"] = "Выберите организацию из тех, за которые вы отвечаете."; return Refused(); }
        if (Item is null && Section is null) { Errors["Section"] = "Выберите раздел."; return Refused(); }
        if (Item is null) Zone = TimeZones.Find(Owners.First(o => o.Id == org).TimeZone);
        var starts = Moment("StartsAt", StartsAt);
        var ends = Moment("EndsAt", EndsAt);
        if (Errors.Count > 0) return Refused();
        var content = new PortalItem.Content(Item?.Section ?? Section!.Value, org, Title, Summary, Body, Link, null, IsPublished, starts, ends, Capacity, Address,
            Latitude, Longitude, Phone, Email, Hours);
        try
        {
            if (Item is { } i)
            {
                i.Edit(content, Version, Now);
                await SectionClocks.TouchAsync(db, i.Section, org, Now, ct);
                await db.SaveChangesAsync(ct);
            }
            else Item = await PortalItems.PostAsync(db, content, Now, ct);
        }
        catch (InputException e)
        {
            db.ChangeTracker.Clear();
            foreach (var (field, messages) in e.Errors) Errors[char.ToUpperInvariant(field[0]) + field[1..]] = string.Join(" ", messages);
            return Refused();
        }
        catch (Exception e) when (e is RuleException or DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            Error = e is RuleException r ? r.Message : "Запись уже изменили: откройте её заново и повторите правку.";
            return Refused();
        }
        return Redirect($"/office/business/items/{Item!.Id}?saved=1");
    }

    /// <summary>The owner confirms a lasting item (a site, an incubator, an institution) is current.</summary>
    public async Task<IActionResult> OnPostCheckedAsync(CancellationToken ct)
    {
        if ((await user.ScopeAsync(ct, BusinessApi.Keepers)).Count == 0) return Forbid();
        if (!await LoadAsync(ct) || Item is null) return NotFound();
        Item.MarkChecked(Now);
        await SectionClocks.TouchAsync(db, Item.Section, Item.OrganisationId, Now, ct);
        await db.SaveChangesAsync(ct);
        return Redirect($"/office/business/items/{Item.Id}?checked=1");
    }
}
