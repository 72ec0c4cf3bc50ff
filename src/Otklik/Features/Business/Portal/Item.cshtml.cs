using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Features.Mail;
using Otklik.Features.Portal.Accounts;
using Otklik.Infrastructure;

namespace Otklik.Features.Business.Portal;

/// <summary>
/// One item of a portal section. An event takes registrations (once per address, within its places, until it
/// starts; confirmed by a letter); a business site or an incubator offers its owner's contact form about it (2 working
/// days; seed 000's «запросы по бизнес-площадкам» and «запрос на размещение в бизнес-инкубаторе»).
/// </summary>
[EnableRateLimiting(PortalAccounts.SubmitPolicy)]
public sealed class ItemModel(AppDbContext db, TimeProvider clock, OutboxDispatcher dispatcher) : AccountPage
{
    [FromRoute] public string Slug { get; set; } = "";
    [FromRoute] public Guid Id { get; set; }
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Phone { get; set; }
    [BindProperty] public string? OrganisationName { get; set; }
    [BindProperty] public bool Consent { get; set; }

    public PortalItem Item { get; private set; } = null!;
    public Organisation Owner { get; private set; } = null!;
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;
    public int Registered { get; private set; }
    public bool Started { get; private set; }
    [TempData] public string? Done { get; set; }

    public int? PlacesLeft => Item.Capacity is { } c ? Math.Max(0, c - Registered) : null;

    async Task<bool> LoadAsync(CancellationToken ct)
    {
        if (PortalItem.FromSlug(Slug) is not { } section) return false;
        var item = await db.PortalItems.AsNoTracking().SingleOrDefaultAsync(i => i.Id == Id && i.Section == section && i.IsPublished, ct);
        if (item is null) return false;
        Item = item;
        Owner = await db.Organisations.AsNoTracking().SingleAsync(o => o.Id == item.OrganisationId, ct);
        Zone = TimeZones.Find(Owner.TimeZone);
        if (section == PortalSection.Events)
        {
            Registered = await db.EventRegistrations.CountAsync(r => r.ItemId == item.Id, ct);
            Started = clock.GetUtcNow().UtcDateTime >= item.StartsAtUtc;
        }
        return true;
    }

    public DateTime Local(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ? Page() : NotFound();

    /// <summary>Registers for the event; every refusal is said next to its field or above the form, and nothing is stored.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct) || Item.Section != PortalSection.Events) return NotFound();
        if (BotCheck.Check(HttpContext) is { } bot) { Error = bot; return Refused(); }
        Require("Name", Name, "Укажите, как к вам обращаться.", 200);
        if (Blank(Email) is not { } email) Errors["Email"] = "Укажите адрес электронной почты: на него придёт подтверждение.";
        else if (!PortalAccounts.IsEmail(email)) Errors["Email"] = "Неверный адрес электронной почты.";
        CheckPhone(Phone);
        Optional("OrganisationName", OrganisationName, 300);
        if (!Consent) Errors["Consent"] = "Без согласия на обработку персональных данных зарегистрировать нельзя.";
        if (Errors.Count > 0) return Refused();
        var now = clock.GetUtcNow().UtcDateTime;
        if (Started) { Error = "Мероприятие уже началось: регистрация закрыта."; return Refused(); }
        if (PlacesLeft == 0) { Error = "Свободных мест не осталось."; return Refused(); }
        var address = Email!.Trim().ToLowerInvariant();
        if (await db.EventRegistrations.AnyAsync(r => r.ItemId == Item.Id && r.Email == address, ct))
        {
            Errors["Email"] = "С этим адресом на мероприятие уже зарегистрировались.";
            return Refused();
        }
        var registration = new EventRegistration
        {
            Id = Guid.CreateVersion7(), ItemId = Item.Id, Name = Name!.Trim(), Email = address, Phone = Blank(Phone), OrganisationName = Blank(OrganisationName), CreatedAtUtc = now,
        };
        db.EventRegistrations.Add(registration);
        db.Outbox.Add(OutboxMessage.Create(MessageTypes.EventRegistered, new { registrationId = registration.Id }, null, now));
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException)
        {
            // The same address registered at the same moment from another tab: the unique index kept one.
            db.ChangeTracker.Clear();
            Errors["Email"] = "С этим адресом на мероприятие уже зарегистрировались.";
            return Refused();
        }
        dispatcher.Nudge();
        Done = $"Вы зарегистрированы. Подтверждение отправлено на {address}.";
        return Redirect($"/business/events/{Item.Id}");
    }
}
