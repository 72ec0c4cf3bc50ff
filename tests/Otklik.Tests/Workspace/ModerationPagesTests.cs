using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Tests.Api;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Workspace;

/// <summary>The operator's registration page and the moderator's pages, driven over HTTP as a browser without JavaScript would.</summary>
public sealed class ModerationPagesTests(AppPool pool) : IClassFixture<AppPool>
{
    // ---- The operator ----

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_operator_registers_a_call_and_sees_the_number_and_due_dates_at_once(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        using var op = await StaffSession.SignInAsync(app, Persona.CentreOperator);
        var form = await op.GetAsync("/office/register");
        var key = StaffSession.HiddenValue(form, "IdempotencyKey");

        var fields = CallForm(r, key, text: "Звонок: во дворе дома 12 по ул. Мира третью неделю не вывозят мусор, контейнеры переполнены.");
        var posted = await op.PostAsync("/office/register", fields);

        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var location = posted.Headers.Location!.ToString();
        var id = Guid.Parse(location["/office/register/".Length..]);
        var stored = await app.StoredAsync(id);
        Assert.Equal((Channel.Hotline, AppealStatus.Moderation, r.HousingTopic, LegalRegime.Obrashchenie59),
            (stored.Channel, stored.Status, stored.TopicId, stored.Regime));
        Assert.Equal((ApplicantKind.Person, "Кузнецова", "Ольга", "+7 912 600-11-22"),
            (stored.Applicant.Kind, stored.Applicant.LastName, stored.Applicant.FirstName, stored.Applicant.Phone));
        Assert.Equal(r.IdOf(Persona.CentreOperator), stored.RegisteredById);
        Assert.Null(stored.ApplicantUserId);
        Assert.Equal(r.TerritoryA, stored.TerritoryId);

        var confirmation = await op.GetAsync(location);
        Assert.Contains($"<strong id=\"appeal-number\">{stored.Number}</strong>", confirmation);
        Assert.Matches(@"<strong id=""moderation-due"">\d\d\.\d\d\.\d{4} \d\d:\d\d</strong>", confirmation);
        Assert.Matches(@"<strong id=""answer-due"">\d\d\.\d\d\.\d{4}</strong>", confirmation);
        Assert.Contains("Горячая линия", confirmation);
        // The page links to the appeal's card (issue 16 item 12).
        Assert.Contains($"<a id=\"appeal-card\" href=\"/office/appeals/{id}\">Открыть карточку обращения {stored.Number}</a>", confirmation);

        // A second click on the same form (the same idempotency key) does not make a second appeal.
        var again = await op.PostAsync("/office/register", fields);
        Assert.Equal(location, again.Headers.Location!.ToString());
        Assert.Equal(1, await app.WithDbAsync(db => db.Appeals.CountAsync(a => a.IdempotencyKey == key)));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_received_date_in_the_future_or_too_old_is_refused_next_to_the_field_and_nothing_is_written(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        using var op = await StaffSession.SignInAsync(app, Persona.CentreOperator);
        var form = await op.GetAsync("/office/register");
        var key = StaffSession.HiddenValue(form, "IdempotencyKey");
        // The form offers every channel a person keys in, with the received time defaulting to now.
        foreach (var channel in new[] { "Email", "Paper", "GovernorMail", "BusinessOmbudsman", "DocumentSystem", "Hotline", "Meeting" })
            Assert.Contains($"id=\"channel-{channel}\" name=\"Channel\" value=\"{channel}\"", form);
        Assert.Contains("Система документооборота (МСЭД)", form);

        var local = TimeZoneInfo.ConvertTimeFromUtc(app.Clock.GetUtcNow().UtcDateTime, TimeZoneInfo.FindSystemTimeZoneById(
            await app.WithDbAsync(db => db.Organisations.Where(o => o.Id == r.Centre).Select(o => o.TimeZone).SingleAsync())));
        foreach (var (at, error) in new[]
        {
            (local.AddDays(1), "Дата поступления не может быть позже текущего момента."),
            (local.AddDays(-45), "Дата поступления — не раньше чем 30 дней назад"),
        })
        {
            var text = $"Письмо от {at:dd.MM.yyyy}: во дворе дома 12 по ул. Мира не вывозят мусор, контейнеры переполнены.";
            var fields = CallForm(r, key, text).Where(f => f.Key != "Channel")
                .Append(new("Channel", "Paper")).Append(new("ReceivedAt", at.ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture)));
            var refused = await op.PostAsync("/office/register", fields);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            var html = await refused.Content.ReadAsStringAsync();
            Assert.Matches($"<span id=\"received-at-error\" class=\"field-error\">{Regex.Escape(error)}", html);
            Assert.False(await app.WithDbAsync(db => db.Appeals.AnyAsync(a => a.Text == text)));
        }
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Validation_errors_are_shown_next_to_the_fields_and_the_form_keeps_what_was_typed(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        using var op = await StaffSession.SignInAsync(app, Persona.CentreOperator);
        var key = StaffSession.HiddenValue(await op.GetAsync("/office/register"), "IdempotencyKey");
        var fields = CallForm(r, key, text: "Яма")
            .Where(f => f.Key is not ("Type" or "Email" or "ApplicantKind" or "LastName")).ToList();
        fields.AddRange([new("Email", "не-почта"), new("ApplicantKind", "Organisation"), new("OrganisationName", "ООО «Ромашка-Плюс»"),
            new("Inn", "1234567890"), new("LastName", "Шарапов")]);

        var response = await op.PostAsync("/office/register", fields);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<span id=\"type-error\" class=\"field-error\">Выберите тип обращения.</span>", html);
        Assert.Contains("<span id=\"text-error\" class=\"field-error\">Опишите суть подробнее: не меньше 10 символов.</span>", html);
        Assert.Contains("<span id=\"email-error\" class=\"field-error\">Неверный адрес электронной почты.</span>", html);
        Assert.Contains("<span id=\"inn-error\" class=\"field-error\">Неверный ИНН.</span>", html);
        // What was typed stays: the text, the organisation, the chosen topic, the channel.
        Assert.Contains(">Яма</textarea>", html);
        Assert.Contains("value=\"ООО «Ромашка-Плюс»\"", html);
        Assert.Contains("value=\"Шарапов\"", html);
        Assert.Contains($"<option value=\"{r.HousingTopic}\" selected=\"selected\">", html);
        Assert.Contains("id=\"kind-org\" name=\"ApplicantKind\" value=\"Organisation\" checked=\"checked\"", html);
        Assert.Equal(key, StaffSession.HiddenValue(html, "IdempotencyKey"));
        Assert.False(await app.WithDbAsync(db => db.Appeals.AnyAsync(a => a.Applicant.OrganisationName == "ООО «Ромашка-Плюс»")));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_operator_finds_an_earlier_applicant_by_phone_however_it_is_typed_and_the_form_is_filled_in(Engine engine)
    {
        var app = await pool.For(engine);
        var earlier = await app.SubmitAsync(Samples.Subsidy(app.Region));
        using var op = await StaffSession.SignInAsync(app, Persona.CentreOperator);
        var key = StaffSession.HiddenValue(await op.GetAsync("/office/register"), "IdempotencyKey");

        var response = await op.PostAsync("/office/register?handler=find",
            [new("IdempotencyKey", key), new("Channel", "Meeting"), new("Lookup", "8 (343) 200-00-00"), new("Text", "Начатый текст звонка")]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains($"обращение {earlier.Number}", html);
        Assert.Contains("value=\"ООО «Уралстанок»\"", html);
        Assert.Contains("value=\"7707083893\"", html);
        Assert.Contains("value=\"info@uralstanok.ru\"", html);
        Assert.Contains("id=\"kind-org\" name=\"ApplicantKind\" value=\"Organisation\" checked=\"checked\"", html);
        Assert.Contains("id=\"channel-Meeting\" name=\"Channel\" value=\"Meeting\" checked=\"checked\"", html);
        Assert.Contains(">Начатый текст звонка</textarea>", html);

        var nobody = await (await op.PostAsync("/office/register?handler=find", [new("IdempotencyKey", key), new("Lookup", "nobody-here@example.ru")]))
            .Content.ReadAsStringAsync();
        Assert.Contains("Заявитель не найден", nobody);
    }

    // ---- The moderator ----

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_moderator_rejects_with_a_reason_from_the_list_and_the_applicant_is_told(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.SubmitAsync(Samples.Pothole(app.Region, text: "Купите рекламу наших услуг по ремонту дорог, звоните прямо сейчас!"));
        using var mod = await StaffSession.SignInAsync(app, Persona.CentreModerator);
        var page = await mod.GetAsync($"/office/moderation/{a.Id}");
        Assert.Contains(a.Text, page);
        Assert.Contains("<option value=\"SpamOrAds\">Реклама, спам или сведения, не относящиеся к делу</option>", page);
        // Only the grounds that allow a rejection are offered.
        Assert.DoesNotContain("value=\"RepeatedQuestion\"", page);
        Assert.DoesNotContain("value=\"AnswerPublished\"", page);

        // Without a ground the form comes back with the error next to the list and the comment kept.
        var missing = await mod.PostAsync($"/office/moderation/{a.Id}?handler=reject", [new("Version", a.Version.ToString()), new("Comment", "Коммерческая реклама")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missing.StatusCode);
        var missingHtml = await missing.Content.ReadAsStringAsync();
        Assert.Contains("<span id=\"reject-ground-error\" class=\"field-error\">Выберите причину отказа из списка.</span>", missingHtml);
        Assert.Contains(">Коммерческая реклама</textarea>", missingHtml);
        Assert.Equal(AppealStatus.Moderation, (await app.StoredAsync(a.Id)).Status);

        var done = await mod.PostAsync($"/office/moderation/{a.Id}?handler=reject",
            [new("Version", a.Version.ToString()), new("Ground", "SpamOrAds"), new("Comment", "Коммерческая реклама")]);

        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Equal("/office/moderation", done.Headers.Location!.ToString());
        var stored = await app.StoredAsync(a.Id);
        Assert.Equal((AppealStatus.Rejected, (Ground?)Ground.SpamOrAds), (stored.Status, stored.OutcomeGround));
        var last = (await app.EventsAsync(a.Id))[^1];
        Assert.Equal((EventKind.Rejected, (Guid?)app.Region.IdOf(Persona.CentreModerator), "Коммерческая реклама"), (last.Kind, last.ActorId, last.Note));
        var notice = await app.SingleOutboxAsync(a.Id, "appeal.rejected");
        Assert.Equal("Реклама, спам или сведения, не относящиеся к делу", notice.GetProperty("reason").GetString());
        Assert.Equal("maria@example.ru", notice.GetProperty("email").GetString());
        var queue = await mod.GetAsync("/office/moderation");
        Assert.Contains($"Обращение {a.Number} отклонено", queue);
        Assert.DoesNotContain($">{a.Number}</a>", queue);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_moderator_accepts_after_correcting_the_topic_and_the_appeal_goes_to_the_newly_routed_organisation(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var a = await app.SubmitAsync(Samples.Pothole(r, text: "Подрядчик капремонта сорвал сроки замены кровли дома 10, течёт с потолка."));
        using var mod = await StaffSession.SignInAsync(app, Persona.CentreModerator);
        var page = await mod.GetAsync($"/office/moderation/{a.Id}");
        Assert.Matches($"<option value=\"{r.MunA}\" selected=\"selected\">[^<]*Администрация города А</option>", page);

        var fixedUp = await mod.PostAsync($"/office/moderation/{a.Id}?handler=fix",
        [
            new("Version", a.Version.ToString()), new("FixType", "Problem"), new("FixCategoryId", r.CityCategory.ToString()),
            new("FixTopicId", r.HousingTopic.ToString()), new("FixAddress", "ул. Ленина, 10, кровля"),
            new("FixLatitude", "56,86"), new("FixLongitude", "60.26"),
        ]);
        Assert.Equal(HttpStatusCode.Redirect, fixedUp.StatusCode);
        var corrected = await app.StoredAsync(a.Id);
        Assert.Equal((r.HousingTopic, LegalRegime.Obrashchenie59, AppealKind.Complaint, "ул. Ленина, 10, кровля", (double?)56.86, (double?)60.26),
            (corrected.TopicId, corrected.Regime, corrected.Kind, corrected.Address, corrected.Latitude, corrected.Longitude));

        // The proposal follows the new topic: its default route, the ministry of housing.
        page = await mod.GetAsync($"/office/moderation/{a.Id}");
        Assert.Contains("Классификация исправлена", page);
        Assert.Matches($"<option value=\"{r.MinHousing}\" selected=\"selected\">[^<]*Министерство ЖКХ</option>", page);
        Assert.Contains("Предложено: Министерство ЖКХ (Маршрут темы по умолчанию)", page);
        var version = StaffSession.HiddenValue(page, "Version");

        var accepted = await mod.PostAsync($"/office/moderation/{a.Id}?handler=accept", [new("Version", version), new("OrganisationId", r.MinHousing.ToString())]);

        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        var stored = await app.StoredAsync(a.Id);
        Assert.Equal((AppealStatus.Registered, (Guid?)r.MinHousing), (stored.Status, stored.ExecutorOrganisationId));
        Assert.NotNull(stored.AnswerDueDate);
        var events = await app.EventsAsync(a.Id);
        Assert.Equal([EventKind.Received, EventKind.Reclassified, EventKind.Routed, EventKind.Registered], events.Select(e => e.Kind));
        // The proposal kept as it was is recorded as the automatic route, with its reason.
        Assert.Equal("Маршрут темы по умолчанию", events[2].Note);
        var registered = await app.SingleOutboxAsync(a.Id, "appeal.registered");
        Assert.Equal(r.MinHousing, registered.GetProperty("organisation").GetGuid());
        Assert.Contains("Исполнитель: Министерство ЖКХ", await mod.GetAsync("/office/moderation"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_moderator_may_choose_another_executor_and_a_point_outside_the_region_is_refused_next_to_the_field(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var a = await app.SubmitAsync();
        using var mod = await StaffSession.SignInAsync(app, Persona.CentreModerator);

        var outside = await mod.PostAsync($"/office/moderation/{a.Id}?handler=fix",
        [
            new("Version", a.Version.ToString()), new("FixType", "Problem"), new("FixCategoryId", r.CityCategory.ToString()),
            new("FixTopicId", r.PotholeTopic.ToString()), new("FixLatitude", "55.75"), new("FixLongitude", "37.62"),
        ]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, outside.StatusCode);
        var html = await outside.Content.ReadAsStringAsync();
        Assert.Contains("<span id=\"fix-lat-error\" class=\"field-error\">Точка на карте не попадает ни в одну территорию региона.</span>", html);
        Assert.Contains("value=\"55.75\"", html);
        Assert.Equal((double?)TestRegion.InsideA.Lat, (await app.StoredAsync(a.Id)).Latitude);

        var accepted = await mod.PostAsync($"/office/moderation/{a.Id}?handler=accept", [new("Version", a.Version.ToString()), new("OrganisationId", r.Fund.ToString())]);
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        var stored = await app.StoredAsync(a.Id);
        Assert.Equal((AppealStatus.Registered, (Guid?)r.Fund), (stored.Status, stored.ExecutorOrganisationId));
        Assert.Equal("Выбор модератора", (await app.EventsAsync(a.Id)).Single(e => e.Kind == EventKind.Routed).Note);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_moderator_merges_a_duplicate_chosen_from_the_list_of_likely_duplicates(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var original = await app.SubmitAsync(Samples.Pothole(r, text: "Яма у дома 10 на Ленина, уже третья неделя, колёса бьются."));
        var farAway = await app.SubmitAsync(Samples.Pothole(r, at: (TestRegion.InsideA.Lat + 0.02, TestRegion.InsideA.Lon), text: "Яма у моста, в двух километрах от центра."));
        var otherTopic = await app.SubmitAsync(Samples.Pothole(r, text: "Капремонт кровли дома 10 сорван подрядчиком.").With("topicId", r.HousingTopic));
        var rejected = await app.AppealInAsync(AppealStatus.Rejected);
        var duplicate = await app.SubmitAsync(Samples.Pothole(r, at: (TestRegion.InsideA.Lat + 0.001, TestRegion.InsideA.Lon), text: "Снова про яму у дома 10 по Ленина."));
        using var mod = await StaffSession.SignInAsync(app, Persona.CentreModerator);

        var page = await mod.GetAsync($"/office/moderation/{duplicate.Id}");

        var listed = Regex.Matches(page, "name=\"TargetAppealId\" value=\"([0-9a-f-]+)\"").Select(m => Guid.Parse(m.Groups[1].Value)).ToList();
        Assert.Contains(original.Id, listed);
        Assert.DoesNotContain(farAway.Id, listed);
        Assert.DoesNotContain(otherTopic.Id, listed);
        Assert.DoesNotContain(rejected.Id, listed);
        Assert.DoesNotContain(duplicate.Id, listed);
        Assert.Contains("Яма у дома 10 на Ленина, уже третья неделя", page);
        Assert.Contains("111 м", page);

        var merged = await mod.PostAsync($"/office/moderation/{duplicate.Id}?handler=merge",
            [new("Version", duplicate.Version.ToString()), new("TargetAppealId", original.Id.ToString())]);

        Assert.Equal(HttpStatusCode.Redirect, merged.StatusCode);
        var stored = await app.StoredAsync(duplicate.Id);
        Assert.Equal((AppealStatus.Merged, (Guid?)original.Id), (stored.Status, stored.MergedIntoId));
        Assert.Equal(EventKind.DuplicateMerged, (await app.EventsAsync(original.Id))[^1].Kind);
        Assert.Equal(original.Number, (await app.SingleOutboxAsync(duplicate.Id, "appeal.merged")).GetProperty("into").GetString());
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_moderator_asks_for_clarification_and_the_appeal_moves_to_the_clarification_queue(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.SubmitAsync();
        using var mod = await StaffSession.SignInAsync(app, Persona.CentreModerator);

        var asked = await mod.PostAsync($"/office/moderation/{a.Id}?handler=clarify", [new("Version", a.Version.ToString()), new("Question", "Уточните номер дома и подъезд.")]);

        Assert.Equal(HttpStatusCode.Redirect, asked.StatusCode);
        var stored = await app.StoredAsync(a.Id);
        Assert.Equal((AppealStatus.Clarification, "Уточните номер дома и подъезд."), (stored.Status, stored.ClarificationQuestion));
        Assert.Equal("Уточните номер дома и подъезд.", (await app.SingleOutboxAsync(a.Id, "appeal.clarification_requested")).GetProperty("question").GetString());
        Assert.Contains($">{a.Number}</a>", await mod.GetAsync("/office/moderation?clarification=true"));
        Assert.DoesNotContain($">{a.Number}</a>", await mod.GetAsync("/office/moderation"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_stale_version_is_refused_and_the_form_is_shown_again_with_the_fresh_version(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.SubmitAsync();
        var seen = a.Version;
        await app.ActAsync(Persona.CentreModerator, a, "reclassify", new { address = "ул. Ленина, 12" });
        using var mod = await StaffSession.SignInAsync(app, Persona.CentreModerator);

        var response = await mod.PostAsync($"/office/moderation/{a.Id}?handler=reject",
            [new("Version", seen.ToString()), new("Ground", "NoLocation"), new("Comment", "Не указано место")]);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Обращение изменилось", html);
        Assert.Contains("<option value=\"NoLocation\" selected=\"selected\">", html);
        Assert.Equal((seen + 1).ToString(), StaffSession.HiddenValue(html, "Version"));
        Assert.Equal(AppealStatus.Moderation, (await app.StoredAsync(a.Id)).Status);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_queue_is_ordered_by_the_moderation_deadline_marks_risk_and_overdue_and_pages_by_fifty(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var first = await app.SubmitAsync();
        app.Clock.Advance(TimeSpan.FromHours(30));
        var second = await app.SubmitAsync();
        for (var i = 0; i < 50; i++)
        {
            app.Clock.Advance(TimeSpan.FromMinutes(1));
            await app.SubmitAsync();
        }
        var secondStored = await app.StoredAsync(second.Id);
        // Now: the first is past its 48 hours, the second has entered its risk window but is not late.
        app.Clock.SetUtcNow(new DateTimeOffset(secondStored.AtRiskFromUtc!.Value.AddMinutes(1), TimeSpan.Zero));
        Assert.True(app.Clock.GetUtcNow().UtcDateTime > first.DueAtUtc);
        Assert.True(app.Clock.GetUtcNow().UtcDateTime < secondStored.DueAtUtc);
        using var mod = await StaffSession.SignInAsync(app, Persona.CentreModerator);

        var page1 = await mod.GetAsync("/office/moderation");
        var rows = Regex.Matches(page1, "<tr class=\"([^\"]*)\">\\s*<td><a href=\"/office/moderation/([0-9a-f-]+)\">").ToList();
        Assert.Equal(50, rows.Count);
        Assert.Equal((first.Id, "overdue"), (Guid.Parse(rows[0].Groups[2].Value), rows[0].Groups[1].Value));
        Assert.Equal((second.Id, "at-risk"), (Guid.Parse(rows[1].Groups[2].Value), rows[1].Groups[1].Value));
        Assert.Contains("Всего: 52.", page1);
        Assert.Contains("Страница 1 из 2", page1);

        var page2 = await mod.GetAsync("/office/moderation?page=2");
        Assert.Equal(2, Regex.Count(page2, "<td><a href=\"/office/moderation/"));
        var last = await app.WithDbAsync(db => db.Appeals.OrderByDescending(x => x.ReceivedAtUtc).Select(x => x.Id).FirstAsync());
        Assert.Contains($"/office/moderation/{last}", page2);
    }

    // ---- Who may ----

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_executor_cannot_open_or_use_the_moderation_and_registration_pages(Engine engine)
    {
        var app = await pool.For(engine);
        var inModeration = await app.SubmitAsync();
        var registered = await app.AppealInAsync(AppealStatus.Registered);
        Assert.Equal(app.Region.MunA, registered.ExecutorOrganisationId);
        using var executor = await StaffSession.SignInAsync(app, Persona.MunAExecutor);

        Assert.Equal(HttpStatusCode.Forbidden, (await executor.GetRawAsync("/office/moderation")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await executor.GetRawAsync($"/office/moderation/{inModeration.Id}")).StatusCode);
        // The executor sees the registered appeal (it is their organisation's) but may not moderate it.
        var seen = await executor.GetRawAsync($"/office/moderation/{registered.Id}");
        Assert.Equal(HttpStatusCode.Forbidden, seen.StatusCode);
        Assert.Contains("Нет доступа", await seen.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await executor.GetRawAsync("/office/register")).StatusCode);

        // A forged post with a valid antiforgery token changes nothing.
        var forged = await executor.PostAsync($"/office/moderation/{inModeration.Id}?handler=reject",
            [new("Version", inModeration.Version.ToString()), new("Ground", "SpamOrAds")]);
        Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
        var registering = await executor.PostAsync("/office/register", CallForm(app.Region, Guid.NewGuid().ToString("N"), text: "Поддельная регистрация звонка исполнителем."));
        Assert.Equal(HttpStatusCode.Forbidden, registering.StatusCode);
        Assert.Equal(AppealStatus.Moderation, (await app.StoredAsync(inModeration.Id)).Status);
        Assert.False(await app.WithDbAsync(db => db.Appeals.AnyAsync(a => a.Text == "Поддельная регистрация звонка исполнителем.")));

        // A moderator is not an operator; and nobody signed out gets past the sign-in page.
        using var moderator = await StaffSession.SignInAsync(app, Persona.CentreModerator);
        Assert.Equal(HttpStatusCode.Forbidden, (await moderator.GetRawAsync("/office/register")).StatusCode);
        using var anonymous = StaffSession.Anonymous(app);
        var redirect = await anonymous.GetRawAsync("/office/moderation");
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Contains("/office/login", redirect.Headers.Location!.ToString());
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_post_without_the_antiforgery_token_is_refused(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.SubmitAsync();
        using var mod = await StaffSession.SignInAsync(app, Persona.CentreModerator);

        var response = await mod.PostWithoutTokenAsync($"/office/moderation/{a.Id}?handler=reject",
            [new("Version", a.Version.ToString()), new("Ground", "SpamOrAds")]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(AppealStatus.Moderation, (await app.StoredAsync(a.Id)).Status);
    }

    static List<KeyValuePair<string, string>> CallForm(TestRegion r, string key, string text) =>
    [
        new("IdempotencyKey", key), new("Channel", "Hotline"), new("ApplicantKind", "Person"),
        new("LastName", "Кузнецова"), new("FirstName", "Ольга"), new("Phone", "+7 912 600-11-22"), new("Email", "olga.k@example.ru"),
        new("Type", "Problem"), new("CategoryId", r.CityCategory.ToString()), new("TopicId", r.HousingTopic.ToString()),
        new("Address", "ул. Мира, 12"), new("Latitude", "56.85"), new("Longitude", "60.25"), new("Text", text),
    ];
}

/// <summary>A member of staff signed in through the office's own sign-in page (<see cref="FormSession"/> posts the forms).</summary>
file sealed class StaffSession(HttpClient http) : FormSession(http)
{
    public static new async Task<StaffSession> SignInAsync(TestApp app, Persona persona)
    {
        var email = await app.EnsurePasswordAsync(persona);
        var session = Anonymous(app);
        await session.GetAsync("/office/login");
        var signedIn = await session.PostAsync("/office/login", [new("Email", email), new("Password", TestRegion.Password), new("ReturnUrl", "/office")]);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        // The token of the sign-in page belongs to nobody; the forms from now on need one issued to the person.
        await session.GetAsync("/office");
        return session;
    }

    public static new StaffSession Anonymous(TestApp app) => new(app.CookieClient());

    public Task<HttpResponseMessage> PostWithoutTokenAsync(string url, IEnumerable<KeyValuePair<string, string>> fields) =>
        Client.PostAsync(url, new FormUrlEncodedContent(fields));
}
