using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;

namespace Otklik.Features.Business.Portal;

/// <summary>
/// A section of the business portal: news, events (a month's calendar and the list), success stories, official
/// information, market analytics, development institutions, business incubators, business sites (on a map). Each item
/// names its owner organisation, whose page is a link.
/// </summary>
public sealed class SectionModel(AppDbContext db, TimeProvider clock) : PageModel
{
    [FromRoute] public string Slug { get; set; } = "";
    [FromQuery] public string? Month { get; set; }

    public PortalSection Section { get; private set; }
    public IReadOnlyList<PortalItem> Items { get; private set; } = [];
    public IReadOnlyDictionary<Guid, string> Owners { get; private set; } = new Dictionary<Guid, string>();
    public DateOnly CalendarMonth { get; private set; }
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;
    public DateOnly Today { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (PortalItem.FromSlug(Slug) is not { } section) return NotFound();
        Section = section;
        Zone = TimeZones.Find(await db.Organisations.AsNoTracking().Where(o => o.ParentId == null).OrderBy(o => o.Name).Select(o => o.TimeZone).FirstOrDefaultAsync(ct) ?? "Europe/Moscow");
        Today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(clock.GetUtcNow().UtcDateTime, Zone));
        if (section == PortalSection.Events)
        {
            CalendarMonth = DateOnly.TryParseExact((Month ?? "") + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var m)
                ? m : new DateOnly(Today.Year, Today.Month, 1);
            Items = await PortalItems.EventsAsync(db, CalendarMonth, Zone, ct);
        }
        else Items = await PortalItems.PublishedAsync(db, section, null, 200, ct);
        Owners = await PortalItems.NamesAsync(db, Items, ct);
        return Page();
    }

    public DateTime Local(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone);

    public static string Title(PortalSection s) => s switch
    {
        PortalSection.Sites => "Бизнес-площадки",
        PortalSection.Institutions => "Институты развития",
        PortalSection.Analytics => "Рынок и аналитика",
        _ => SectionClock.Name(s),
    };

    public static string Lead(PortalSection s) => s switch
    {
        PortalSection.News => "Новости фондов поддержки предпринимательства и министерства.",
        PortalSection.Events => "Семинары, обучение, выставки и встречи для предпринимателей. Регистрация — на странице мероприятия.",
        PortalSection.SuccessStories => "Как предприниматели области начали и развили своё дело с поддержкой.",
        PortalSection.Official => "Документы и решения министерства инвестиций и развития.",
        PortalSection.Analytics => "Обзоры рынка и итоги работы инфраструктуры поддержки.",
        PortalSection.Institutions => "Организации, которые поддерживают бизнес в области: что делают и как с ними связаться.",
        PortalSection.Incubators => "Помещения для начинающих предпринимателей на льготных условиях. Запрос на размещение — на странице инкубатора.",
        PortalSection.Sites => "Свободные площадки и помещения для бизнеса. Вопрос по площадке — на её странице, ответ за 2 рабочих дня.",
        _ => "",
    };
}
