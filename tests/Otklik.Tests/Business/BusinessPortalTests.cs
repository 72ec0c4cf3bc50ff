using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Features.Appeals;
using Otklik.Features.Business;
using Otklik.Features.Deadlines;
using Otklik.Features.Directory;
using Otklik.Infrastructure;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Portal;

namespace Otklik.Tests.Business;

/// <summary>Issue 23.1–23.4: the support-measure catalogue, the register of support recipients, the sections' watch and the portal desks.</summary>
public sealed class BusinessPortalTests(AppPool pool) : IClassFixture<AppPool>
{
    static readonly Guid FundTopic = Guid.Parse("00000000-0000-0000-0000-0000000000e1");
    static readonly Guid Loan = Guid.Parse("00000000-0000-0000-0000-0000000000e2");
    static readonly Guid Subsidy = Guid.Parse("00000000-0000-0000-0000-0000000000e3");

    static async Task SeedMeasuresAsync(TestApp app)
    {
        await app.WithDbAsync(async db =>
        {
            if (await db.SupportMeasures.AnyAsync(m => m.Id == Loan)) return;
            db.Topics.Add(new Topic
            {
                Id = FundTopic, CategoryId = app.Region.BusinessCategory, Name = "Микрозаймы фонда", DefaultKind = AppealKind.SimpleConsultation,
                DefaultRegime = LegalRegime.BusinessConsultation, Routes = [new TopicRoute { Id = Guid.NewGuid(), OrganisationId = app.Region.Fund }],
            });
            db.DeadlineRules.Add(new DeadlineRule { Id = Guid.NewGuid(), Stage = DeadlineStage.Answer, TopicId = FundTopic, Policy = "working-days:2" });
            var now = DateTime.UtcNow;
            db.SupportMeasures.Add(SupportMeasure.Create(new("Микрозаём «Производство»", "Заём на покупку оборудования для пекарен и цехов.", SupportForm.Loan,
                5_000_000, "до 5 млн ₽", BusinessKinds.SoleTrader | BusinessKinds.Small, "10, 25", null, "Залог оборудования", "Заявление", null, null,
                app.Region.Fund, null, FundTopic, true), now, Loan));
            db.SupportMeasures.Add(SupportMeasure.Create(new("Субсидия «Модернизация»", "Возмещение затрат на новое оборудование.", SupportForm.Subsidy,
                10_000_000, "до 10 млн ₽", BusinessKinds.Medium, "", app.Region.TerritoryA, "Оборудование не старше 3 лет", "Заявление", null, null,
                app.Region.MinInvestDepartment, null, null, true), now, Subsidy));
            await db.SaveChangesAsync();
        });
        app.Services.GetRequiredService<DeadlineClocks>().Invalidate();
    }

    static async Task<Guid[]> FindAsync(TestApp app, string query)
    {
        var response = await app.Anonymous().GetAsync("/api/v1/business/measures" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray().Select(e => e.GetProperty("id").GetGuid())];
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_catalogue_finds_word_forms_filters_by_kind_sector_municipality_and_amount(Engine engine)
    {
        var app = await pool.For(engine);
        await SeedMeasuresAsync(app);

        Assert.Equal([Subsidy], await FindAsync(app, "?q=" + Uri.EscapeDataString("субсидии на оборудование")));
        Assert.Contains(Loan, await FindAsync(app, "?q=" + Uri.EscapeDataString("оборудованием")));
        Assert.DoesNotContain(Subsidy, await FindAsync(app, "?kind=SoleTrader"));
        Assert.Contains(Loan, await FindAsync(app, "?kind=SoleTrader&okved=10.71"));
        Assert.DoesNotContain(Loan, await FindAsync(app, "?okved=47.11"));
        Assert.DoesNotContain(Subsidy, await FindAsync(app, $"?territoryId={app.Region.TerritoryB}"));
        Assert.Contains(Subsidy, await FindAsync(app, $"?territoryId={app.Region.TerritoryA}&minAmount=6000000"));
        Assert.DoesNotContain(Loan, await FindAsync(app, "?minAmount=6000000"));

        var bad = await app.Anonymous().GetAsync("/api/v1/business/measures?okved=abc");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await bad.ProblemAsync()).GetProperty("errors").TryGetProperty("okved", out _));

