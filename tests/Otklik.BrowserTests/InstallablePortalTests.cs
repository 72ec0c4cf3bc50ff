using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

/// <summary>
/// The installable portal (issue 17, item 10; ADR 0040): the manifest and the service worker, a form opened and submitted
/// with no network that is sent once when the network returns, and personal pages never kept on the device.
/// </summary>
public sealed partial class InstallablePortalTests(Browser browser, AppPool pool) : IClassFixture<Browser>, IClassFixture<AppPool>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_form_opens_offline_is_queued_and_is_sent_once_with_its_number_when_the_network_returns(Engine engine)
    {
        var app = await pool.For(engine);
        var text = $"Во дворе дома 12 по ул. Мира третий день не вывозят мусор, контейнеры переполнены. ({engine}, открыто без сети)";
        var page = await browser.SignInOnPortalAsync(app, Persona.Applicant, "/submit");

        // Installable: the layout links the manifest, whose name is Russian and whose icons are there.
        Assert.Equal("/manifest.webmanifest", await page.Locator("link[rel=manifest]").GetAttributeAsync("href"));
        var manifest = await page.Context.APIRequest.GetAsync("/manifest.webmanifest");
        Assert.Equal(200, manifest.Status);
        var json = JsonDocument.Parse(await manifest.TextAsync()).RootElement;
        Assert.Equal(("Отклик", "standalone", "#0b57d0"), (json.GetProperty("short_name").GetString(), json.GetProperty("display").GetString(), json.GetProperty("theme_color").GetString()));
        foreach (var icon in json.GetProperty("icons").EnumerateArray())
            Assert.Equal(200, (await page.Context.APIRequest.GetAsync(icon.GetProperty("src").GetString()!)).Status);

        // The worker installs, keeps the shell and takes the page.
        await page.EvaluateAsync("() => navigator.serviceWorker.ready");
        // The next page opened is the worker's (the first one loaded before it existed).
        await page.GotoAsync("/my");
        await page.WaitForFunctionAsync("() => navigator.serviceWorker.controller !== null", null, new() { Timeout = 60_000 });
        // The worker may have kept the form before the sign-in (its install races the sign-in page): opened once more
        // under the worker, the copy it keeps is the signed-in person's form (7 steps, no contact step).
        await page.GotoAsync("/submit");
        await page.WaitForFunctionAsync("""
            () => caches.keys().then(names => Promise.all(names.map(n => caches.open(n).then(c => c.match('/submit')))))
                .then(found => found.filter(r => r)).then(rs => rs.length > 0 && Promise.all(rs.map(r => r.text())))
                .then(texts => texts && texts.every(t => !t.includes('contact-last')))
            """, null, new() { Timeout = 30_000, PollingInterval = 200 });

        await page.Context.SetOfflineAsync(true);
        // Opened with no network: the form comes from the device.
        await page.GotoAsync("/submit");
        await Assertions.Expect(page.Locator("#step-progress")).ToHaveTextAsync("Шаг 1 из 7: тип обращения");
        await page.GetByLabel("Проблема").CheckAsync();
        await Next(page);
        await page.GetByLabel("Категория обращения").SelectOptionAsync(new SelectOptionValue { Label = "Городское благоустройство" });
        await Next(page);
        await page.GetByLabel("Тема обращения").SelectOptionAsync(new SelectOptionValue { Label = "Ямы на дорогах" });
        await Next(page);
        await page.GetByLabel("Широта").FillAsync("56.85");
        await page.GetByLabel("Долгота").FillAsync("61.25");
        await Next(page);
        await page.GetByLabel("Текст обращения").FillAsync(text);
        // The draft is kept as one types.
        Assert.Contains("третий день не вывозят мусор", await page.EvaluateAsync<string>("() => localStorage.getItem('otklik.submit.draft')"));
        await Next(page);
        await Next(page);
        await page.GetByLabel("Согласен(на) на публикацию обращения и ответа на портале").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Отправить обращение" }).ClickAsync();
        await Assertions.Expect(page.Locator("#submit-status")).ToContainTextAsync("Отправится, когда появится связь");
        await Browser.ShotAsync(page, app, "pwa-1-submit-queued-offline");
        Assert.Equal(1, await page.EvaluateAsync<int>("() => OtklikQueue.pending().then(l => l.length)"));
        Assert.Equal(0, await app.WithDbAsync(db => db.Appeals.CountAsync(a => a.Text == text)));

        // A personal page is never kept: offline it is the offline page, not a copy.
        var other = await page.Context.NewPageAsync();
        await other.GotoAsync("/my");
        await Assertions.Expect(other.GetByRole(AriaRole.Heading, new() { Name = "Нет связи" })).ToBeVisibleAsync();
        await Browser.ShotAsync(other, app, "pwa-2-offline-page");
        await other.CloseAsync();
        var cached = await page.EvaluateAsync<string[]>(
            "async () => { const out = []; for (const n of await caches.keys()) { const c = await caches.open(n); for (const r of await c.keys()) out.push(new URL(r.url).pathname + new URL(r.url).search); } return out; }");
        Assert.Contains("/submit", cached);
        Assert.DoesNotContain(cached, u => PersonalPath().IsMatch(u));

        // The network returns: the queued form is sent once (with its idempotency key) and the number is shown.
        await page.Context.SetOfflineAsync(false);
        await page.WaitForURLAsync("**/my/*?sent=true", new() { Timeout = 60_000 });
        var number = await page.Locator("#appeal-number").TextContentAsync();
        Assert.Matches(@"^\d{4}-\d{6}$", number);
        await Browser.ShotAsync(page, app, "pwa-3-sent-when-online");
        var appeal = Assert.Single(await app.WithDbAsync(db => db.Appeals.AsNoTracking().Where(a => a.Text == text).ToListAsync()));
        Assert.Equal(number, appeal.Number);
        Assert.NotNull(appeal.IdempotencyKey);
        // Nothing is left to send twice, and the draft is gone.
        Assert.Equal(0, await page.EvaluateAsync<int>("() => OtklikQueue.pending().then(l => l.length)"));
        Assert.Equal("null", await page.EvaluateAsync<string>("() => String(localStorage.getItem('otklik.submit.draft'))"));
        await page.GotoAsync("/");
        await page.WaitForTimeoutAsync(500);
        Assert.Equal(1, await app.WithDbAsync(db => db.Appeals.CountAsync(a => a.Text == text)));

        // The person's setting for web push names its state on /my and has a screen of its own; without VAPID keys
        // (this app has none) the screen says so instead of offering a switch that cannot work.
        await page.GotoAsync("/my");
        await Assertions.Expect(page.Locator("#push-setting-link")).ToHaveTextAsync("Уведомления в браузере: выключены");
        await page.GetByRole(AriaRole.Link, new() { Name = "Уведомления в браузере" }).ClickAsync();
        await page.WaitForURLAsync("**/my/notifications");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Уведомления выключены" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#push-status")).ToContainTextAsync("пока не настроены");
        await Assertions.Expect(page.Locator("#push-enabled")).ToHaveCountAsync(0);
        await Browser.ShotAsync(page, app, "pwa-4-notifications-not-configured");
        await page.Context.CloseAsync();
    }

    /// <summary>
    /// «Уведомления в браузере» as a screen of its own (/my/notifications): the state, what is sent, the switch, and the
    /// person's connected browsers, each of which can be disconnected (a plain form, no JavaScript needed); another
    /// person's browsers are neither shown nor touched. Phone and desktop.
    /// </summary>
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_notifications_screen_shows_the_state_and_the_persons_browsers_and_disconnects_one(Engine engine)
    {
        var (publicKey, privateKey) = Otklik.Features.WebPush.WebPushKeys.Generate();
        await using var app = await TestApp.StartAsync(engine, settings: new Dictionary<string, string?>
        {
            ["Otklik:WebPush:PublicKey"] = publicKey, ["Otklik:WebPush:PrivateKey"] = privateKey, ["Otklik:WebPush:Subject"] = "mailto:support@otklik.example",
        });
        var applicant = app.ClientAs(Persona.Applicant);
        await applicant.PostJsonAsync("/api/v1/push/subscriptions", Subscription("https://fcm.googleapis.com/fcm/send/phone-1")).Expect(System.Net.HttpStatusCode.OK);
        await applicant.PostJsonAsync("/api/v1/push/subscriptions", Subscription("https://updates.push.services.mozilla.com/wpush/v2/laptop-1")).Expect(System.Net.HttpStatusCode.OK);
        await app.ClientAs(Persona.OtherApplicant).PostJsonAsync("/api/v1/push/subscriptions", Subscription("https://fcm.googleapis.com/fcm/send/other-1")).Expect(System.Net.HttpStatusCode.OK);

        foreach (var (width, height, name) in new[] { (360, 740, "phone"), (1280, 900, "desktop") })
        {
            var page = await browser.SignInOnPortalAsync(app, Persona.Applicant, "/my", width, height);
            await Assertions.Expect(page.Locator("#push-setting-link")).ToHaveTextAsync("Уведомления в браузере: включены (браузеров: 2)");
            await page.GetByRole(AriaRole.Link, new() { Name = "Уведомления в браузере" }).ClickAsync();
            await page.WaitForURLAsync("**/my/notifications");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Уведомления включены" })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByLabel("Присылать уведомления о моих обращениях")).ToBeCheckedAsync();
            await Assertions.Expect(page.Locator("#push-browsers li")).ToHaveCountAsync(2);
            await Assertions.Expect(page.Locator("#push-browsers li").First).ToContainTextAsync("Chrome");
            await Assertions.Expect(page.Locator("#push-browsers li").Last).ToContainTextAsync("Firefox");
            await Browser.ShotAsync(page, app, $"pwa-5-notifications-{name}");
            await page.Context.CloseAsync();
        }

        var phone = await browser.SignInOnPortalAsync(app, Persona.Applicant, "/my/notifications");
        await phone.Locator("#push-browsers li").Filter(new() { HasText = "Firefox" }).GetByRole(AriaRole.Button, new() { Name = "Отключить" }).ClickAsync();
        await Assertions.Expect(phone.Locator("#push-done")).ToHaveTextAsync("Браузер отключён: уведомления в него больше не придут.");
        await Assertions.Expect(phone.Locator("#push-browsers li")).ToHaveCountAsync(1);
        await Browser.ShotAsync(phone, app, "pwa-6-notifications-disconnected");
        var left = await app.WithDbAsync(db => db.WebPushSubscriptions.AsNoTracking().Select(s => s.Endpoint).OrderBy(e => e).ToListAsync());
        Assert.Equal(["https://fcm.googleapis.com/fcm/send/other-1", "https://fcm.googleapis.com/fcm/send/phone-1"], left);
        await phone.Context.CloseAsync();
    }

    /// <summary>What PushSubscription.toJSON() gives: an endpoint, the browser's P-256 public key and a 16-byte secret.</summary>
    static object Subscription(string endpoint)
    {
        using var ecdh = System.Security.Cryptography.ECDiffieHellman.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var q = ecdh.ExportParameters(false).Q;
        byte[] point = [0x04, .. q.X!, .. q.Y!];
        return new { endpoint, keys = new { p256dh = System.Buffers.Text.Base64Url.EncodeToString(point), auth = System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)) } };
    }

    static Task Next(IPage page) => page.Locator(".step.current [data-next]").ClickAsync();

    [GeneratedRegex(@"^/(my|account|office|api)(/|$)|handler=")]
    private static partial Regex PersonalPath();
}
