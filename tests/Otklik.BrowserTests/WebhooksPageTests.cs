using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Otklik.Features.Webhooks;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

/// <summary>
/// Issue 19 item 2: the region administrator registers a webhook subscriber in the office, copies its secret (shown
/// once), and sees the deliveries with their failures; a failed one is sent again from the page. At 1366×768.
/// </summary>
public sealed class WebhooksPageTests(Browser browser) : IClassFixture<Browser>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_administrator_subscribes_a_system_sees_a_failed_delivery_and_resends_it(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var admin = await browser.SignInAsync(app, Persona.RegionAdmin);
        await admin.SetViewportSizeAsync(1366, 768);
        await admin.GetByRole(AriaRole.Link, new() { Name = "Администрирование" }).ClickAsync();
        await admin.GetByRole(AriaRole.Link, new() { Name = "Вебхуки для интеграторов" }).ClickAsync();

        // No event ticked: refused next to the field, nothing stored.
        await admin.GetByLabel("Подписчик").FillAsync("CRM министерства ЖКХ");
        await admin.GetByLabel("Адрес (URL), на который отправлять").FillAsync("http://127.0.0.1:9/otklik/events");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Создать подписку" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#events-error")).ToContainTextAsync("хотя бы одно событие");
        Assert.Equal(0, await app.WithDbAsync(db => db.WebhookSubscriptions.CountAsync()));

        await admin.GetByLabel("Обращение поступило").CheckAsync();
        await admin.GetByLabel("Зарегистрировано").CheckAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Создать подписку" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("Скопируйте секрет сейчас");
        Assert.StartsWith("whsec_", await admin.GetByLabel("Секрет подписи").InputValueAsync(), StringComparison.Ordinal);

        // An appeal comes in; the subscriber does not answer (nothing listens on port 9): one failure, then given up.
        var appeal = await app.SubmitAsync();
        await app.Services.GetRequiredService<WebhookDispatcher>().RunOnceAsync();
        await app.WithDbAsync(db => db.WebhookDeliveries.ExecuteUpdateAsync(s => s.SetProperty(d => d.FailedAtUtc, d => d.NextAttemptAtUtc)));
        await admin.GotoAsync(app.BaseAddress + "office/admin/webhooks");
        var row = admin.Locator("table.deliveries tr", new() { HasText = appeal.Number });
        await Assertions.Expect(row).ToContainTextAsync("не доставлено");
        await Assertions.Expect(row).ToContainTextAsync("HttpRequestException");
        await Assertions.Expect(admin.Locator("#issued-secret")).ToHaveCountAsync(0);
        await Browser.ShotAsync(admin, app, "webhooks");

        await row.GetByRole(AriaRole.Button, new() { Name = "Отправить снова" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("Доставка поставлена в очередь");
        await Assertions.Expect(admin.Locator("table.deliveries tr", new() { HasText = appeal.Number })).ToContainTextAsync("в очереди");
    }
}
