using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Addresses;
using Otklik.Features.Directory;
using Otklik.Features.Moderation;
using Otklik.Features.Portal.Public;
using Otklik.Infrastructure;

namespace Otklik.Features.Alerts;

/// <summary>
/// «Мои подписки» (<c>/my/alerts</c>): the person's alerts, each with «Отписаться»; following a territory of the region
/// or a radius around an address of the register (300 м, 1 км, 3 км), each optionally of one topic. Appeals are
/// followed from their public page.
/// </summary>
[Authorize]
public sealed class MyAlertsModel(AppDbContext db, CurrentUser user, TimeProvider clock, TerritoryLocator locator) : PageModel
{
    public sealed record Row(Guid Id, string What, DateTime SinceUtc, string? AppealNumber);
    public sealed record Option(Guid Id, string Name);
    public sealed record TopicGroup(string Category, IReadOnlyList<Option> Topics);

    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public IReadOnlyList<Option> Territories { get; private set; } = [];
    public IReadOnlyList<TopicGroup> Topics { get; private set; } = [];
    public string? Notice { get; private set; }
    /// <summary>Which form the errors belong to: "territory" or "place".</summary>
    public string? Posted { get; private set; }
    public Dictionary<string, string> Errors { get; } = [];

    [BindProperty] public Guid? TerritoryId { get; set; }
    [BindProperty] public Guid? TopicId { get; set; }
    [BindProperty] public string? Address { get; set; }
    [BindProperty] public string? Latitude { get; set; }
    [BindProperty] public string? Longitude { get; set; }
    [BindProperty] public int? Radius { get; set; }

    public string? ErrorFor(string form, string field) => Posted == form ? Errors.GetValueOrDefault(field) : null;

