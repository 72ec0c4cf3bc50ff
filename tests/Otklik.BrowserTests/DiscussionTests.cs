using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Otklik.Features.Discussions;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

/// <summary>
/// A public discussion end to end in the browser: the editor publishes a plan with its file (desktop), a resident comments
/// on a 360-px phone, the centre's moderator publishes the comment (desktop), the period ends, the editor publishes the
/// summary with a verdict on the comment, and the phone shows the verdict under the comment.
/// </summary>
public sealed class DiscussionTests(Browser browser, AppPool pool) : IClassFixture<Browser>, IClassFixture<AppPool>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_comment_goes_through_moderation_to_publication_and_gets_its_verdict_in_the_summary(Engine engine)
    {
        var app = await pool.For(engine);
        var title = "План благоустройства сквера " + Guid.NewGuid().ToString("N")[..4];

        var editor = await browser.SignInAsync(app, Persona.ContentEditor);
        await editor.GotoAsync("/office/discussions");
        await editor.GetByLabel("Название").FillAsync(title);
        await editor.GetByLabel("Что обсуждается").SelectOptionAsync(new SelectOptionValue { Label = "План улучшений" });
        await editor.GetByLabel("Текст проекта", new() { Exact = false }).FillAsync(
            "Предлагаем заменить скамейки и освещение вдоль главной аллеи.\n\nВторой этап — детская площадка у входа со стороны улицы Мира.");
        await editor.GetByLabel("Файлы", new() { Exact = false }).SetInputFilesAsync(new FilePayload
        {
            Name = "план-сквера.pdf", MimeType = "application/pdf", Buffer = "%PDF-1.4\n%%EOF\n"u8.ToArray(),
        });
        await editor.GetByLabel("Территория").SelectOptionAsync(new SelectOptionValue { Label = "Город А" });
        await editor.GetByLabel("Комментарии принимаются по", new() { Exact = false }).FillAsync(
            DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime).AddDays(7).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await Browser.ShotAsync(editor, app, "96-discussion-new");
        await editor.GetByRole(AriaRole.Button, new() { Name = "Опубликовать для обсуждения" }).ClickAsync();
        await Assertions.Expect(editor.GetByRole(AriaRole.Heading, new() { Name = title })).ToBeVisibleAsync();
        var id = await app.WithDbAsync(db => db.Discussions.Where(d => d.Title == title).Select(d => d.Id).SingleAsync());

        // A resident on a phone finds it from the portal's list and comments.
        var phone = await browser.SignInOnPortalAsync(app, Persona.Applicant, "/discussions");
        await phone.GetByRole(AriaRole.Link, new() { Name = title }).ClickAsync();
        await Assertions.Expect(phone.GetByRole(AriaRole.Link, new() { Name = "план-сквера.pdf" })).ToBeVisibleAsync();
        await phone.GetByLabel("Комментарий или предложение").FillAsync("Поставьте, пожалуйста, скамейки со спинками — пожилым на обычных неудобно.");
        await phone.GetByRole(AriaRole.Button, new() { Name = "Отправить комментарий" }).ClickAsync();
        await Assertions.Expect(phone.GetByRole(AriaRole.Status)).ToContainTextAsync("отправлен на модерацию");
        Assert.True(await phone.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"));
        await Assertions.Expect(phone.GetByText("скамейки со спинками")).ToHaveCountAsync(0);
        await Browser.ShotAsync(phone, app, "97-discussion-phone-comment-sent");

        // The centre's moderator publishes it.
        var moderator = await browser.SignInAsync(app, Persona.CentreModerator);
        await moderator.GotoAsync("/office");
        await moderator.GetByRole(AriaRole.Link, new() { Name = "Комментарии к обсуждениям" }).ClickAsync();
        var item = moderator.Locator("section", new() { HasText = "скамейки со спинками" });
        await Assertions.Expect(item).ToBeVisibleAsync();
        await Browser.ShotAsync(moderator, app, "98-discussion-moderation-queue");
        await item.GetByRole(AriaRole.Button, new() { Name = "Опубликовать" }).ClickAsync();
        await Assertions.Expect(moderator.GetByRole(AriaRole.Status)).ToContainTextAsync("Комментарий опубликован");

        await phone.GotoAsync($"/discussions/{id}");
        await Assertions.Expect(phone.GetByText("скамейки со спинками", new() { Exact = false })).ToBeVisibleAsync();

        // The period ends; the editor answers the comment in the summary.
        app.Clock.Advance(TimeSpan.FromDays(8));
        await app.WithDbAsync(db => DiscussionSweep.RunOnceAsync(db, app.Clock.GetUtcNow().UtcDateTime, CancellationToken.None));
        await editor.GotoAsync($"/office/discussions/{id}");
        await editor.GetByLabel("Решение").SelectOptionAsync(new SelectOptionValue { Label = "Учтено частично" });
        await editor.GetByLabel("Обоснование").FillAsync("Скамейки со спинками поставим у входа и у площадки; вдоль аллеи остаются прежние до ремонта.");
        await editor.GetByLabel("Общий вывод", new() { Exact = false }).FillAsync("План дополнен: скамейки со спинками у входа, освещение аллеи — в этом году.");
        await Browser.ShotAsync(editor, app, "99-discussion-summary-form");
        await editor.GetByRole(AriaRole.Button, new() { Name = "Опубликовать итоги" }).ClickAsync();
        await Assertions.Expect(editor.GetByRole(AriaRole.Heading, new() { Name = "Итоги обсуждения" })).ToBeVisibleAsync();
        await Browser.ShotAsync(editor, app, "100-discussion-summary-desktop");

        await phone.GotoAsync($"/discussions/{id}");
        await Assertions.Expect(phone.Locator(".verdict")).ToContainTextAsync("Учтено частично");
        await Assertions.Expect(phone.GetByRole(AriaRole.Button, new() { Name = "Отправить комментарий" })).ToHaveCountAsync(0);
        Assert.True(await phone.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"));
        await Browser.ShotAsync(phone, app, "101-discussion-phone-summary");
        await phone.GotoAsync("/my");
        await Assertions.Expect(phone.GetByText("опубликован", new() { Exact = false })).ToBeVisibleAsync();

        foreach (var p in new[] { editor, phone, moderator }) await p.Context.CloseAsync();
    }
}
