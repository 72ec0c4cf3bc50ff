using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Appeals;
using Otklik.Features.Attachments;
using Otklik.Tests.Api;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Portal;

/// <summary>The portal's submission form (/submit), driven over HTTP as a browser without JavaScript would.</summary>
public sealed class SubmitPagesTests(AppPool pool) : IClassFixture<AppPool>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_anonymous_visitor_fills_the_form_with_a_contact_step_and_is_sent_to_sign_in_only_for_their_appeals(Engine engine)
    {
        var app = await pool.For(engine);
        using var anonymous = ApplicantPortal.Anonymous(app);

        // Report first, sign in after: the form opens with a contact step instead of a sign-in page.
        var form = await anonymous.GetAsync("/submit");
        Assert.Contains("name=\"ContactEmail\"", form);
        Assert.Contains("href=\"/account/login?ReturnUrl=%2Fsubmit\"", form);
        foreach (var (url, back) in new[] { ("/my", "%2Fmy"), ("/my/2026-000001", "%2Fmy%2F2026-000001") })
        {
            var response = await anonymous.GetRawAsync(url);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal($"/account/login?ReturnUrl={back}", response.Headers.Location!.ToString());
        }
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_submission_makes_exactly_one_appeal_as_chosen_and_shows_its_number_and_due_date_and_a_replay_finds_it(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        using var me = await ApplicantPortal.SignInAsync(app, Persona.Applicant);
        var form = await me.GetAsync("/submit");
        var key = ApplicantPortal.HiddenValue(form, "IdempotencyKey");
        // Every step is on the page without JavaScript, the topics grouped by category.
        Assert.Contains("id=\"type-Proposal\" name=\"Type\" value=\"Proposal\"", form);
        Assert.Contains("<optgroup label=\"Городское благоустройство\">", form);
        Assert.Contains("data-map", form);
        Assert.Contains("id=\"consent\" name=\"Consent\"", form);

        var fields = Form(r, key, "Предлагаю заделать яму у остановки «Школа» и поставить знак, пока идёт ремонт.");
        var photo = new[] { ("Photos", "яма.png", ApplicantPortal.Png) };
        var posted = await me.PostMultipartAsync("/submit", fields, photo);

        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var location = posted.Headers.Location!.ToString();
        var number = Regex.Match(location, @"^/my/(\d{4}-\d{6})\?sent=true$").Groups[1].Value;
        Assert.NotEmpty(number);
        var stored = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(a => a.IdempotencyKey == key));
        Assert.Equal(number, stored.Number);
        Assert.Equal((AppealType.Proposal, r.CityCategory, (Guid?)r.PotholeTopic, Channel.Portal, AppealStatus.Moderation),
            (stored.Type, stored.CategoryId, stored.TopicId, stored.Channel, stored.Status));
        Assert.Equal(((double?)56.85, (double?)60.25, (Guid?)r.TerritoryA, "ул. Ленина, 10, остановка «Школа»"),
            (stored.Latitude, stored.Longitude, stored.TerritoryId, stored.Address));
        Assert.True(stored.PublicationConsent);
        Assert.True(stored.IsPublic);
        Assert.Equal(r.IdOf(Persona.Applicant), stored.ApplicantUserId);
        // The applicant is the account: name and e-mail come from it, not from the form.
        Assert.Equal((ApplicantKind.Person, "Тестов1", "Applicant", "applicant@test.example"),
            (stored.Applicant.Kind, stored.Applicant.LastName, stored.Applicant.FirstName, stored.Applicant.Email));
        var files = await app.WithDbAsync(db => db.Attachments.AsNoTracking().Where(a => a.AppealId == stored.Id).ToListAsync());
        Assert.Equal(("яма.png", "image/png", AttachmentPurpose.Appeal), (files.Single().FileName, files.Single().ContentType, files.Single().Purpose));
        Assert.Equal(number, (await app.SingleOutboxAsync(stored.Id, "appeal.received")).GetProperty("number").GetString());

        var result = await me.GetAsync(location);
        Assert.Contains("Обращение принято.", result);
        Assert.Contains($"<span id=\"appeal-number\">{number}</span>", result);
        Assert.Matches(@"<strong id=""moderation-due"">\d\d\.\d\d\.\d{4} \d\d:\d\d</strong>", result);
        Assert.Matches(@"<strong id=""answer-due"">\d\d\.\d\d\.\d{4}</strong>", result);

        // The same draft sent again (the network came back, a second click): the same appeal, no second one, no second photo.
        var again = await me.PostMultipartAsync("/submit", fields, photo);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal(location, again.Headers.Location!.ToString());
        Assert.Equal(1, await app.WithDbAsync(db => db.Appeals.CountAsync(a => a.IdempotencyKey == key)));
        Assert.Equal(1, await app.WithDbAsync(db => db.Attachments.CountAsync(a => a.AppealId == stored.Id)));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Each_steps_errors_are_shown_next_to_its_field_and_what_was_typed_stays_including_a_stored_photo(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        using var me = await ApplicantPortal.SignInAsync(app, Persona.Applicant);
        var key = ApplicantPortal.HiddenValue(await me.GetAsync("/submit"), "IdempotencyKey");

        var response = await me.PostMultipartAsync("/submit",
            [new("IdempotencyKey", key), new("Address", "двор дома 5"), new("Latitude", "север"), new("Longitude", "60.25"), new("Text", "Яма")],
            [("Photos", "двор.png", ApplicantPortal.Png)]);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<span id=\"type-error\" class=\"field-error\">Выберите тип обращения.</span>", html);
        Assert.Contains("<span id=\"category-error\" class=\"field-error\">Выберите категорию.</span>", html);
        Assert.Contains("<span id=\"topic-error\" class=\"field-error\">Выберите тему обращения.</span>", html);
        Assert.Contains("<span id=\"lat-error\" class=\"field-error\">Широта — число, например 56.8389.</span>", html);
        Assert.Contains("<span id=\"text-error\" class=\"field-error\">Опишите суть подробнее: не меньше 10 символов.</span>", html);
        Assert.Contains("aria-describedby=\"text-hint text-error\"", html);
        Assert.Contains(">Яма</textarea>", html);
        Assert.Contains("value=\"двор дома 5\"", html);
        Assert.Contains("value=\"север\"", html);
        Assert.Equal(key, ApplicantPortal.HiddenValue(html, "IdempotencyKey"));
        // The photo was fine: it is kept with the form and need not be chosen again.
        var kept = Guid.Parse(ApplicantPortal.HiddenValue(html, "KeptPhotos"));
        Assert.Contains("двор.png", html);
        Assert.False(await app.WithDbAsync(db => db.Appeals.AnyAsync(a => a.IdempotencyKey == key)));

        // A point outside the region, and a file that is no photo, are refused next to their fields.
        var outside = await me.PostMultipartAsync("/submit",
            Form(r, key, "Яма на дороге у дома 5, колёса проваливаются.").Where(f => f.Key is not ("Latitude" or "Longitude"))
                .Concat([new("Latitude", "55.75"), new("Longitude", "37.62"), new("KeptPhotos", kept.ToString())]),
            [("Photos", "справка.pdf", "%PDF-1.7 справка"u8.ToArray())]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, outside.StatusCode);
        html = await outside.Content.ReadAsStringAsync();
        Assert.Contains("<span id=\"lat-error\" class=\"field-error\">Точка на карте не попадает ни в одну территорию региона.</span>", html);
        Assert.Contains("<span id=\"photos-error\" class=\"field-error\">Файл «справка.pdf» — не фотография: прикрепите JPEG, PNG, WebP или HEIC.</span>", html);
        Assert.Equal(kept, Guid.Parse(ApplicantPortal.HiddenValue(html, "KeptPhotos")));

        // Fixed: the appeal goes with the photo kept from the first try.
        var done = await me.PostMultipartAsync("/submit",
            Form(r, key, "Яма на дороге у дома 5, колёса проваливаются.").Append(new("KeptPhotos", kept.ToString())));
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        var stored = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(a => a.IdempotencyKey == key));
        Assert.Equal(stored.Id, await app.WithDbAsync(db => db.Attachments.Where(a => a.Id == kept).Select(a => a.AppealId).SingleAsync()));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_chosen_point_shows_its_territory_and_the_executor_the_first_routing_proposes(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        using var me = await ApplicantPortal.SignInAsync(app, Persona.Applicant);

        async Task<JsonElement> Route(string query)
        {
            var response = await me.GetRawAsync("/submit?handler=route&" + query);
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        }

        var pothole = await Route($"latitude=56.85&longitude=61.25&topicId={r.PotholeTopic}");
        Assert.Equal(("Город Б", "Администрация города Б", "Маршрут темы для территории"),
            (pothole.GetProperty("territory").GetString(), pothole.GetProperty("organisation").GetString(), pothole.GetProperty("why").GetString()));
        var housing = await Route($"latitude=56,85&longitude=60.25&topicId={r.HousingTopic}");
        Assert.Equal(("Город А", "Министерство ЖКХ"), (housing.GetProperty("territory").GetString(), housing.GetProperty("organisation").GetString()));
        var noTopic = await Route("latitude=56.85&longitude=60.25");
        Assert.Equal("Администрация города А", noTopic.GetProperty("organisation").GetString());
        var outside = await Route("latitude=55.75&longitude=37.62");
        Assert.Equal("Точка на карте не попадает ни в одну территорию региона.", outside.GetProperty("problem").GetString());
    }

    internal static List<KeyValuePair<string, string>> Form(TestRegion r, string key, string text) =>
    [
        new("IdempotencyKey", key), new("Type", "Proposal"), new("CategoryId", r.CityCategory.ToString()), new("TopicId", r.PotholeTopic.ToString()),
        new("Address", "ул. Ленина, 10, остановка «Школа»"), new("Latitude", "56.85"), new("Longitude", "60.25"), new("Text", text), new("Consent", "true"),
    ];
}
