using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Directory;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Knowledge;

namespace Otklik.Tests.Portal;

/// <summary>
/// Word forms and synonyms in the topic search of the appeal form and in the frequent questions (issue 17, item 8);
/// the synonym list a content editor changes in the office; a search with no answer offers to submit an appeal.
/// </summary>
public sealed class SynonymSearchTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Topics_and_questions_are_found_by_word_forms_and_synonyms_and_an_editor_changes_the_list(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        Guid kindergarten = Guid.NewGuid(), waste = Guid.NewGuid(), heating = Guid.NewGuid();
        await app.WithDbAsync(async db =>
        {
            foreach (var (id, name) in new[] { (kindergarten, "Детские сады"), (waste, "Вывоз отходов"), (heating, "Отопление") })
                db.Topics.Add(new Topic { Id = id, CategoryId = r.CityCategory, Name = name, DefaultKind = Features.Appeals.AppealKind.Task,
                    DefaultRegime = Features.Appeals.LegalRegime.Obrashchenie59 });
            await db.SaveChangesAsync();
        });
        using var visitor = ApplicantPortal.Anonymous(app);
        async Task<List<Guid>> TopicsAsync(string q) =>
            JsonSerializer.Deserialize<List<Guid>>(await visitor.GetAsync("/submit?handler=topics&q=" + Uri.EscapeDataString(q)))!;

        Assert.Equal([r.PotholeTopic], await TopicsAsync("яма"));
        Assert.Equal([r.SubsidyTopic], await TopicsAsync("субсидии"));
        Assert.Equal([r.HousingTopic], await TopicsAsync("капремонт"));
        Assert.Equal([kindergarten], await TopicsAsync("детсад"));
        Assert.Equal([waste], await TopicsAsync("мусор"));
        Assert.Equal([heating], await TopicsAsync("батареи"));
        Assert.Empty(await TopicsAsync("колдобина"));

        // The frequent questions: by a synonym, and nothing found offers an appeal.
        var article = await app.AddArticleAsync("Как попасть в программу капитального ремонта дома", "Дом включают в региональную программу по заявлению собственников.");
        var faq = await visitor.GetAsync("/faq?q=" + Uri.EscapeDataString("капремонт"));
        Assert.Contains($"href=\"/faq/{article.Id}\"", faq);
        var nothing = await visitor.GetAsync("/faq?q=" + Uri.EscapeDataString("колдобина"));
        Assert.Contains("id=\"faq-nothing\"", nothing);
        Assert.Contains("href=\"/submit\"", nothing);

        // A content editor adds a group; a line of one word is refused and changes nothing.
        using var editor = await ApplicantPortal.SignInAsync(app, Persona.ContentEditor);
        var list = await editor.GetAsync("/office/synonyms");
        Assert.Contains("капремонт, капитальный ремонт", list);
        var before = await app.WithDbAsync(db => db.SynonymGroups.CountAsync());
        var refused = await editor.PostAsync("/office/synonyms", [new("Text", "колдобина, яма\nодно")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("В строке 2 одно слово", await refused.Content.ReadAsStringAsync());
        Assert.Equal(before, await app.WithDbAsync(db => db.SynonymGroups.CountAsync()));
        var saved = await editor.PostAsync("/office/synonyms", [new("Text", "колдобина, яма\nкапремонт, капитальный ремонт")]);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal([r.PotholeTopic], await TopicsAsync("колдобины"));
        Assert.Empty(await TopicsAsync("мусор")); // that group is gone from the list

        // Nobody else edits it.
        using var applicant = await ApplicantPortal.SignInAsync(app, Persona.Applicant);
        Assert.Equal(HttpStatusCode.Forbidden, (await applicant.GetRawAsync("/office/synonyms")).StatusCode);
    }
}
