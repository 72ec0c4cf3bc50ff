using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Features.Portal.Accounts;
using Otklik.Infrastructure;

namespace Otklik.Features.Business.Portal;

/// <summary>
/// «Подписка на новые меры» (issue 23.2): an entrepreneur with an account states their profile — who they are, their
/// ОКВЭД code, their municipality, optionally a form of support — and gets a letter (and a web push, if «Уведомления в
/// браузере» is on) when a measure that fits is published. A visitor is asked to sign in first: the letters go to a
/// confirmed address only.
/// </summary>
public sealed class SubscribeModel(AppDbContext db, CurrentUser user, TimeProvider clock) : AccountPage
{
    [BindProperty] public List<BusinessKinds> Kinds { get; set; } = [];
    [BindProperty] public string? Okved { get; set; }
    [BindProperty] public Guid? TerritoryId { get; set; }
    [BindProperty] public SupportForm? Form { get; set; }

    public IReadOnlyList<Territory> Territories { get; private set; } = [];
    public MeasureSubscription? Current { get; private set; }
    public bool Confirmed { get; private set; }
    [TempData] public string? Done { get; set; }

    async Task LoadAsync(CancellationToken ct)
    {
        Territories = await db.Territories.AsNoTracking().OrderBy(t => t.Name).ToListAsync(ct);
        if (user.Id is { } me)
        {
            Current = await db.MeasureSubscriptions.SingleOrDefaultAsync(s => s.PersonId == me, ct);
            Confirmed = await db.Users.AnyAsync(u => u.Id == me && u.EmailConfirmed, ct);
        }
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (Current is { } s)
        {
            Kinds = [.. Enum.GetValues<BusinessKinds>().Where(k => k != BusinessKinds.None && s.Kinds.HasFlag(k))];
            (Okved, TerritoryId, Form) = (s.Okved, s.TerritoryId, s.Form);
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (user.Id is not { } me) return Redirect("/account/login?returnUrl=%2Fbusiness%2Fsubscribe");
        await LoadAsync(ct);
        if (!Confirmed) { Error = "Подтвердите адрес электронной почты: письма о новых мерах приходят только на подтверждённый адрес."; return Refused(); }
        try { MeasureCatalogue.Check(new(null, null, Blank(Okved), null, null, null, null)); }
        catch (InputException e) { Errors["Okved"] = string.Join(" ", e.Errors.SelectMany(x => x.Value)); }
        if (TerritoryId is { } t && !Territories.Any(x => x.Id == t)) Errors["TerritoryId"] = "Выберите муниципальное образование из списка.";
        if (Errors.Count > 0) return Refused();
        var now = clock.GetUtcNow().UtcDateTime;
        if (Current is null) db.MeasureSubscriptions.Add(Current = new MeasureSubscription { Id = Guid.CreateVersion7(), PersonId = me, CreatedAtUtc = now });
        Current.Kinds = Kinds.Aggregate(BusinessKinds.None, (a, k) => a | k);
        Current.Okved = Blank(Okved);
        Current.TerritoryId = TerritoryId;
        Current.Form = Form;
        Current.UpdatedAtUtc = now;
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException) { db.ChangeTracker.Clear(); Error = "Подписку сохранили в другой вкладке: откройте страницу заново."; return Refused(); }
        Done = "Подписка сохранена: о новых подходящих мерах напишем на вашу почту.";
        return Redirect("/business/subscribe");
    }

    public async Task<IActionResult> OnPostCancelAsync(CancellationToken ct)
    {
        if (user.Id is not { } me) return Redirect("/account/login?returnUrl=%2Fbusiness%2Fsubscribe");
        await db.MeasureSubscriptions.Where(s => s.PersonId == me).ExecuteDeleteAsync(ct);
        Done = "Подписка отменена: писем о новых мерах больше не будет.";
        return Redirect("/business/subscribe");
    }
}