        using var visitor = new PortalSession(app);
        var page = await visitor.GetAsync($"/business?q={Uri.EscapeDataString("оборудование")}&kind=SoleTrader");
        Assert.Contains("Микрозаём «Производство»", page);
        var measure = await visitor.GetAsync($"/business/measures/{Loan}");
        Assert.Contains($"href=\"/contact/{app.Region.Fund}?measure={Loan}\"", measure);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Asking_from_a_measure_makes_an_appeal_on_its_topic_routed_to_its_organisation(Engine engine)
    {
        var app = await pool.For(engine);
        await SeedMeasuresAsync(app);
        using var visitor = new PortalSession(app);
        var url = $"/contact/{app.Region.Fund}?measure={Loan}";
        var form = await visitor.GetAsync(url);
        Assert.Contains("Вопрос по мере поддержки: <strong>Микрозаём «Производство»</strong>", form);
        var key = System.Text.RegularExpressions.Regex.Match(form, "name=\"IdempotencyKey\" value=\"([^\"]+)\"").Groups[1].Value;
        var email = MailBox.NewAddress("loan");

        var sent = await visitor.PostAsync(url, [new("IdempotencyKey", key), new("Name", "Дмитрий Гончаров"), new("Email", email),
            new("Message", "Можно ли взять заём на печь для пекарни, если бизнесу полгода?"), new("Consent", "true"), new("Consent", "false")]);

        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        var appeal = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(a => a.Applicant.Email == email));
        Assert.Equal((FundTopic, (Guid?)app.Region.Fund), (appeal.TopicId, appeal.ExecutorOrganisationId));
        Assert.StartsWith("Вопрос по мере поддержки «Микрозаём «Производство»»", appeal.Text);
        // A measure of another organisation is not asked through this one's form.
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetRawAsync($"/contact/{app.Region.Fund}?measure={Subsidy}")).StatusCode);
    }

    static MultipartFormDataContent Register(Guid organisation, string month, string csv, string name = "reestr.csv")
    {
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        return new MultipartFormDataContent { { new StringContent(organisation.ToString()), "organisationId" }, { new StringContent(month), "month" }, { file, "file", name } };
    }

    const string Header = "Получатель;ИНН;Форма поддержки;Вид поддержки;Размер поддержки, руб.;Дата решения\n";

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_register_with_a_bad_row_is_refused_by_its_number_and_nothing_is_stored_then_the_fixed_one_is_searchable(Engine engine)
    {
        var app = await pool.For(engine);
        var admin = app.ClientAs(Persona.RegionAdmin);
        var bad = Header + "ООО «Уральский хлеб»;6670000014;Финансовая;Микрозаём;1500000,00;14.11.2026\n" +
                  "ИП Белова Ксения Игоревна;667000000011;Финансовая;Микрозаём;300000;15.11.2026\n";

        var refused = await admin.PostAsync("/api/v1/business/recipients/uploads", Register(app.Region.Fund, "2026-11", bad));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var errors = (await refused.ProblemAsync()).GetProperty("errors");
        Assert.StartsWith("Строка 3: неверный ИНН «667000000011»", errors.GetProperty("rows[3].inn")[0].GetString());
        Assert.Equal(0, await app.WithDbAsync(db => db.SupportRecipients.CountAsync(r => r.OrganisationId == app.Region.Fund)));

        var good = bad.Replace("667000000011", "500100732259", StringComparison.Ordinal);
        var accepted = await admin.PostAsync("/api/v1/business/recipients/uploads", Register(app.Region.Fund, "2026-11", good));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(2, JsonDocument.Parse(await accepted.Content.ReadAsStringAsync()).RootElement.GetProperty("rows").GetInt32());
        // The same month again replaces the month, never doubles it.
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/api/v1/business/recipients/uploads", Register(app.Region.Fund, "2026-11", good))).StatusCode);
        Assert.Equal(2, await app.WithDbAsync(db => db.SupportRecipients.CountAsync(r => r.OrganisationId == app.Region.Fund)));

        var byName = await app.Anonymous().GetStringAsync("/api/v1/business/recipients?q=" + Uri.EscapeDataString("уральский"));
        Assert.Contains("6670000014", byName);
        var byInn = await app.Anonymous().GetStringAsync("/api/v1/business/recipients?q=500100732259");
        Assert.Contains("ИП Белова Ксения Игоревна", byInn);
        Assert.DoesNotContain("Уральский", byInn);
        // A municipality's dispatcher does not post the fund's register.
        Assert.Equal(HttpStatusCode.Forbidden, (await app.ClientAs(Persona.MunADispatcher).PostAsync("/api/v1/business/recipients/uploads",
            Register(app.Region.Fund, "2026-10", good))).StatusCode);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_watch_tells_the_owner_of_a_stale_section_then_the_administrator_once_each(Engine engine)
    {
        var app = await pool.For(engine);
        var now = new DateTime(2026, 12, 1, 6, 0, 0, DateTimeKind.Utc);
        var id = Guid.NewGuid();
        await app.WithDbAsync(async db =>
        {
            db.SectionClocks.Add(new SectionClock { Id = id, Section = PortalSection.News, OrganisationId = app.Region.MunB, PeriodDays = 15, LastUpdatedAtUtc = now.AddDays(-10) });
            await db.SaveChangesAsync();
        });

        await app.WithDbAsync(db => SectionWatch.RunOnceAsync(db, now, default));
        Assert.Equal(FreshnessLevel.Fresh, await app.WithDbAsync(db => db.SectionClocks.Where(c => c.Id == id).Select(c => c.Level).SingleAsync()));

        var stale = now.AddDays(6);
        await app.WithDbAsync(db => SectionWatch.RunOnceAsync(db, stale, default));
        await app.WithDbAsync(db => SectionWatch.RunOnceAsync(db, stale.AddHours(1), default));
        Assert.Equal(FreshnessLevel.OwnerTold, await app.WithDbAsync(db => db.SectionClocks.Where(c => c.Id == id).Select(c => c.Level).SingleAsync()));
        Assert.Equal(1, await app.WithDbAsync(db => db.Outbox.CountAsync(m => m.Type == "business.section_stale" && m.Payload.Contains(app.Region.MunB.ToString())
            && !m.Payload.Contains("/office/business/items/"))));

        await app.WithDbAsync(db => SectionWatch.RunOnceAsync(db, stale + SectionWatch.Grace, default));
        await app.WithDbAsync(db => SectionWatch.RunOnceAsync(db, stale + SectionWatch.Grace + TimeSpan.FromHours(1), default));
        Assert.Equal(FreshnessLevel.AdministratorTold, await app.WithDbAsync(db => db.SectionClocks.Where(c => c.Id == id).Select(c => c.Level).SingleAsync()));
        Assert.Equal(1, await app.WithDbAsync(db => db.Outbox.CountAsync(m => m.Type == "business.section_escalated" && m.Payload.Contains(app.Region.MunB.ToString())
            && !m.Payload.Contains("/office/business/items/"))));

        // The owner told sees it in the office: the municipality's dispatcher gets the notice; the escalation goes to B's administrator.
        await app.DispatchMailAsync();
        var told = await app.WithDbAsync(db => db.Notifications.Where(n => n.SourceType == "business.section_stale" || n.SourceType == "business.section_escalated")
            .Select(n => new { n.PersonId, n.SourceType }).ToListAsync());
        Assert.Contains(told, n => n.PersonId == app.Region.IdOf(Persona.MunBDispatcher) && n.SourceType == "business.section_stale");
        Assert.Contains(told, n => n.PersonId == app.Region.IdOf(Persona.MunBAdmin) && n.SourceType == "business.section_escalated");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_business_site_left_unconfirmed_is_told_to_its_owner_then_the_administrator_and_confirming_it_ends_that(Engine engine)
    {
        var app = await pool.For(engine);
        var posted = new DateTime(2026, 9, 1, 6, 0, 0, DateTimeKind.Utc);
        var site = PortalItem.Create(new PortalItem.Content(PortalSection.Sites, app.Region.MunB, $"Промплощадка «Северная» {Guid.NewGuid():N}", "Участок 4 га",
            "Под производство, с подведёнными сетями.", null, null, IsPublished: true, null, null, null, "ул. Заводская, 3", 56.9, 60.6, null, null, null), posted);
        await app.WithDbAsync(async db => { db.PortalItems.Add(site); await db.SaveChangesAsync(); });
        int Told(string type, IEnumerable<OutboxMessage> all) => all.Count(m => m.Type == type && m.Payload.Contains(site.Id.ToString()));
        async Task<List<OutboxMessage>> Outbox() => await app.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.Type.StartsWith("business.section")).ToListAsync());

        // Inside its period: nothing. Past it (31 days for a site): its owner told once, however many passes run.
        await app.WithDbAsync(db => SectionWatch.RunOnceAsync(db, posted.AddDays(30), default));
        Assert.Equal(0, Told("business.section_stale", await Outbox()));
        var due = posted.AddDays(site.PeriodDays);
        await app.WithDbAsync(db => SectionWatch.RunOnceAsync(db, due.AddHours(1), default));
        await app.WithDbAsync(db => SectionWatch.RunOnceAsync(db, due.AddHours(2), default));
        Assert.Equal((1, 0), (Told("business.section_stale", await Outbox()), Told("business.section_escalated", await Outbox())));
        Assert.Equal(FreshnessLevel.OwnerTold, await app.WithDbAsync(db => db.PortalItems.Where(i => i.Id == site.Id).Select(i => i.StaleLevel).SingleAsync()));

        // Still unconfirmed after the grace: the administrator, once.
        await app.WithDbAsync(db => SectionWatch.RunOnceAsync(db, due + SectionWatch.Grace + TimeSpan.FromHours(1), default));
        await app.WithDbAsync(db => SectionWatch.RunOnceAsync(db, due + SectionWatch.Grace + TimeSpan.FromHours(2), default));
        Assert.Equal((1, 1), (Told("business.section_stale", await Outbox()), Told("business.section_escalated", await Outbox())));

        // The notice names the item and links to it, in the owner's office.
        await app.DispatchMailAsync();
        var notice = await app.WithDbAsync(db => db.Notifications.AsNoTracking()
            .SingleAsync(n => n.PersonId == app.Region.IdOf(Persona.MunBDispatcher) && n.SourceType == "business.section_stale" && n.Title.Contains(site.Title)));
        Assert.Equal($"/office/business/items/{site.Id}", notice.Link);

        // Confirmed current: fresh again, and the next period starts from the confirmation.
        var confirmed = due + SectionWatch.Grace + TimeSpan.FromDays(1);
        await app.WithDbAsync(async db => { (await db.PortalItems.SingleAsync(i => i.Id == site.Id)).MarkChecked(confirmed); await db.SaveChangesAsync(); });
        await app.WithDbAsync(db => SectionWatch.RunOnceAsync(db, confirmed.AddDays(10), default));
        Assert.Equal(FreshnessLevel.Fresh, await app.WithDbAsync(db => db.PortalItems.Where(i => i.Id == site.Id).Select(i => i.StaleLevel).SingleAsync()));
        Assert.Equal(1, Told("business.section_stale", await Outbox()));
    }
}
