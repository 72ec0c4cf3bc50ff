using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Otklik.Tests.Infrastructure;
using Otklik.Features.Partners;

namespace Otklik.BrowserTests;

/// <summary>
/// Issue 19, item 4: a partner's page, served from another origin (a listener of its own on another port, on
/// «localhost» while the app is on 127.0.0.1 — another site, so the frame gets no first-party cookies), embeds the form
/// with the one script tag; a visitor submits it inside the frame and sees the appeal's number.
/// </summary>
public sealed class PartnerEmbedTests(Browser browser) : IClassFixture<Browser>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_page_of_another_origin_embeds_the_form_with_the_script_tag_and_the_visitor_gets_the_number(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var port = FreePort();
        var partnerOrigin = $"http://localhost:{port}";
        var site = new PartnerSite
        {
            Id = Guid.NewGuid(), Key = "fund-site", Name = "Сайт фонда поддержки", OrganisationId = app.Region.Fund,
            TopicIds = app.Region.SubsidyTopic.ToString(), AllowedOrigins = partnerOrigin, CreatedAtUtc = DateTime.UtcNow,
        };
        await app.WithDbAsync(async db => { db.PartnerSites.Add(site); await db.SaveChangesAsync(); });
        var script = new Uri(app.BaseAddress, "/embed.js");
        var html = $"""
            <!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>Инвестиционный портал</title></head>
            <body style="font-family:sans-serif;background:#eef3f8;margin:0;padding:24px">
            <h1>Инвестиционный портал Уральской области</h1><p>Задайте вопрос фонду поддержки предпринимательства:</p>
            <div style="max-width:720px;background:#fff;padding:8px"><script src="{script}" data-site="{site.Key}" async></script></div>
            </body></html>
            """;
        using var listener = new HttpListener();
        listener.Prefixes.Add(partnerOrigin + "/");
        listener.Start();
        var serving = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await listener.GetContextAsync(); } catch (HttpListenerException) { return; } catch (ObjectDisposedException) { return; }
                var body = Encoding.UTF8.GetBytes(html);
                context.Response.ContentType = "text/html; charset=utf-8";
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        });

        var page = await browser.Chromium.NewPageAsync(new() { Locale = "ru-RU", ViewportSize = new() { Width = 1280, Height = 1000 } });
        var blocked = new List<string>();
        page.Console += (_, m) => { if (m.Text.Contains("frame-ancestors", StringComparison.Ordinal) || m.Text.Contains("Refused", StringComparison.Ordinal)) blocked.Add(m.Text); };
        await page.GotoAsync(partnerOrigin + "/");
        var form = page.FrameLocator("iframe[title='Форма обращения']");
        await Assertions.Expect(form.GetByRole(AriaRole.Heading, new() { Name = "Обращение в «Фонд поддержки предпринимательства»" })).ToBeVisibleAsync();
        // The frame takes the form's height (the loader heard the frame's message): no scroll bar inside.
        await Assertions.Expect(page.Locator("iframe")).Not.ToHaveAttributeAsync("style", new System.Text.RegularExpressions.Regex("height: 640px"));

        // A missing name: the error by the field, in Russian.
        await form.GetByLabel("Электронная почта").FillAsync("irina.kozlova@test.example");
        await form.GetByLabel("Ваш вопрос").FillAsync("Как получить субсидию на покупку оборудования для цеха?");
        await form.GetByLabel("Согласен(на) на обработку персональных данных").CheckAsync();
        await form.GetByRole(AriaRole.Button, new() { Name = "Отправить" }).ClickAsync();
        await Assertions.Expect(form.Locator("#name-error")).ToHaveTextAsync("Укажите, как к вам обращаться.");

        await form.GetByLabel("Как к вам обращаться").FillAsync("Ирина Козлова");
        await form.GetByLabel("Согласен(на) на обработку персональных данных").CheckAsync();
        await form.GetByRole(AriaRole.Button, new() { Name = "Отправить" }).ClickAsync();
        // The answer to the post first: the appeal is read only once the frame shows a number.
        await Assertions.Expect(form.Locator("#appeal-number")).ToBeVisibleAsync();
        var number = await app.WithDbAsync(db => db.Appeals.Where(a => a.Applicant.Email == "irina.kozlova@test.example").Select(a => a.Number).SingleAsync());
        await Assertions.Expect(form.Locator("#appeal-number")).ToHaveTextAsync(number);
        await Browser.ShotAsync(page, app, "95-partner-embed-number");
        Assert.Empty(blocked);

        listener.Stop();
        await serving;
    }

    static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
