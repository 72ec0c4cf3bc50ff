using Otklik.Data;
using Otklik.Infrastructure;

namespace Otklik.Features.Administration;

public sealed class IndexModel(AppDbContext db, CurrentUser user) : AdminPage(db, user)
{
    public void OnGet() { }
}

/// <summary>The administration screens, in the order the section lists them; region-wide ones only for the region's administrator.</summary>
public static class AdminSections
{
    static readonly (string Href, string Title, string Hint, bool RegionOnly)[] All =
    [
        ("/office/admin/organisations", "Организации", "дерево организаций, часы работы и часовой пояс", false),
        ("/office/admin/people", "Сотрудники и роли", "назначить и снять роль, отключить учётную запись", false),
        ("/office/admin/keys", "Ключи API", "выпустить ключ для интеграции, отозвать", false),
        ("/office/admin/deadlines", "Правила сроков", "сроки этапов по режимам, видам и темам; калькулятор срока", true),
        ("/office/admin/calendar", "Производственный календарь", "год целиком, региональные праздники и рабочие дни", true),
        ("/office/admin/catalogue", "Категории и темы", "каталог тем и их маршруты по территориям", true),
        ("/office/admin/territories", "Территории", "границы территорий: загрузка GeoJSON с предпросмотром на карте", true),
        ("/office/admin/webhooks", "Вебхуки для интеграторов", "подписки систем на события обращений, доставки, сбои и повторная отправка", true),
        ("/office/admin/letters", "Неотправленные письма", "письма, которые почтовый сервер не принял; отправить ещё раз", true),
        ("/office/admin/partner-sites", "Сайты партнёров", "форма обращения на сайтах партнёров: организация, темы, адреса сайта, лимит", true),
        ("/office/admin/open311-keys", "Ключи Open311", "ключи систем, подающих заявки по Open311: выпустить (показ один раз), отозвать", true),
        ("/office/admin/platforms", "Внешние платформы", "ПОС, порталы и системы, передающие обращения через API: сообщения, статусы, ошибки", true),
        ("/office/admin/channels", "Каналы приёма", "почтовые ящики: включить и выключить, ошибки, карантин писем", true),
    ];

    public static IEnumerable<(string Href, string Title, string Hint)> For(bool regionAdministrator) =>
        All.Where(s => regionAdministrator || !s.RegionOnly).Select(s => (s.Href, s.Title, s.Hint));
}
