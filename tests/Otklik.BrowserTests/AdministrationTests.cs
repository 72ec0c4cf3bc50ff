using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Otklik.Features.Directory;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

/// <summary>
/// Issue 16 item 13: the administrative tasks that were API-only, done in the office by the region's administrator and,
/// within its scope, by a municipality's administrator. Screens at 1366×768.
/// </summary>
public sealed class AdministrationTests(Browser browser) : IClassFixture<Browser>
{
    static async Task<IPage> AdministratorAsync(Browser browser, TestApp app, Persona persona)
    {
        var page = await browser.SignInAsync(app, persona);
        await page.SetViewportSizeAsync(1366, 768);
        await page.GetByRole(AriaRole.Link, new() { Name = "Администрирование" }).ClickAsync();
        return page;
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Organisations_in_a_tree_are_added_and_their_hours_changed(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var before = await app.WithDbAsync(db => db.Organisations.CountAsync());
        var admin = await AdministratorAsync(browser, app, Persona.MunBAdmin);
        await admin.GetByRole(AriaRole.Link, new() { Name = "Организации" }).ClickAsync();
        var tree = admin.Locator("table.org-tree");
        // The municipal administrator sees its own subtree only.
        await Assertions.Expect(tree).ToContainTextAsync("Город Б");
        await Assertions.Expect(tree).Not.ToContainTextAsync("Мининвест");

        // A new department under город Б: no name, and a break outside the day — the errors stand next to the fields.
        await admin.GetByRole(AriaRole.Link, new() { Name = "Добавить в «Город Б»" }).ClickAsync();
        await admin.GetByLabel("Краткое название").FillAsync("Дороги");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Добавить организацию" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#name-error")).ToHaveTextAsync("Укажите название.");
        await Assertions.Expect(admin.GetByLabel("Краткое название")).ToHaveValueAsync("Дороги");
        Assert.Equal(before, await app.WithDbAsync(db => db.Organisations.CountAsync()));
        // Only the region's administrator makes a centre of management: refused, and said why.
        await admin.GetByLabel("Полное название").FillAsync("Отдел дорожного хозяйства");
        await admin.GetByLabel("Вид", new() { Exact = true }).SelectOptionAsync("CentreOfManagement");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Добавить организацию" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#kind-error")).ToContainTextAsync("меняет только администратор региона");
        await admin.GetByLabel("Вид", new() { Exact = true }).SelectOptionAsync("Department");
        await admin.GetByLabel("Часовой пояс").SelectOptionAsync("Asia/Omsk");
        await admin.GetByLabel("Начало дня").FillAsync("08:30");
        await admin.GetByLabel("Конец дня").FillAsync("17:30");
        await Browser.ShotAsync(admin, app, "90-admin-organisation-new");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Добавить организацию" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("Организация «Отдел дорожного хозяйства» сохранена");
        var row = tree.Locator("tr", new() { HasText = "Дороги" });
        await Assertions.Expect(row).ToContainTextAsync("Asia/Omsk");
        await Assertions.Expect(row).ToContainTextAsync("08:30–17:30, перерыв 13:00–14:00");
        var created = await app.WithDbAsync(db => db.Organisations.AsNoTracking().SingleAsync(o => o.ShortName == "Дороги"));
        Assert.Equal((r.MunB, OrganisationKind.Department, "Asia/Omsk"), (created.ParentId!.Value, created.Kind, created.TimeZone));

        // Its hours changed: the break must lie inside the day.
        await admin.GetByRole(AriaRole.Link, new() { Name = "Изменить: Дороги" }).ClickAsync();
        await admin.GetByLabel("Перерыв с").FillAsync("18:00");
        await admin.GetByLabel("по", new() { Exact = true }).FillAsync("19:00");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Сохранить" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#breakStart-error")).ToHaveTextAsync("Перерыв должен лежать внутри рабочего дня.");
        Assert.Equal(new TimeOnly(13, 0), (await app.WithDbAsync(db => db.Organisations.AsNoTracking().SingleAsync(o => o.Id == created.Id))).BreakStart);
        await Browser.ShotAsync(admin, app, "90-admin-organisation-error");
        await admin.GetByLabel("Перерыв с").FillAsync("12:00");
        await admin.GetByLabel("по", new() { Exact = true }).FillAsync("12:45");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Сохранить" }).ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync("08:30–17:30, перерыв 12:00–12:45");
        await Browser.ShotAsync(admin, app, "90-admin-organisations");

        // The region's administrator sees the whole tree.
        var region = await AdministratorAsync(browser, app, Persona.RegionAdmin);
        await region.GetByRole(AriaRole.Link, new() { Name = "Организации" }).ClickAsync();
        await Assertions.Expect(region.Locator("table.org-tree")).ToContainTextAsync("Мининвест");
        await Assertions.Expect(region.Locator("table.org-tree")).ToContainTextAsync("Дороги");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task People_get_and_lose_roles_and_are_disabled(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var admin = await AdministratorAsync(browser, app, Persona.MunBAdmin);
        await admin.GetByRole(AriaRole.Link, new() { Name = "Сотрудники и роли" }).ClickAsync();
        var people = admin.Locator("table.people");
        await Assertions.Expect(people).Not.ToContainTextAsync("Мининвест");

        // A new executor of город Б; first without a surname.
        var form = admin.Locator("form", new() { HasText = "Добавить сотрудника" });
        await form.GetByLabel("Электронная почта").FillAsync("petrova@gorod-b.example");
        await form.GetByLabel("Имя").FillAsync("Ольга");
        await form.GetByLabel("Роль").SelectOptionAsync("Executor");
        await form.GetByLabel("В организации").SelectOptionAsync(r.MunB.ToString());
        await form.GetByRole(AriaRole.Button, new() { Name = "Добавить сотрудника" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#lastName-error")).ToHaveTextAsync("Укажите фамилию.");
        await Assertions.Expect(form.GetByLabel("Электронная почта")).ToHaveValueAsync("petrova@gorod-b.example");
        await form.GetByLabel("Фамилия").FillAsync("Петрова");
        await form.GetByRole(AriaRole.Button, new() { Name = "Добавить сотрудника" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("Сотрудник Петрова Ольга добавлен.");
        await Assertions.Expect(people.Locator("tr", new() { HasText = "Петрова Ольга" })).ToContainTextAsync("Исполнитель — Город Б");

        // HQ membership is the region administrator's to give: refused next to the role.
        var grant = admin.Locator("form", new() { HasText = "Назначить" });
        await grant.GetByLabel("Сотрудник").SelectOptionAsync(new SelectOptionValue { Label = "Петрова Ольга" });
        await grant.GetByLabel("Роль").SelectOptionAsync("HqMember");
        await grant.GetByLabel("В организации").SelectOptionAsync(r.MunB.ToString());
        await grant.GetByRole(AriaRole.Button, new() { Name = "Назначить" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#role-error")).ToContainTextAsync("только администратор региона");
        await Browser.ShotAsync(admin, app, "91-admin-people-refused");
        await grant.GetByLabel("Роль").SelectOptionAsync("Dispatcher");
        await grant.GetByRole(AriaRole.Button, new() { Name = "Назначить" }).ClickAsync();
        var row = people.Locator("tr", new() { HasText = "Петрова Ольга" });
        await Assertions.Expect(row).ToContainTextAsync("Ответственный за распределение — Город Б");
        var id = await app.WithDbAsync(db => db.Users.Where(p => p.Email == "petrova@gorod-b.example").Select(p => p.Id).SingleAsync());
        Assert.Equal([Role.Dispatcher, Role.Executor], await app.WithDbAsync(db => db.RoleAssignments.Where(x => x.PersonId == id).Select(x => x.Role).OrderBy(x => x).ToListAsync()));

        await admin.GetByRole(AriaRole.Button, new() { Name = "Снять роль «Исполнитель — Город Б» у Петрова Ольга" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("Роль снята.");
        await Assertions.Expect(row).Not.ToContainTextAsync("Исполнитель — Город Б");

        // Disabled: her key stops working at once.
        var key = await (await app.ClientAs(Persona.MunBAdmin).PostJsonAsync($"/api/v1/people/{id}/api-keys", new { name = "Скрипт" })
            .Expect(System.Net.HttpStatusCode.Created)).ReadAsync<DirectoryApi.ApiKeyView>();
        await app.ClientWithKey(key.Secret).GetAsync("/api/v1/auth/me").Expect(System.Net.HttpStatusCode.OK);
        await admin.GetByRole(AriaRole.Button, new() { Name = "Отключить Петрова Ольга" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("Учётная запись отключена");
        await Assertions.Expect(row).ToContainTextAsync("отключена");
        await app.ClientWithKey(key.Secret).GetAsync("/api/v1/auth/me").Expect(System.Net.HttpStatusCode.Unauthorized);
        await Browser.ShotAsync(admin, app, "91-admin-people");

        // The last administrator of the region cannot be taken down.
        var region = await AdministratorAsync(browser, app, Persona.RegionAdmin);
        await region.GetByRole(AriaRole.Link, new() { Name = "Сотрудники и роли" }).ClickAsync();
        var self = region.Locator("table.people tr", new() { HasText = "regionadmin@test.example" });
        await self.GetByRole(AriaRole.Button, new() { Name = "снять" }).First.ClickAsync();
        await Assertions.Expect(region.GetByRole(AriaRole.Alert)).ToContainTextAsync("последний администратор региона");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_api_key_is_shown_once_and_revoked_at_once_on_every_node(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        await using var other = await app.SecondNodeAsync();
        var admin = await AdministratorAsync(browser, app, Persona.MunBAdmin);
        await admin.GetByRole(AriaRole.Link, new() { Name = "Ключи API" }).ClickAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Выпустить ключ" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#personId-error")).ToHaveTextAsync("Выберите сотрудника.");
        await admin.GetByLabel("От имени сотрудника").SelectOptionAsync(app.Region.IdOf(Persona.MunBDispatcher).ToString());
        await admin.GetByRole(AriaRole.Button, new() { Name = "Выпустить ключ" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#name-error")).ToHaveTextAsync("Назовите ключ: для какой интеграции он выдан.");
        Assert.Equal(0, await app.WithDbAsync(db => db.ApiKeys.CountAsync(k => k.Name == "Интеграция с СЭД")));
        await admin.GetByLabel("Для какой интеграции").FillAsync("Интеграция с СЭД");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Выпустить ключ" }).ClickAsync();
        var secret = await admin.GetByLabel("Ключ", new() { Exact = true }).InputValueAsync();
        Assert.StartsWith("otk_", secret);
        await Browser.ShotAsync(admin, app, "92-admin-key-issued");
        await other.ClientWithKey(secret).GetAsync("/api/v1/auth/me").Expect(System.Net.HttpStatusCode.OK);
        // Shown once: the list has only its first characters.
        await admin.GotoAsync("/office/admin/keys");
        await Assertions.Expect(admin.Locator("body")).Not.ToContainTextAsync(secret);
        await Assertions.Expect(admin.Locator("table.keys")).ToContainTextAsync(secret[..8]);

        await admin.GetByRole(AriaRole.Button, new() { Name = "Отозвать ключ «Интеграция с СЭД»" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("Ключ «Интеграция с СЭД» отозван");
        await Assertions.Expect(admin.Locator("table.keys tr", new() { HasText = "Интеграция с СЭД" })).ToContainTextAsync("отозван");
        await Browser.ShotAsync(admin, app, "92-admin-keys");
        await other.ClientWithKey(secret).GetAsync("/api/v1/auth/me").Expect(System.Net.HttpStatusCode.Unauthorized);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Deadline_rules_are_written_beside_the_calculator(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        // The municipal administrator has no region-wide screens.
        var municipal = await AdministratorAsync(browser, app, Persona.MunBAdmin);
        await Assertions.Expect(municipal.GetByRole(AriaRole.Link, new() { Name = "Правила сроков" })).ToHaveCountAsync(0);
        Assert.Equal(403, (await municipal.GotoAsync("/office/admin/deadlines"))!.Status);

        var admin = await AdministratorAsync(browser, app, Persona.RegionAdmin);
        await admin.GetByRole(AriaRole.Link, new() { Name = "Правила сроков" }).ClickAsync();
        var rules = admin.Locator("table.deadline-rules");
        await Assertions.Expect(rules).ToContainTextAsync("Ответ на обращение — 30 дней (59-ФЗ ст. 12)");
        var count = await app.WithDbAsync(db => db.DeadlineRules.CountAsync());

        // A task on the subsidy topic answered in 3 working days; first with a policy nobody can read.
        await admin.GetByLabel("Этап").SelectOptionAsync("Answer");
        await admin.GetByLabel("Правовой режим").SelectOptionAsync("BusinessConsultation");
        await admin.GetByLabel("Вид обращения").SelectOptionAsync("Task");
        await admin.GetByLabel("Тема").SelectOptionAsync(r.SubsidyTopic.ToString());
        await admin.Locator("#rule-policy").FillAsync("рабочие:3");
        await admin.GetByLabel("Основание").FillAsync("Субсидии — 3 рабочих дня (регламент Фонда)");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Сохранить правило" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#policy-error")).ToContainTextAsync("Неизвестный вид политики «рабочие»");
        await Assertions.Expect(admin.GetByLabel("Основание")).ToHaveValueAsync("Субсидии — 3 рабочих дня (регламент Фонда)");
        Assert.Equal(count, await app.WithDbAsync(db => db.DeadlineRules.CountAsync()));
        await Browser.ShotAsync(admin, app, "93-admin-deadline-error");
        await admin.Locator("#rule-policy").FillAsync("working-days:3");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Сохранить правило" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("Правило сохранено");
        var row = rules.Locator("tr", new() { HasText = "Субсидии — 3 рабочих дня" });
        await Assertions.Expect(row).ToContainTextAsync("3 рабоч. дн.");
        Assert.Equal(count + 1, await app.WithDbAsync(db => db.DeadlineRules.CountAsync()));

        // The same conditions twice: refused next to the stage.
        await admin.GetByLabel("Этап").SelectOptionAsync("Answer");
        await admin.GetByLabel("Правовой режим").SelectOptionAsync("BusinessConsultation");
        await admin.GetByLabel("Вид обращения").SelectOptionAsync("Task");
        await admin.GetByLabel("Тема").SelectOptionAsync(r.SubsidyTopic.ToString());
        await admin.Locator("#rule-policy").FillAsync("working-days:4");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Сохранить правило" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#stage-error")).ToHaveTextAsync("Правило с такими условиями уже есть: измените его.");

        // The calculator beside: received on 30 December at 10:00 in город А, due after the New Year holidays — the API's own answer.
        await admin.GotoAsync("/office/admin/deadlines");
        await admin.Locator("#calc-policy").FillAsync("working-days:3");
        await admin.Locator("#calc-from").FillAsync("2026-12-30T10:00");
        await admin.GetByLabel("Организация").SelectOptionAsync(r.MunA.ToString());
        await admin.GetByRole(AriaRole.Button, new() { Name = "Посчитать" }).ClickAsync();
        var api = await (await app.Anonymous().GetAsync($"/api/v1/calendar/due?policy=working-days:3&from={Uri.EscapeDataString("2026-12-30T10:00:00+05:00")}&organisationId={r.MunA}")
            .Expect(System.Net.HttpStatusCode.OK)).ReadAsync<Otklik.Features.Deadlines.CalendarApi.DueView>();
        var due = DateOnly.Parse(api.DueDate!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(due > new DateOnly(2027, 1, 8), $"due {due}");
        await Assertions.Expect(admin.Locator("#calc-result")).ToContainTextAsync($"Срок: {due:dd.MM.yyyy}");
        await Browser.ShotAsync(admin, app, "93-admin-deadlines");
        // «Посчитать» beside a rule puts its policy into the calculator.
        await row.GetByRole(AriaRole.Link, new() { Name = "Посчитать" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#calc-policy")).ToHaveValueAsync("working-days:3");
        await Assertions.Expect(admin.Locator("#calc-result")).ToContainTextAsync("Срок:");
        await admin.Locator("#calc-from").FillAsync("");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Посчитать" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#calc-from-error")).ToHaveTextAsync("Укажите дату и время поступления.");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_production_calendar_shows_the_year_and_takes_regional_days(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var admin = await AdministratorAsync(browser, app, Persona.RegionAdmin);
        await admin.GetByRole(AriaRole.Link, new() { Name = "Производственный календарь" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Производственный календарь 2026");
        await Assertions.Expect(admin.Locator("td[data-date='2026-11-04']")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("holiday"));
        await Assertions.Expect(admin.Locator("td[data-date='2026-11-28']")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("weekend"));

        // A regional day off without saying what it is: refused next to the field, nothing stored.
        await admin.GetByLabel("Дата").FillAsync("2026-11-27");
        await admin.GetByLabel("Вид дня").SelectOptionAsync("DayOff");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Добавить день" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#note-error")).ToContainTextAsync("Укажите, что это за день");
        Assert.False(await app.WithDbAsync(db => db.CalendarDays.AnyAsync(d => d.IsRegional)));
        await admin.GetByLabel("Что за день").FillAsync("День Тестовой области");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Добавить день" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("27.11.2026 — День Тестовой области: день добавлен");
        await Assertions.Expect(admin.Locator("td[data-date='2026-11-27']")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("dayoff regional"));
        await Assertions.Expect(admin.Locator("ul.regional-days")).ToContainTextAsync("27.11.2026 — Выходной: День Тестовой области");
        await Browser.ShotAsync(admin, app, "94-admin-calendar");

        // A federal holiday is not overwritten by a regional day.
        await admin.GetByLabel("Дата").FillAsync("2026-11-04");
        await admin.GetByLabel("Вид дня").SelectOptionAsync("Working");
        await admin.GetByLabel("Что за день").FillAsync("Отработка");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Добавить день" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Alert)).ToContainTextAsync("уже особый день федерального календаря");
        Assert.Equal(Otklik.Features.Deadlines.DayKind.Holiday, await app.WithDbAsync(db => db.CalendarDays.Where(d => d.Date == new DateOnly(2026, 11, 4)).Select(d => d.Kind).SingleAsync()));

        await admin.GetByRole(AriaRole.Button, new() { Name = "Удалить региональный день 27.11.2026" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("Региональный день 27.11.2026 удалён.");
        await Assertions.Expect(admin.Locator("td[data-date='2026-11-27']")).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("regional"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Categories_topics_and_their_routes_per_territory(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var admin = await AdministratorAsync(browser, app, Persona.RegionAdmin);
        await admin.GetByRole(AriaRole.Link, new() { Name = "Категории и темы" }).ClickAsync();
        await Assertions.Expect(admin.Locator("table.catalogue")).ToContainTextAsync("Ямы на дорогах");

        // A category without saying for whom: refused next to the field.
        await admin.GetByLabel("Название категории").FillAsync("Экология");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Добавить категорию" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#audience-error")).ToContainTextAsync("Укажите, для кого категория");
        await Assertions.Expect(admin.GetByLabel("Название категории")).ToHaveValueAsync("Экология");
        await admin.GetByLabel("Для кого").SelectOptionAsync("Citizens");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Добавить категорию" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("Категория «Экология» добавлена.");

        await admin.GetByLabel("Категория", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Экология (Граждане)" });
        await admin.GetByLabel("Вид обращения по умолчанию").SelectOptionAsync("Task");
        await admin.GetByLabel("Правовой режим по умолчанию").SelectOptionAsync("Obrashchenie59");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Добавить тему" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#name-error")).ToHaveTextAsync("Укажите название темы.");
        await admin.GetByLabel("Название темы").FillAsync("Свалки");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Добавить тему" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("Тема «Свалки» добавлена.");

        // Its routes: by default МинЖКХ, in город Б the city itself.
        await admin.GetByRole(AriaRole.Link, new() { Name = "Маршруты темы «Свалки»" }).ClickAsync();
        var routes = admin.Locator("#routes");
        await routes.GetByLabel("Вся область (по умолчанию)").SelectOptionAsync(r.MinHousing.ToString());
        await routes.GetByLabel("Город Б").SelectOptionAsync(r.MunB.ToString());
        await routes.GetByRole(AriaRole.Button, new() { Name = "Сохранить маршруты" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("Маршруты темы сохранены.");
        var row = admin.Locator("table.catalogue tr", new() { HasText = "Свалки" });
        await Assertions.Expect(row).ToContainTextAsync("вся область → МинЖКХ");
        await Assertions.Expect(row).ToContainTextAsync("Город Б → Город Б");
        await Browser.ShotAsync(admin, app, "95-admin-catalogue");
        var topic = await app.WithDbAsync(db => db.Topics.Include(t => t.Routes).AsNoTracking().SingleAsync(t => t.Name == "Свалки"));
        Assert.Equal(new (Guid?, Guid)[] { (null, r.MinHousing), (r.TerritoryB, r.MunB) },
            topic.Routes.OrderBy(x => x.TerritoryId is not null).Select(x => (x.TerritoryId, x.OrganisationId)).ToList());
    }

    static string Square(double west, double south, double east, double north) => FormattableString.Invariant(
        $"{{\"type\":\"Polygon\",\"coordinates\":[[[{west},{south}],[{east},{south}],[{east},{north}],[{west},{north}],[{west},{south}]]]}}");

    static string Collection(params (string? Code, string Name, string Geometry)[] features) =>
        "{\"type\":\"FeatureCollection\",\"features\":[" + string.Join(",", features.Select(f =>
            $"{{\"type\":\"Feature\",\"properties\":{{{(f.Code is null ? "" : $"\"code\":\"{f.Code}\",")}\"name\":\"{f.Name}\"}},\"geometry\":{f.Geometry}}}")) + "]}";

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Territories_are_imported_from_geojson_after_a_preview_on_the_map(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var admin = await AdministratorAsync(browser, app, Persona.RegionAdmin);
        await admin.GetByRole(AriaRole.Link, new() { Name = "Территории" }).ClickAsync();
        await Assertions.Expect(admin.Locator("table.territories")).ToContainTextAsync("T-A");

        // A feature without a code: refused, the field named, nothing changed.
        await admin.GetByLabel("или текст GeoJSON").FillAsync(Collection((null, "Посёлок В", Square(62.0, 56.7, 62.5, 57.0))));
        await admin.GetByRole(AriaRole.Button, new() { Name = "Показать на карте" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#geojson-errors")).ToContainTextAsync("features[0].properties.code: Укажите код территории");
        await admin.GetByLabel("или текст GeoJSON").FillAsync("{ это не json");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Показать на карте" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#geojson-errors")).ToContainTextAsync("Это не JSON");

        // The preview: one new, one changed, drawn on the map over today's; nothing stored yet.
        await admin.GetByLabel("или текст GeoJSON").FillAsync(Collection(("T-C", "Посёлок В", Square(62.0, 56.7, 62.5, 57.0)),
            ("T-A", "Город А (новые границы)", Square(60.0, 56.6, 60.6, 57.0))));
        await admin.GetByRole(AriaRole.Button, new() { Name = "Показать на карте" }).ClickAsync();
        var list = admin.Locator("ul.preview-list");
        await Assertions.Expect(list).ToContainTextAsync("Посёлок В T-C — новая территория");
        await Assertions.Expect(list).ToContainTextAsync("Город А (новые границы) T-A — граница обновится");
        await Assertions.Expect(admin.Locator("[data-territory-preview] path.imported")).ToHaveCountAsync(2);
        Assert.Equal(2, await app.WithDbAsync(db => db.Territories.CountAsync()));
        Assert.Equal("Город А", await app.WithDbAsync(db => db.Territories.Where(t => t.Code == "T-A").Select(t => t.Name).SingleAsync()));
        await Browser.ShotAsync(admin, app, "96-admin-territories-preview");

        await admin.GetByRole(AriaRole.Button, new() { Name = "Загрузить 2" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("Загружено территорий: 2.");
        await Assertions.Expect(admin.Locator("table.territories")).ToContainTextAsync("Посёлок В");
        await Browser.ShotAsync(admin, app, "96-admin-territories");
        Assert.Equal(3, await app.WithDbAsync(db => db.Territories.CountAsync()));
        // A point inside the new territory now finds it.
        var found = await (await app.Anonymous().GetAsync("/api/v1/territories/locate?latitude=56.85&longitude=62.25").Expect(System.Net.HttpStatusCode.OK))
            .ReadAsync<DirectoryApi.TerritoryView>();
        Assert.Equal("T-C", found.Code);
    }
}