    public async Task OnGetAsync(CancellationToken ct)
    {
        Notice = TempData["Notice"] as string;
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostTerritoryAsync(CancellationToken ct)
    {
        Posted = "territory";
        if (TerritoryId is not { } territory || !await db.Territories.AnyAsync(t => t.Id == territory && t.Kind == Directory.TerritoryKind.Municipality, ct)) Errors["territoryId"] = "Выберите территорию.";
        if (!await TopicValidAsync(ct)) Errors["topicId"] = "Такой темы нет: выберите тему из списка.";
        if (Errors.Count > 0) return await RedisplayAsync(ct);
        var me = user.RequiredId;
        if (await db.AlertSubscriptions.AnyAsync(s => s.PersonId == me && s.Target == AlertTarget.Territory && s.TerritoryId == TerritoryId && s.TopicId == TopicId, ct))
            return Done("Вы уже следите за этой территорией.");
        db.AlertSubscriptions.Add(AlertSubscription.ForTerritory(TerritoryId!.Value, TopicId, me, clock.GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync(ct);
        return Done("Подписка оформлена: письмо придёт, когда на территории ответят на обращение или появится известная проблема.");
    }

    public async Task<IActionResult> OnPostPlaceAsync(CancellationToken ct)
    {
        Posted = "place";
        if (!Coordinates.TryParse(Latitude, out var lat)) Errors["address"] = "Выберите адрес из списка или точку на карте.";
        if (!Coordinates.TryParse(Longitude, out var lon)) Errors["address"] = "Выберите адрес из списка или точку на карте.";
        if (Radius is not { } radius || !AlertSubscription.Radii.Contains(radius)) Errors["radius"] = "Выберите радиус: 300 м, 1 км или 3 км.";
        if (!await TopicValidAsync(ct)) Errors["topicId"] = "Такой темы нет: выберите тему из списка.";
        Guid? territory = null;
        var place = Address?.Trim() ?? "";
        if (!Errors.ContainsKey("address") && (lat is null || lon is null))
        {
            // Without JavaScript (or typed without choosing): the register's best match for the words.
            var found = place.Length >= 3 ? await AddressSearch.SearchAsync(db, place, 1, ct) : [];
            if (found.Count == 0) Errors["address"] = place.Length == 0 ? "Укажите адрес." : "Такой адрес не найден: выберите его из списка подсказок.";
            else (lat, lon, place, territory) = (found[0].Latitude, found[0].Longitude, found[0].Label, found[0].TerritoryId);
        }
        if (Errors.Count > 0) return await RedisplayAsync(ct);
        territory ??= await locator.LocateAsync(lat!.Value, lon!.Value, ct);
        if (place.Length == 0) place = FormattableString.Invariant($"{lat:0.#####}, {lon:0.#####}");
        AlertSubscription s;
        try { s = AlertSubscription.ForRadius(lat!.Value, lon!.Value, Radius!.Value, place, territory, TopicId, user.RequiredId, clock.GetUtcNow().UtcDateTime); }
        catch (InputException e)
        {
            foreach (var (field, messages) in e.Errors) Errors[field] = messages[0];
            return await RedisplayAsync(ct);
        }
        db.AlertSubscriptions.Add(s);
        await db.SaveChangesAsync(ct);
        return Done($"Подписка оформлена: {AlertLetters.Radius(s.RadiusMetres!.Value)} вокруг адреса «{s.Place}».");
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken ct)
    {
        var me = user.RequiredId;
        // Only the person's own alert: another's id deletes nothing.
        var deleted = await db.AlertSubscriptions.Where(s => s.Id == id && s.PersonId == me).ExecuteDeleteAsync(ct);
        return Done(deleted > 0 ? "Вы отписались." : "Такой подписки нет.");
    }

    IActionResult Done(string notice)
    {
        TempData["Notice"] = notice;
        return RedirectToPage();
    }

    async Task<IActionResult> RedisplayAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return Page();
    }

    async Task<bool> TopicValidAsync(CancellationToken ct) => TopicId is not { } t || await db.Topics.AnyAsync(x => x.Id == t && x.IsActive, ct);

    async Task LoadAsync(CancellationToken ct)
    {
        var me = user.RequiredId;
        var names = await PublicNames.LoadAsync(db, ct);
        var mine = await db.AlertSubscriptions.AsNoTracking().Where(s => s.PersonId == me).OrderBy(s => s.CreatedAtUtc).ToListAsync(ct);
        var appealIds = mine.Where(s => s.AppealId != null).Select(s => s.AppealId!.Value).ToList();
        var numbers = await db.Appeals.AsNoTracking().Where(a => appealIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Number, ct);
        var rows = new List<Row>();
        foreach (var s in mine)
            rows.Add(new Row(s.Id, Capitalise(await AlertLetters.DescribeAsync(db, s, names, ct, title: true)), s.CreatedAtUtc,
                s.AppealId is { } a ? numbers.GetValueOrDefault(a) : null));
        Rows = rows;
        var drawn = await db.Territories.AsNoTracking().Where(t => t.Kind != Directory.TerritoryKind.Municipality).Select(t => t.Id).ToListAsync(ct);
        Territories = [.. names.Territories.Where(t => !drawn.Contains(t.Key)).OrderBy(t => t.Value, StringComparer.Create(System.Globalization.CultureInfo.GetCultureInfo("ru-RU"), false))
            .Select(t => new Option(t.Key, t.Value))];
        var categories = await db.Categories.AsNoTracking().Where(c => c.IsActive).OrderBy(c => c.SortOrder).ThenBy(c => c.Name)
            .Select(c => new { c.Id, c.Name }).ToListAsync(ct);
        var topics = await db.Topics.AsNoTracking().Where(t => t.IsActive).OrderBy(t => t.Name).Select(t => new { t.Id, t.Name, t.CategoryId }).ToListAsync(ct);
        Topics = [.. categories.Select(c => new TopicGroup(c.Name, [.. topics.Where(t => t.CategoryId == c.Id).Select(t => new Option(t.Id, t.Name))]))
            .Where(g => g.Topics.Count > 0)];
    }

    static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpper(text[0], System.Globalization.CultureInfo.GetCultureInfo("ru-RU")) + text[1..];
}
