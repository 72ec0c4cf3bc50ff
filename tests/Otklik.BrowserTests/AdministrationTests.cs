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
}
