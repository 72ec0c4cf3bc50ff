using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Otklik.Features.Appeals;
using Otklik.Features.Mail;
using Otklik.Features.Social;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

/// <summary>
/// Issue 18 item 6: every channel on one page — configured or not (what is missing, in Russian), its outage and last
/// error in the region's own time, its queue — and switched off and on by the region's administrator. At 1366×768.
/// </summary>
public sealed class ChannelsPageTests(Browser browser) : IClassFixture<Browser>
{
    static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_administrator_sees_every_channel_its_outage_in_local_time_and_switches_one_off(Engine engine)
    {
        // The bot is configured, but the Bot API does not answer (nothing listens on the port): its replies fail.
        await using var app = await TestApp.StartAsync(engine, settings: new Dictionary<string, string?>
        {
            ["Otklik:Telegram:Token"] = "123:token",
            ["Otklik:Telegram:WebhookSecret"] = "secret",
            ["Otklik:Telegram:ApiBaseUrl"] = $"http://127.0.0.1:{ClosedPort().ToString(CultureInfo.InvariantCulture)}",
        });
        var appeal = await app.SubmitAsync();
        await app.WithDbAsync(async db =>
        {
            var now = app.Clock.GetUtcNow().UtcDateTime;
            // As if the appeal came from the bot: its receipt is relayed to the chat by the outbox.
            db.ChannelThreads.Add(ChannelThread.Of(appeal.Id, Channel.Telegram, TelegramBot.Network, "u1", "424242", now));
            await db.SaveChangesAsync();
        });
        await app.Services.GetRequiredService<OutboxDispatcher>().RunOnceAsync();
        await app.Services.GetRequiredService<OutboxDispatcher>().RunOnceAsync();
        var failingSince = await app.WithDbAsync(db => db.ChannelStates.Where(s => s.Name == ChannelStates.Telegram).Select(s => s.FailingSinceUtc).SingleAsync());
        Assert.NotNull(failingSince);
        // The test region lives in Asia/Yekaterinburg (UTC+5): the page says the local time, not UTC.
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(failingSince.Value, DateTimeKind.Utc), TimeZoneInfo.FindSystemTimeZoneById("Asia/Yekaterinburg"))
            .ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture);

        var admin = await browser.SignInAsync(app, Persona.RegionAdmin);
        await admin.SetViewportSizeAsync(1366, 768);
        await admin.GetByRole(AriaRole.Link, new() { Name = "Администрирование" }).ClickAsync();
        await admin.GetByRole(AriaRole.Link, new() { Name = "Каналы приёма" }).ClickAsync();
        await admin.WaitForURLAsync("**/office/admin/channels");

        var telegram = admin.Locator("#channel-telegram");
        await Assertions.Expect(telegram).ToContainTextAsync("не работает с " + local);
        await Assertions.Expect(telegram).ToContainTextAsync(appeal.Number);
        await Assertions.Expect(telegram).ToContainTextAsync("ответов ждут отправки: 1");
        await Assertions.Expect(admin.Locator("#channel-vk")).ToContainTextAsync("не хватает: номер сообщества (Otklik:Vk:GroupId)");
        await Assertions.Expect(admin.Locator("#channel-telephony")).ToContainTextAsync("ключ API с областью «telephony»");
        await Assertions.Expect(admin.Locator("#channel-incidents")).ToContainTextAsync("ключ API с областью «incidents»");
        await Assertions.Expect(admin.Locator("#channel-mail")).ToContainTextAsync("не подключён");
        await Assertions.Expect(admin.Locator("main")).ToContainTextAsync("Asia/Yekaterinburg");
        await Browser.ShotAsync(admin, app, "channels-all");

        await admin.GetByRole(AriaRole.Button, new() { Name = "Выключить канал Сборщики инцидентов из соцсетей" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("выключен: сообщения не теряются");
        await Assertions.Expect(admin.Locator("#channel-incidents")).ToContainTextAsync("выключен");
        Assert.True(await app.WithDbAsync(db => db.ChannelStates.Where(s => s.Name == ChannelStates.Incidents).Select(s => s.SwitchedOff).SingleAsync()));
        await admin.GetByRole(AriaRole.Button, new() { Name = "Включить канал Сборщики инцидентов из соцсетей" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("включён");
    }
}
