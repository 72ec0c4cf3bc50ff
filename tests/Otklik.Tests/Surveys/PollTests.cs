using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Portal;
using Otklik.Tests.Workspace;

namespace Otklik.Tests.Surveys;

/// <summary>Polls targeted by territory (seed 003): one vote per confirmed account, a resident of another territory refused, results as the poll says.</summary>
public sealed class PollTests
{
    static string Token(string html) => FormSession.TokenIn(html) ?? "";

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_poll_for_one_territory_refuses_a_voter_from_another_and_counts_one_vote_per_account(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        using var editor = await Office.SignInAsync(app, Persona.ContentEditor);
        var form = await editor.HtmlAsync("/office/polls");
        var created = await editor.PostAsync("/office/polls", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Token(form), ["Question"] = "Какую улицу отремонтировать первой?", ["Options"] = "Ленина\nМира\nСадовая",
            ["OwnerOrganisationId"] = r.Centre.ToString(), ["TerritoryId"] = r.TerritoryA.ToString(), ["ClosesOn"] = "2026-12-10",
        }));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var pollPath = created.Headers.Location!.OriginalString;
        var poll = await app.WithDbAsync(db => db.Polls.Include(p => p.Options).AsNoTracking().SingleAsync());
        Assert.False(poll.ResultsAfterVote); // the box was not ticked: results after closing
        var lenina = poll.Options.Single(o => o.Text == "Ленина").Id;

        // A resident of Город Б: states where they live, then is refused, and nothing is counted.
        using var outsider = await PortalSession.SignedInAsync(app, Persona.OtherApplicant);
        await outsider.GetAsync(pollPath);
        Assert.Equal(HttpStatusCode.Redirect, (await outsider.PostAsync(pollPath + "?handler=Residence", [new("TerritoryId", r.TerritoryB.ToString())], withBotFields: false)).StatusCode);
        await outsider.GetAsync(pollPath);
        var refused = await outsider.PostAsync(pollPath + "?handler=Vote", [new("OptionId", lenina.ToString())], withBotFields: false);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("для жителей другого муниципального образования", await refused.Content.ReadAsStringAsync());
        Assert.Equal(0, await app.WithDbAsync(db => db.PollVotes.CountAsync()));
        // Nor can they move to Город А at once to vote there.
        var moved = await outsider.PostAsync(pollPath + "?handler=Residence", [new("TerritoryId", r.TerritoryA.ToString())], withBotFields: false);
        Assert.Equal(HttpStatusCode.Conflict, moved.StatusCode);

        // A resident of Город А votes once; the second vote is refused; the results wait for the closing.
        using var resident = await PortalSession.SignedInAsync(app, Persona.Applicant);
        await resident.GetAsync(pollPath);
        await resident.PostAsync(pollPath + "?handler=Residence", [new("TerritoryId", r.TerritoryA.ToString())], withBotFields: false);
        await resident.GetAsync(pollPath);
        Assert.Equal(HttpStatusCode.Redirect, (await resident.PostAsync(pollPath + "?handler=Vote", [new("OptionId", lenina.ToString())], withBotFields: false)).StatusCode);
        var after = await resident.GetAsync(pollPath);
        Assert.DoesNotContain("id=\"poll-results\"", after);
        Assert.Contains("Результаты будут показаны после завершения голосования", after);
        var twice = await resident.PostAsync(pollPath + "?handler=Vote", [new("OptionId", lenina.ToString())], withBotFields: false);
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Equal(1, await app.WithDbAsync(db => db.PollVotes.CountAsync()));

        // Anonymous visitors see no form to vote and, after the closing, the results with participation by territory.
        Assert.Contains("войдите", await app.Anonymous().GetStringAsync(pollPath));
        app.Clock.Advance(TimeSpan.FromDays(20));
        var closed = await app.Anonymous().GetStringAsync(pollPath);
        Assert.Matches("<td>Ленина</td><td>1</td><td>100[.,]0%</td>", closed);
        Assert.Contains("<li>Город А: 1</li>", closed);
    }
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_poll_tied_to_a_known_problem_shows_its_result_on_the_problems_card_after_closing(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var problem = Otklik.Features.Analytics.RootCause.Create("Разбитые дороги в Городе А", null, r.PotholeTopic, r.TerritoryA, r.Centre, null, r.IdOf(Persona.ContentEditor), now);
        problem.Publish(now);
        var hidden = Otklik.Features.Analytics.RootCause.Create("Внутренняя первопричина", null, r.PotholeTopic, r.TerritoryA, r.Centre, null, r.IdOf(Persona.ContentEditor), now);
        await app.WithDbAsync(async db => { db.RootCauses.AddRange(problem, hidden); await db.SaveChangesAsync(); });
        using var editor = await Office.SignInAsync(app, Persona.ContentEditor);
        Dictionary<string, string> Poll(string token, Guid rootCause) => new()
        {
            ["__RequestVerificationToken"] = token, ["Question"] = "Какую улицу отремонтировать первой?", ["Options"] = "Ленина\nМира",
            ["OwnerOrganisationId"] = r.Centre.ToString(), ["TerritoryId"] = r.TerritoryA.ToString(), ["ClosesOn"] = "2026-12-10", ["RootCauseId"] = rootCause.ToString(),
        };

        // Only a public problem of the editor's organisations may be chosen; an unpublished one is refused by name, nothing made.
        var form = await editor.HtmlAsync("/office/polls");
        Assert.Contains("Разбитые дороги в Городе А", form);
        Assert.DoesNotContain("Внутренняя первопричина", form);
        var refused = await editor.PostAsync("/office/polls", new FormUrlEncodedContent(Poll(Token(form), hidden.Id)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("id=\"pl-rc-error\"", await refused.Content.ReadAsStringAsync());
        Assert.Equal(0, await app.WithDbAsync(db => db.Polls.CountAsync()));

        var created = await editor.PostAsync("/office/polls", new FormUrlEncodedContent(Poll(Token(await editor.HtmlAsync("/office/polls")), problem.Id)));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var pollPath = created.Headers.Location!.OriginalString;
        var poll = await app.WithDbAsync(db => db.Polls.Include(p => p.Options).AsNoTracking().SingleAsync());
        Assert.Equal(problem.Id, poll.RootCauseId);

        // The poll names its problem; the problem's card invites to vote while it runs, without results.
        Assert.Contains($"href=\"/problems/{problem.Id}\"", await app.Anonymous().GetStringAsync(pollPath));
        var card = await app.Anonymous().GetStringAsync($"/problems/{problem.Id}");
        Assert.Contains($"href=\"/polls/{poll.Id}\"", card);
        Assert.DoesNotContain("problem-poll-result", card);

        using var resident = await PortalSession.SignedInAsync(app, Persona.Applicant);
        await resident.GetAsync(pollPath);
        await resident.PostAsync(pollPath + "?handler=Residence", [new("TerritoryId", r.TerritoryA.ToString())], withBotFields: false);
        await resident.GetAsync(pollPath);
        var mira = poll.Options.Single(o => o.Text == "Мира").Id;
        Assert.Equal(HttpStatusCode.Redirect, (await resident.PostAsync(pollPath + "?handler=Vote", [new("OptionId", mira.ToString())], withBotFields: false)).StatusCode);

        // After the closing the result is part of the card: the option voted first, with its count and share.
        app.Clock.Advance(TimeSpan.FromDays(20));
        card = await app.Anonymous().GetStringAsync($"/problems/{problem.Id}");
        Assert.Contains("Итоги голосования «Какую улицу отремонтировать первой?» (голосов: 1)", card);
        Assert.Matches("<tr><th scope=\"row\">Мира</th><td>1</td><td>100[.,]0%</td></tr>\\s*<tr><th scope=\"row\">Ленина</th><td>0</td>", card);
    }
}
