using Otklik.Features.Appeals;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Portal;

/// <summary>/my shows why an appeal was rejected and «Подать заново» opens the form filled with it (issue 17, item 6).</summary>
public sealed class ResubmitTests(AppPool pool) : IClassFixture<AppPool>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_rejected_appeal_shows_its_ground_and_submit_again_opens_the_form_filled_with_it(Engine engine)
    {
        var app = await pool.For(engine);
        var text = $"Яма у дома 12 на улице Ленина, реклама шиномонтажа. ({Guid.NewGuid():N})";
        var rejected = await app.AppealInAsync(AppealStatus.Rejected, Samples.Pothole(app.Region, text: text));
        using var me = await ApplicantPortal.SignInAsync(app, Persona.Applicant);

        var page = await me.GetAsync($"/my/{rejected.Number}");
        Assert.Contains($"<p id=\"rejection-ground\">{Grounds.All[Ground.SpamOrAds].Title}</p>", page);
        Assert.Contains($"href=\"/submit?again={rejected.Number}\"", page);

        var form = await me.GetAsync($"/submit?again={rejected.Number}");
        Assert.Contains($">{text}</textarea>", form);
        Assert.Contains($"<option value=\"{app.Region.PotholeTopic}\" selected=\"selected\">", form);
        Assert.Contains("data-fresh=\"false\"", form);

        // Someone else's number fills nothing.
        using var other = await ApplicantPortal.SignInAsync(app, Persona.OtherApplicant);
        Assert.DoesNotContain(text, await other.GetAsync($"/submit?again={rejected.Number}"));
    }
}
