using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Portal.My;
using Otklik.Tests.Api;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Portal;

/// <summary>My appeals (/my, /my/{number}): the list, the public route, a clarification answered, the rating, the auto-close.</summary>
public sealed class MyAppealsPagesTests(AppPool pool) : IClassFixture<AppPool>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_list_holds_only_my_appeals_newest_first_and_pages_by_twenty(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var others = await app.SubmitAsync(by: Persona.OtherApplicant);
        var mine = new List<AppealView>();
        for (var i = 0; i < 21; i++)
        {
            app.Clock.Advance(TimeSpan.FromMinutes(1));
            mine.Add(await app.SubmitAsync());
        }
        await app.ActAsync(Persona.CentreModerator, mine[^1], "register");
        using var me = await ApplicantPortal.SignInAsync(app, Persona.Applicant);

        var page1 = await me.GetAsync("/my");
        var numbers = Regex.Matches(page1, "<a href=\"/my/([0-9-]+)\">").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(mine.OrderByDescending(a => a.ReceivedAtUtc).Take(20).Select(a => a.Number), numbers);
        Assert.DoesNotContain(others.Number, page1);
        Assert.Contains("Всего: 21.", page1);
        Assert.Contains("Страница 1 из 2", page1);
        Assert.Matches($"<a href=\"/my/{mine[^1].Number}\">Обращение № {mine[^1].Number}</a> <span class=\"badge\">Зарегистрировано</span>", page1);
        Assert.Matches($"<a href=\"/my/{mine[^2].Number}\">Обращение № {mine[^2].Number}</a> <span class=\"badge\">На модерации</span>", page1);

        var page2 = await me.GetAsync("/my?page=2");
        Assert.Equal([mine[0].Number], Regex.Matches(page2, "<a href=\"/my/([0-9-]+)\">").Select(m => m.Groups[1].Value));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Another_applicant_and_staff_get_404_for_my_appeal_page(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.AppealInAsync(AppealStatus.AnswerSent);
        using var other = await ApplicantPortal.SignInAsync(app, Persona.OtherApplicant);
        using var moderator = await ApplicantPortal.SignInAsync(app, Persona.CentreModerator);
        using var me = await ApplicantPortal.SignInAsync(app, Persona.Applicant);

        Assert.Equal(HttpStatusCode.NotFound, (await other.GetRawAsync($"/my/{a.Number}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await moderator.GetRawAsync($"/my/{a.Number}")).StatusCode);
        Assert.DoesNotContain(a.Number, await other.GetAsync("/my"));

        // Nor can they rate it with a token of their own.
        await other.GetAsync("/my");
        var forged = await other.PostAsync($"/my/{a.Number}?handler=rate", [new("Version", a.Version.ToString()), new("Score", "1")]);
        Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
        Assert.Equal(AppealStatus.AnswerSent, (await app.StoredAsync(a.Id)).Status);
        Assert.Contains($"<span id=\"appeal-number\">{a.Number}</span>", await me.GetAsync($"/my/{a.Number}"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_public_route_shows_the_stages_and_the_executor_but_no_staff_names_and_never_an_answer_draft(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.AppealInAsync(AppealStatus.AnswerReview);
        using var me = await ApplicantPortal.SignInAsync(app, Persona.Applicant);

        var html = await me.GetAsync($"/my/{a.Number}");

        Assert.Contains("<span class=\"badge\" id=\"stage\">На рассмотрении</span>", html);
        var route = Regex.Match(html, "<ol class=\"timeline\" id=\"route\">(.*?)</ol>", RegexOptions.Singleline).Groups[1].Value;
        var titles = Regex.Matches(route, "<strong>([^<]+)</strong>").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["Обращение поступило", "Определён исполнитель", "Прошло модерацию и зарегистрировано"], titles);
        Assert.Contains("Определён исполнитель</strong>: Администрация города А", route);
        Assert.Matches(@"<time>\d\d\.\d\d\.\d{4} \d\d:\d\d</time>", route);
        Assert.Contains("<dd id=\"executor\">Администрация города А</dd>", html);
        Assert.Matches(@"<strong id=""due-date"">\d\d\.\d\d\.\d{4}</strong>", html);
        foreach (var staff in new[] { "CentreModerator", "MunADispatcher", "MunAExecutor", "MunAController" }) Assert.DoesNotContain(staff, html);
        // The executor's answer waits for the controller: the applicant sees none of it, on the page or through the API.
        Assert.DoesNotContain("Яма будет заделана", html);
        var apiView = await app.GetAsync(a.Id, Persona.Applicant);
        Assert.Equal((AppealStatus.AnswerReview, (string?)null, (FederalResult?)null), (apiView.Status, apiView.AnswerText, apiView.AnswerResult));
        Assert.NotNull((await app.GetAsync(a.Id, Persona.MunAController)).AnswerText);

        // Once sent, the answer is there.
        var sent = await app.ActAsync(Persona.MunAController, a, "answer/approve");
        html = await me.GetAsync($"/my/{a.Number}");
        Assert.Contains("<div class=\"appeal-text\" id=\"answer-text\">Яма будет заделана до 1 декабря, работы включены в план.</div>", html);
        Assert.Contains("Рассмотрено. Поддержано. Меры приняты", html);
        Assert.Equal(sent.AnswerText, (await app.GetAsync(a.Id, Persona.Applicant)).AnswerText);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_clarification_request_is_answered_from_the_page(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.AppealInAsync(AppealStatus.Clarification);
        using var me = await ApplicantPortal.SignInAsync(app, Persona.Applicant);
        var html = await me.GetAsync($"/my/{a.Number}");
        Assert.Contains("Вопрос модератора: <strong>Уточните номер дома.</strong>", html);
        Assert.Contains("<span class=\"badge\" id=\"stage\">Нужно ваше уточнение</span>", html);

        var empty = await me.PostAsync($"/my/{a.Number}?handler=clarify", [new("Version", a.Version.ToString()), new("Clarification", " ")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, empty.StatusCode);
        Assert.Contains("<span id=\"clarification-error\" class=\"field-error\">Поле обязательно для заполнения.</span>", await empty.Content.ReadAsStringAsync());

        var answered = await me.PostAsync($"/my/{a.Number}?handler=clarify", [new("Version", a.Version.ToString()), new("Clarification", "Дом 10, второй подъезд.")]);

        Assert.Equal(HttpStatusCode.Redirect, answered.StatusCode);
        Assert.Equal($"/my/{a.Number}?done=clarified", answered.Headers.Location!.ToString());
        var stored = await app.StoredAsync(a.Id);
        Assert.Equal(AppealStatus.Moderation, stored.Status);
        Assert.EndsWith("Уточнение заявителя: Дом 10, второй подъезд.", stored.Text);
        var last = (await app.EventsAsync(a.Id))[^1];
        Assert.Equal((EventKind.ClarificationGiven, (Guid?)app.Region.IdOf(Persona.Applicant)), (last.Kind, last.ActorId));
        html = await me.GetAsync($"/my/{a.Number}?done=clarified");
        Assert.Contains("Уточнение отправлено", html);
        Assert.Contains("Вы дали уточнение</strong>: Дом 10, второй подъезд.", html);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_rating_of_two_reopens_the_appeal_and_five_closes_it(Engine engine)
    {
        var app = await pool.For(engine);
        var low = await app.AppealInAsync(AppealStatus.AnswerSent);
        var high = await app.AppealInAsync(AppealStatus.AnswerSent);
        using var me = await ApplicantPortal.SignInAsync(app, Persona.Applicant);
        var html = await me.GetAsync($"/my/{low.Number}");
        Assert.Contains("Оценка 1 или 2 — обращение вернётся на повторное рассмотрение.", html);
        Assert.Contains("обращение закроется само", html);

        var missing = await me.PostAsync($"/my/{low.Number}?handler=rate", [new("Version", low.Version.ToString()), new("Comment", "Ответ формальный")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missing.StatusCode);
        var missingHtml = await missing.Content.ReadAsStringAsync();
        Assert.Contains("<span id=\"score-error\" class=\"field-error\">Поставьте оценку от 1 до 5.</span>", missingHtml);
        Assert.Contains(">Ответ формальный</textarea>", missingHtml);

        var reopened = await me.PostAsync($"/my/{low.Number}?handler=rate",
            [new("Version", low.Version.ToString()), new("Score", "2"), new("Comment", "Яму так и не заделали")]);
        Assert.Equal($"/my/{low.Number}?done=reopened", reopened.Headers.Location!.ToString());
        var lowStored = await app.StoredAsync(low.Id);
        Assert.Equal((AppealStatus.InWork, (int?)2, "Яму так и не заделали", 1), (lowStored.Status, lowStored.Rating, lowStored.RatingComment, lowStored.ReconsiderationCount));
        Assert.Equal([EventKind.Rated, EventKind.Reopened], (await app.EventKindsAsync(low.Id))[^2..]);
        html = await me.GetAsync($"/my/{low.Number}?done=reopened");
        Assert.Contains("Обращение направлено на повторное рассмотрение", html);
        Assert.Contains("<span class=\"badge\" id=\"stage\">На рассмотрении</span>", html);
        // The sent answer is no longer the answer: the executor prepares a new one.
        Assert.DoesNotContain("id=\"answer-text\"", html);

        await me.GetAsync($"/my/{high.Number}");
        var closed = await me.PostAsync($"/my/{high.Number}?handler=rate", [new("Version", high.Version.ToString()), new("Score", "5")]);
        Assert.Equal($"/my/{high.Number}?done=closed", closed.Headers.Location!.ToString());
        var highStored = await app.StoredAsync(high.Id);
        Assert.Equal((AppealStatus.Closed, (int?)5), (highStored.Status, highStored.Rating));
        html = await me.GetAsync($"/my/{high.Number}?done=closed");
        Assert.Contains("Спасибо за оценку. Обращение закрыто.", html);
        Assert.Contains("Вы оценили ответ: 5 из 5", html);
        Assert.DoesNotContain("handler=rate", html);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_reopened_appeal_keeps_the_earlier_answer_and_its_rating_on_my_page_and_the_public_page(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.AppealInAsync(AppealStatus.AnswerSent, PublicSupport.Published(app.Region, 41, "Яма у дома 7, колесо пробито."));
        a = await app.ActAsync(Persona.Applicant, a, "rate", new { score = 2, comment = "Яму так и не заделали" });
        Assert.Equal(AppealStatus.InWork, a.Status);
        using var me = await ApplicantPortal.SignInAsync(app, Persona.Applicant);
        var html = await me.GetAsync($"/my/{a.Number}");
        // Reopened: the first answer stays in view with its rating, but it is no longer the current answer.
        Assert.Contains("Яма будет заделана до 1 декабря, работы включены в план.", html);
        Assert.Contains("Ваша оценка: <strong>2 из 5</strong> — Яму так и не заделали", html);
        Assert.DoesNotContain("id=\"answer-text\"", html);

        var (_, executor, controller) = Scenario.Staff(app, a);
        a = await app.ActAsync(executor, a, "answer", new { text = "Покрытие переложено 2 декабря.", result = "supportedMeasuresTaken" });
        a = await app.ActAsync(executor, a, "answer/submit");
        a = await app.ActAsync(controller, a, "answer/approve");
        Assert.Equal(AppealStatus.AnswerSent, a.Status);

        html = await me.GetAsync($"/my/{a.Number}");
        Assert.Contains("<div class=\"appeal-text\" id=\"answer-text\">Покрытие переложено 2 декабря.</div>", html);
        var first = html.IndexOf("Яма будет заделана до 1 декабря", StringComparison.Ordinal);
        Assert.True(first > html.IndexOf("Покрытие переложено 2 декабря.", StringComparison.Ordinal), "newest answer first");
        Assert.Contains("Ваша оценка: <strong>2 из 5</strong> — Яму так и не заделали", html);
        Assert.Contains("handler=rate", html);

        var page = await app.Anonymous().HtmlAsync($"/appeals/{a.Number}");
        var current = page.IndexOf("Покрытие переложено 2 декабря.", StringComparison.Ordinal);
        var earlier = page.IndexOf("Яма будет заделана до 1 декабря, работы включены в план.", StringComparison.Ordinal);
        Assert.True(current > 0 && earlier > current, "both answers on the public page, newest first");
        Assert.Contains("Прежние ответы", page);
        Assert.Contains("Оценка заявителя: 2 из 5", page);
        Assert.Contains("Заявитель ещё не оценил ответ.", page);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_answer_not_rated_in_ten_days_closes_by_itself_once_even_with_two_sweeps_at_once(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var unrated = await app.AppealInAsync(AppealStatus.AnswerSent);
        var rated = await app.AppealInAsync(AppealStatus.AnswerSent);
        await app.ActAsync(Persona.Applicant, rated, "rate", new { score = 4 });
        var answeredAt = (await app.StoredAsync(unrated.Id)).AnsweredAtUtc!.Value;
        // Answered a day later: its ten days are not over when the first one's are.
        app.Clock.Advance(TimeSpan.FromDays(1));
        var later = await app.AppealInAsync(AppealStatus.AnswerSent);

        app.Clock.SetUtcNow(new DateTimeOffset(answeredAt.AddDays(PublicRoute.RatingDays).AddMinutes(-1), TimeSpan.Zero));
        Assert.Equal(0, await SweepAsync(app));
        Assert.Equal(AppealStatus.AnswerSent, (await app.StoredAsync(unrated.Id)).Status);

        app.Clock.Advance(TimeSpan.FromMinutes(2));
        var counts = await Task.WhenAll(SweepAsync(app), SweepAsync(app));

        Assert.Equal(1, counts.Sum());
        var stored = await app.StoredAsync(unrated.Id);
        Assert.Equal((AppealStatus.Closed, (int?)null), (stored.Status, stored.Rating));
        var closing = (await app.EventsAsync(unrated.Id)).Where(e => e.Kind == EventKind.Closed).ToList();
        Assert.Equal((RatingSweep.Reason, (Guid?)null), (closing.Single().Note, closing.Single().ActorId));
        Assert.Equal(AppealStatus.AnswerSent, (await app.StoredAsync(later.Id)).Status);
        Assert.Single(await app.EventsAsync(rated.Id), e => e.Kind == EventKind.Closed);

        using var me = await ApplicantPortal.SignInAsync(app, Persona.Applicant);
        var html = await me.GetAsync($"/my/{unrated.Number}");
        Assert.Contains($"Обращение закрыто</strong>: {RatingSweep.Reason}", html);
        Assert.DoesNotContain("handler=rate", html);
    }

    static async Task<int> SweepAsync(TestApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await RatingSweep.RunOnceAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), app.Clock.GetUtcNow().UtcDateTime, CancellationToken.None);
    }
}
