using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

/// <summary>The portal in a phone's browser: an appeal in steps with a photo, sent offline and later, rated.</summary>
public sealed class PortalSubmitTests(Browser browser, AppPool pool) : IClassFixture<Browser>, IClassFixture<AppPool>
{
    static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_citizen_submits_an_appeal_with_a_photo_step_by_step_on_a_phone_and_sees_its_number(Engine engine)
    {
        var app = await pool.For(engine);
        var text = $"Открытый люк во дворе дома 7, вечером его не видно — опасно для детей. ({engine})";
        var page = await ApplicantAsync(app, phone: true);
        await page.GotoAsync("/submit");
        await Assertions.Expect(page.Locator("#step-progress")).ToHaveTextAsync("Шаг 1 из 7: тип обращения");
        // One step at a time: the text of step 5 is not shown yet.
        await Assertions.Expect(page.GetByLabel("Текст обращения")).Not.ToBeVisibleAsync();
        await Browser.ShotAsync(page, app, "50-submit-type");

        // "Next" without a choice stays on the step.
        await Next(page);
        await Assertions.Expect(page.Locator("#step-progress")).ToHaveTextAsync("Шаг 1 из 7: тип обращения");
        await page.GetByLabel("Проблема").CheckAsync();
        await Next(page);
        await page.GetByLabel("Категория обращения").SelectOptionAsync(new SelectOptionValue { Label = "Городское благоустройство" });
        await Next(page);
        await page.GetByLabel("Поиск темы").FillAsync("ямы");
        await Assertions.Expect(page.Locator("#topic option")).ToHaveCountAsync(2);
        await page.GetByLabel("Тема обращения").SelectOptionAsync(new SelectOptionValue { Label = "Ямы на дорогах" });
        await Browser.ShotAsync(page, app, "51-submit-topic");
        await Next(page);

        await page.GetByLabel("Адрес или ориентир").FillAsync("ул. Мира, 7, двор");
        var map = page.Locator("[data-map]");
        var territoryA = map.Locator("path.territory-T-A");
        await Assertions.Expect(territoryA).ToBeVisibleAsync();
        await map.ScrollIntoViewIfNeededAsync();
        var box = await territoryA.BoundingBoxAsync() ?? throw new InvalidOperationException("Territory A has no outline on screen.");
        await page.Mouse.ClickAsync(box.X + box.Width / 2, box.Y + box.Height / 2);
        await Assertions.Expect(page.Locator("#route-info")).ToContainTextAsync("Территория: Город А. Ответит: Администрация города А.");
        await Browser.ShotAsync(page, app, "52-submit-place");
        await Next(page);

        await page.GetByLabel("Текст обращения").FillAsync(text);
        await Next(page);
        await page.GetByLabel("Фотографии").SetInputFilesAsync(new FilePayload { Name = "люк.png", MimeType = "image/png", Buffer = Png });
        await Next(page);
        await page.GetByLabel("Согласен(на) на публикацию обращения и ответа на портале").CheckAsync();
        await Browser.ShotAsync(page, app, "53-submit-consent");
        await page.GetByRole(AriaRole.Button, new() { Name = "Отправить обращение" }).ClickAsync();

        await page.WaitForURLAsync("**/my/*?sent=true");
        var number = await page.Locator("#appeal-number").TextContentAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("Обращение принято.");
        await Assertions.Expect(page.Locator("#answer-due")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d\d\.\d\d\.\d{4}$"));
        await Browser.ShotAsync(page, app, "54-submit-sent");

        var stored = await app.WithDbAsync(db => db.Appeals.AsNoTracking().Where(a => a.Text == text).ToListAsync());
        var appeal = Assert.Single(stored);
        Assert.Equal((number, AppealType.Problem, (Guid?)app.Region.PotholeTopic, (Guid?)app.Region.TerritoryA, true),
            (appeal.Number, appeal.Type, appeal.TopicId, appeal.TerritoryId, appeal.PublicationConsent));
        Assert.Equal("люк.png", await app.WithDbAsync(db => db.Attachments.Where(a => a.AppealId == appeal.Id).Select(a => a.FileName).SingleAsync()));
        // The draft is gone from the device: the next visit starts a new appeal with a new key.
        Assert.Equal("null", await page.EvaluateAsync<string>("() => String(localStorage.getItem('otklik.submit.draft'))"));

        await page.GotoAsync("/my");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = $"Обращение № {number}" })).ToBeVisibleAsync();
        await Browser.ShotAsync(page, app, "55-my-list");
        await page.Context.CloseAsync();

        var desktop = await ApplicantAsync(app, phone: false);
        await desktop.GotoAsync("/submit");
        await Browser.ShotAsync(desktop, app, "60-submit-desktop");
        // What the applicant was told, once the receipt's letter has gone.
        await app.DispatchMailAsync();
        await desktop.GotoAsync($"/my/{number}");
        await Assertions.Expect(desktop.Locator("#told")).ToContainTextAsync("Обращение принято: письмо отправлено");
        await Browser.ShotAsync(desktop, app, "61-my-appeal-desktop");
        await desktop.Context.CloseAsync();
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Offline_the_form_is_kept_on_the_phone_and_sent_once_when_the_network_returns(Engine engine)
    {
        var app = await pool.For(engine);
        var text = $"Не горит фонарь у остановки «Школа», вечером совсем темно. ({engine}, без сети)";
        var page = await ApplicantAsync(app, phone: true);
        await page.GotoAsync("/submit");
        await page.GetByLabel("Предложение").CheckAsync();
        await Next(page);
        await page.GetByLabel("Категория обращения").SelectOptionAsync(new SelectOptionValue { Label = "Городское благоустройство" });
        await Next(page);
        await page.GetByLabel("Тема обращения").SelectOptionAsync(new SelectOptionValue { Label = "Ямы на дорогах" });
        await Next(page);
        await page.GetByLabel("Широта").FillAsync("56.85");
        await page.GetByLabel("Долгота").FillAsync("61.25");
        await Next(page);
        await page.GetByLabel("Текст обращения").FillAsync(text);
        await Next(page);
        await page.GetByLabel("Фотографии").SetInputFilesAsync(new FilePayload { Name = "фонарь.png", MimeType = "image/png", Buffer = Png });
        await Next(page);

        await page.Context.SetOfflineAsync(true);
        await page.GetByRole(AriaRole.Button, new() { Name = "Отправить обращение" }).ClickAsync();

        await Assertions.Expect(page.Locator("#submit-status")).ToContainTextAsync("Отправится, когда появится связь");
        await Browser.ShotAsync(page, app, "56-submit-offline");
        var draft = await page.EvaluateAsync<string>("() => localStorage.getItem('otklik.submit.draft')");
        Assert.Contains(text, draft);
        Assert.Contains("\"pending\":true", draft);
        Assert.Equal(0, await app.WithDbAsync(db => db.Appeals.CountAsync(a => a.Text == text)));

        await page.Context.SetOfflineAsync(false);

        await page.WaitForURLAsync("**/my/*?sent=true");
        await Assertions.Expect(page.Locator("#appeal-number")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d{4}-\d{6}$"));
        var appeal = Assert.Single(await app.WithDbAsync(db => db.Appeals.AsNoTracking().Where(a => a.Text == text).ToListAsync()));
        Assert.Equal((AppealType.Proposal, (Guid?)app.Region.TerritoryB), (appeal.Type, appeal.TerritoryId));
        Assert.Equal(1, await app.WithDbAsync(db => db.Attachments.CountAsync(a => a.AppealId == appeal.Id)));
        Assert.NotNull(appeal.IdempotencyKey);
        await Browser.ShotAsync(page, app, "57-submit-sent-after-offline");
        await page.Context.CloseAsync();
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_applicant_rates_two_and_the_appeal_reopens_and_rates_five_and_another_closes(Engine engine)
    {
        var app = await pool.For(engine);
        var low = await app.AppealInAsync(AppealStatus.AnswerSent);
        var high = await app.AppealInAsync(AppealStatus.AnswerSent);
        var page = await ApplicantAsync(app, phone: true);

        await page.GotoAsync($"/my/{low.Number}");
        await Assertions.Expect(page.Locator("#answer-text")).ToHaveTextAsync("Яма будет заделана до 1 декабря, работы включены в план.");
        await Browser.ShotAsync(page, app, "58-my-rate");
        await page.GetByLabel("2", new() { Exact = true }).CheckAsync();
        await page.GetByLabel("Комментарий (необязательно)").FillAsync("Яму засыпали щебнем, через день всё вернулось.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Оценить" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("Обращение направлено на повторное рассмотрение");
        await Assertions.Expect(page.Locator("#stage")).ToHaveTextAsync("На рассмотрении");
        await Browser.ShotAsync(page, app, "59-my-reopened");
        Assert.Equal(AppealStatus.InWork, await app.WithDbAsync(db => db.Appeals.Where(a => a.Id == low.Id).Select(a => a.Status).SingleAsync()));

        await page.GotoAsync($"/my/{high.Number}");
        await page.GetByLabel("5", new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Оценить" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("Спасибо за оценку. Обращение закрыто.");
        await Assertions.Expect(page.Locator("#stage")).ToHaveTextAsync("Закрыто");
        Assert.Equal((AppealStatus.Closed, (int?)5),
            await app.WithDbAsync(db => db.Appeals.Where(a => a.Id == high.Id).Select(a => new ValueTuple<AppealStatus, int?>(a.Status, a.Rating)).SingleAsync()));
        await page.Context.CloseAsync();
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task While_the_text_is_typed_the_knowledge_base_suggests_an_answer_and_opening_it_is_counted(Engine engine)
    {
        var app = await pool.For(engine);
        var marker = Guid.NewGuid().ToString("N")[..6];
        var r = app.Region;
        var article = Otklik.Features.Knowledge.Article.Create(new Otklik.Features.Knowledge.Article.Content(
            $"Как получить субсидию на модернизацию оборудования ({marker})", "Субсидию «Модернизация» выдаёт Мининвест по заявлению через Госуслуги.",
            null, null, r.BusinessCategory, null, r.Centre, new DateOnly(2027, 6, 1), true), null, "Тестов", app.Clock.GetUtcNow().UtcDateTime);
        await app.WithDbAsync(async db => { db.Articles.Add(article); await db.SaveChangesAsync(); });

        var page = await ApplicantAsync(app, phone: true);
        await page.GotoAsync("/submit");
        await page.GetByLabel("Вопрос", new() { Exact = true }).CheckAsync();
        await Next(page);
        await page.GetByLabel("Категория обращения").SelectOptionAsync(new SelectOptionValue { Label = "Городское благоустройство" });
        await Next(page);
        await page.GetByLabel("Тема обращения").SelectOptionAsync(new SelectOptionValue { Label = "Ямы на дорогах" });
        await Next(page);
        await Next(page);
        // A word form that is not in the article: «субсидии на модернизацию» finds «субсидию на модернизацию».
        await page.GetByLabel("Текст обращения").FillAsync($"Подскажите, как получить субсидии на модернизацию станков {marker}");
        var suggestion = page.Locator(".suggest a", new() { HasTextString = marker });
        await Assertions.Expect(page.Locator(".suggest")).ToContainTextAsync("Возможно, ответ уже есть");
        await Assertions.Expect(suggestion).ToHaveAttributeAsync("href", $"/faq/{article.Id}");
        await Browser.ShotAsync(page, app, "56-submit-suggestion");

        // Opening the suggestion is counted: the person may not need to send the appeal at all.
        var popup = await page.Context.RunAndWaitForPageAsync(() => page.RunAndWaitForRequestFinishedAsync(() => suggestion.ClickAsync(),
            new() { Predicate = q => q.Url.Contains($"/suggest/{article.Id}/opened", StringComparison.Ordinal) }));
        await Assertions.Expect(popup.GetByRole(AriaRole.Heading, new() { NameString = marker })).ToBeVisibleAsync();
        Assert.Equal(1, await app.WithDbAsync(db => db.Articles.Where(a => a.Id == article.Id).Select(a => a.SuggestionOpens).SingleAsync()));
        Assert.False(await app.WithDbAsync(db => db.Appeals.AnyAsync(a => a.Text.Contains(marker))));
        await page.Context.CloseAsync();
    }

    static Task Next(IPage page) => page.Locator(".step.current [data-next]").ClickAsync();

    /// <summary>A browser of an applicant signed in through the API (the cookie lands in the browser's context).</summary>
    async Task<IPage> ApplicantAsync(TestApp app, bool phone)
    {
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<Person>>();
            var person = await users.FindByIdAsync(app.Region.IdOf(Persona.Applicant).ToString()) ?? throw new InvalidOperationException("No applicant.");
            if (!await users.HasPasswordAsync(person)) Assert.True((await users.AddPasswordAsync(person, TestRegion.Password)).Succeeded);
        }
        var context = await browser.Chromium.NewContextAsync(new()
        {
            BaseURL = app.BaseAddress.ToString(), Locale = "ru-RU",
            ViewportSize = phone ? new() { Width = 360, Height = 740 } : new() { Width = 1280, Height = 900 },
        });
        var signedIn = await context.APIRequest.PostAsync("/api/v1/auth/login",
            new() { DataObject = new { email = "applicant@test.example", password = TestRegion.Password } });
        Assert.Equal(200, signedIn.Status);
        return await context.NewPageAsync();
    }
}
