using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

/// <summary>The office forms find a topic as the portal does, by word forms: «яма» finds «Ямы на дорогах», which a
/// plain substring match of the names would not.</summary>
public sealed class TopicSearchTests(Browser browser) : IClassFixture<Browser>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_operator_and_the_moderator_find_a_topic_by_a_word_form(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;

        // The operator: no category chosen yet; the topic found sets both lists.
        var op = await browser.SignInAsync(app, Persona.CentreOperator);
        await op.GotoAsync("/office/register");
        await op.GetByLabel("Фамилия", new() { Exact = true }).FillAsync("Кузнецова");
        await op.GetByLabel("Имя", new() { Exact = true }).FillAsync("Ольга");
        await op.GetByLabel("Телефон", new() { Exact = true }).FillAsync("+7 912 600-11-22");
        await op.GetByLabel("Тип обращения").SelectOptionAsync(new SelectOptionValue { Label = "Проблема" });
        await op.GetByLabel("Поиск темы").FillAsync("яма");
        var found = op.GetByRole(AriaRole.Button, new() { Name = "Ямы на дорогах — Городское благоустройство" });
        await Assertions.Expect(found).ToBeVisibleAsync();
        await Browser.ShotAsync(op, app, "16-operator-topic-search");
        await found.ClickAsync();
        await Assertions.Expect(op.GetByLabel("Категория", new() { Exact = true })).ToHaveValueAsync(r.CityCategory.ToString());
        await Assertions.Expect(op.GetByLabel("Тема", new() { Exact = true })).ToHaveValueAsync(r.PotholeTopic.ToString());
        await op.GetByLabel("Адрес места").FillAsync("ул. Мира, 12");
        await op.GetByLabel("Широта (необязательно)").FillAsync("56.86");
        await op.GetByLabel("Долгота (необязательно)").FillAsync("60.3");
        await op.GetByLabel("Текст обращения").FillAsync("Звонок: у въезда во двор дома 12 по ул. Мира яма глубиной около 20 см.");
        await op.GetByRole(AriaRole.Button, new() { Name = "Зарегистрировать", Exact = true }).ClickAsync();
        await Assertions.Expect(op.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Обращение принято");
        var number = await op.Locator("#appeal-number").TextContentAsync();
        var call = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(a => a.Number == number));
        Assert.Equal((Guid?)r.PotholeTopic, call.TopicId);

        // The moderator reclassifies an appeal filed under capital repair.
        var misfiled = await app.SubmitAsync(Samples.Pothole(r, text: "Яма у подъезда дома 10 по Ленина, машины объезжают по тротуару.").With("topicId", r.HousingTopic));
        var mod = await browser.SignInAsync(app, Persona.CentreModerator);
        await mod.GotoAsync($"/office/moderation/{misfiled.Id}");
        await mod.GetByLabel("Поиск темы").FillAsync("ямы");
        await mod.GetByRole(AriaRole.Button, new() { Name = "Ямы на дорогах — Городское благоустройство" }).ClickAsync();
        await Assertions.Expect(mod.GetByLabel("Тема", new() { Exact = true })).ToHaveValueAsync(r.PotholeTopic.ToString());
        await Browser.ShotAsync(mod, app, "23-moderation-topic-search");
        await mod.GetByRole(AriaRole.Button, new() { Name = "Сохранить исправления" }).ClickAsync();
        await Assertions.Expect(mod.GetByRole(AriaRole.Status)).ToContainTextAsync("Классификация исправлена");
        var fixedOne = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(a => a.Id == misfiled.Id));
        Assert.Equal((Guid?)r.PotholeTopic, fixedOne.TopicId);
    }
}
