using Microsoft.EntityFrameworkCore;
using Otklik.Features.Appeals;
using Otklik.Features.Knowledge;
using Otklik.Features.Search;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Knowledge;

/// <summary>
/// The one search test set, run on both engines: PostgreSQL's russian tsvector and SQLite FTS5 over Lucene stems must
/// answer the same queries the same way. Each test uses words of its own (a marker) so the shared app's other rows don't interfere.
/// </summary>
public sealed class SearchTests(AppPool pool) : IClassFixture<AppPool>
{
    static string Marker() => "шифр" + Guid.NewGuid().ToString("N")[..6];

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Word_forms_find_each_other(Engine engine)
    {
        var app = await pool.For(engine);
        var m = Marker();
        var subsidy = await app.AddArticleAsync($"Как получить субсидию «Модернизация» ({m})",
            "Субсидия возмещает до 50 % затрат на покупку оборудования. Заявку на субсидию подают в Фонд поддержки предпринимательства.");
        var taxi = await app.AddArticleAsync($"Разрешения на осуществление деятельности по перевозке пассажиров легковым такси ({m})",
            "Разрешение выдаёт министерство транспорта на пять лет. Заявление подаётся через Госуслуги.");

        Assert.Equal([subsidy.Id], Ids(await app.SearchAsync(SearchKind.Article, $"субсидии {m}")));
        Assert.Equal([subsidy.Id], Ids(await app.SearchAsync(SearchKind.Article, $"субсидия {m}")));
        Assert.Equal([subsidy.Id], Ids(await app.SearchAsync(SearchKind.Article, $"СУБСИДИЯМИ модернизации {m}")));
        Assert.Equal([taxi.Id], Ids(await app.SearchAsync(SearchKind.Article, $"разрешение на такси {m}")));
        Assert.Equal([taxi.Id], Ids(await app.SearchAsync(SearchKind.Article, $"перевозка пассажира {m}")));
        Assert.Empty(await app.SearchAsync(SearchKind.Article, $"вывеска {m}"));
        // Only stop words: nothing to look for, nothing found (and no error).
        Assert.Empty(await app.SearchAsync(SearchKind.Article, "на и по"));

        // The fragment is HTML-safe and marks the matched forms of the word.
        var hit = Assert.Single(await app.SearchAsync(SearchKind.Article, $"субсидии {m}"));
        Assert.Contains("<mark>", hit.FragmentHtml);
        Assert.Matches("<mark>[Сс]убсиди[яю]</mark>", hit.FragmentHtml);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Quotes_make_a_phrase_and_a_minus_excludes(Engine engine)
    {
        var app = await pool.For(engine);
        var m = Marker();
        var taxi = await app.AddArticleAsync($"Разрешение на такси ({m})", "Перевозка пассажиров и багажа легковым такси требует разрешения.");
        var sign = await app.AddArticleAsync($"Разрешение на вывеску ({m})", "Вывеску согласуют с администрацией; пассажиров это не касается, перевозка тоже.");

        Assert.Equal([taxi.Id], Ids(await app.SearchAsync(SearchKind.Article, $"\"перевозка пассажиров\" {m}")));
        Assert.Equal(new[] { taxi.Id, sign.Id }.Order(), Ids(await app.SearchAsync(SearchKind.Article, $"перевозка пассажиров {m}")).Order());
        Assert.Equal([sign.Id], Ids(await app.SearchAsync(SearchKind.Article, $"разрешение -такси {m}")));
        Assert.Equal([taxi.Id], Ids(await app.SearchAsync(SearchKind.Article, $"разрешение -\"согласуют с администрацией\" {m}")));
        // Other tests of the class add their own permits to the shared database: only this test's two must be gone.
        var withoutMarker = Ids(await app.SearchAsync(SearchKind.Article, $"разрешение -{m}"));
        Assert.DoesNotContain(taxi.Id, withoutMarker);
        Assert.DoesNotContain(sign.Id, withoutMarker);

        // The list filter's side of the index answers the same.
        Assert.Equal([sign.Id], await app.MatchingAsync(SearchKind.Article, $"разрешение -такси {m}", publicOnly: true));
        Assert.Equal([taxi.Id], await app.MatchingAsync(SearchKind.Article, $"\"перевозка пассажиров\" {m}", publicOnly: true));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_hit_in_the_title_ranks_above_a_hit_in_the_body(Engine engine)
    {
        var app = await pool.For(engine);
        var m = Marker();
        // The body hit is written first and says the word twice, so neither age nor frequency can explain the order.
        var inBody = await app.AddArticleAsync("Как согласовать рекламу на фасаде", $"Вывеска с рекламой требует согласования; вывеска без рекламы — нет ({m}).");
        var inTitle = await app.AddArticleAsync("Вывеска магазина", $"Информационную конструкцию размещают по дизайн-коду города ({m}).");

        Assert.Equal([inTitle.Id, inBody.Id], Ids(await app.SearchAsync(SearchKind.Article, $"вывески {m}")));
        var hits = await app.SearchAsync(SearchKind.Article, $"вывески {m}");
        Assert.True(hits[0].TitleHit);
        Assert.False(hits[1].TitleHit);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Personal_data_and_unpublished_articles_are_never_found_by_the_public(Engine engine)
    {
        var app = await pool.For(engine);
        var m = Marker();
        var body = Samples.Pothole(app.Region, text: $"Яма во дворе ({m}), колесо пробито.")
            .With("applicant", new Dictionary<string, object?> { ["kind"] = "person", ["lastName"] = "Жемчужникова", ["firstName"] = "Евлампия",
                ["email"] = $"{m}@example.ru", ["phone"] = "+7 912 345-67-89" });
        var appeal = await app.AppealInAsync(AppealStatus.Registered, body);
        var draft = await app.AddArticleAsync($"Черновик статьи ({m})", "Текст ещё не согласован.", published: false);

        // The public copy of the appeal exists (its text is found) but holds no personal data.
        Assert.Equal([appeal.Id], Ids(await app.SearchAsync(SearchKind.Appeal, $"яма {m}")));
        Assert.Empty(await app.SearchAsync(SearchKind.Appeal, "Жемчужникова"));
        Assert.Empty(await app.SearchAsync(SearchKind.Appeal, "Евлампия"));
        Assert.Empty(await app.SearchAsync(SearchKind.Appeal, $"{m}@example.ru"));
        Assert.Empty(await app.MatchingAsync(SearchKind.Appeal, "Жемчужниковой", publicOnly: true));
        Assert.Empty(await app.SearchAsync(SearchKind.Article, $"черновик {m}"));
        var publicEntries = await app.WithDbAsync(db => db.SearchEntries.Where(e => e.EntityId == appeal.Id && e.IsPublic).ToListAsync());
        Assert.DoesNotContain("Жемчужникова", Assert.Single(publicEntries).Body);

        // Staff find both, by the applicant's name in any form.
        Assert.Equal([appeal.Id], await app.MatchingAsync(SearchKind.Appeal, "Жемчужниковой", publicOnly: false));
        Assert.Equal([draft.Id], Ids(await app.SearchAsync(SearchKind.Article, $"черновик {m}", publicOnly: false)));

        // An appeal the applicant did not make public has no public copy at all.
        var closed = await app.AppealInAsync(AppealStatus.Registered, body.With("isPublic", false).With("text", $"Закрытое обращение ({m}) о яме."));
        Assert.Empty(await app.SearchAsync(SearchKind.Appeal, $"закрытое {m}"));
        Assert.Equal([closed.Id], await app.MatchingAsync(SearchKind.Appeal, $"закрытое {m}", publicOnly: false));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_index_follows_every_change_of_an_article_or_an_appeal(Engine engine)
    {
        var app = await pool.For(engine);
        var m = Marker();
        var article = await app.AddArticleAsync($"Изменение ГПЗУ ({m})", "Изменения в градостроительный план земельного участка не вносят: выдают новый ГПЗУ.");
        Assert.Single(await app.SearchAsync(SearchKind.Article, $"градостроительный {m}"));

        await app.WithDbAsync(async db =>
        {
            var a = await db.Articles.SingleAsync(x => x.Id == article.Id);
            a.Edit(a.Current with { Title = $"Новый градостроительный план ({m})", Answer = "Выдаётся по заявлению правообладателя.", IsPublished = false },
                null, "Тестов", app.Clock.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync();
        });
        Assert.Empty(await app.SearchAsync(SearchKind.Article, $"ГПЗУ {m}"));
        Assert.Empty(await app.SearchAsync(SearchKind.Article, $"заявлению {m}"));
        Assert.Single(await app.SearchAsync(SearchKind.Article, $"заявление правообладателя {m}", publicOnly: false));

        await app.WithDbAsync(async db => { db.Articles.Remove(await db.Articles.SingleAsync(x => x.Id == article.Id)); await db.SaveChangesAsync(); });
        Assert.Empty(await app.SearchAsync(SearchKind.Article, $"правообладателя {m}", publicOnly: false));
        Assert.Equal(0, await app.WithDbAsync(db => db.SearchEntries.CountAsync(e => e.EntityId == article.Id)));

        // An appeal: the moderator corrects the address; the applicant's clarification adds text; registration makes it public.
        var appeal = await app.SubmitAsync(Samples.Pothole(app.Region, text: $"Яма ({m}) у подъезда."));
        Assert.Empty(await app.SearchAsync(SearchKind.Appeal, $"яма {m}"));
        appeal = await app.ActAsync(Persona.CentreModerator, appeal, "reclassify", new { address = "ул. Черепановых, 14" });
        Assert.Equal([appeal.Id], await app.MatchingAsync(SearchKind.Appeal, $"Черепанова {m}", publicOnly: false));
        appeal = await app.ActAsync(Persona.CentreModerator, appeal, "clarification-request", new { question = "Какой подъезд?" });
        appeal = await app.ActAsync(Persona.Applicant, appeal, "clarification", new { text = "Третий подъезд, рядом с песочницей." });
        Assert.Equal([appeal.Id], await app.MatchingAsync(SearchKind.Appeal, $"песочницы {m}", publicOnly: false));
        appeal = await app.ActAsync(Persona.CentreModerator, appeal, "register");
        Assert.Equal([appeal.Id], Ids(await app.SearchAsync(SearchKind.Appeal, $"песочница {m}")));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Suggestions_need_only_some_of_the_typed_words(Engine engine)
    {
        var app = await pool.For(engine);
        var m = Marker();
        var subsidy = await app.AddArticleAsync($"Субсидия «Модернизация» {m}", "Возмещение части затрат на оборудование.");
        var typed = $"Здравствуйте! Хочу узнать, положена ли нашему заводу субсидия на модернизацию станков {m}, и куда обращаться";
        Assert.Equal(subsidy.Id, (await app.SearchAsync(SearchKind.Article, typed, anyWord: true))[0].EntityId);
        Assert.Empty(await app.SearchAsync(SearchKind.Article, typed));
    }

    static Guid[] Ids(IEnumerable<SearchHit> hits) => [.. hits.Select(h => h.EntityId)];
}
