using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Business;
using Otklik.Features.Deadlines;
using Otklik.Features.Directory;
using Otklik.Features.Intake;
using Otklik.Features.Mail;
using Otklik.Features.Portal.Accounts;
using Otklik.Infrastructure;

namespace Otklik.Features.Portal.Contact;

/// <summary>
/// The contact form on the page of a fund, business site or incubator (seed 000). A request becomes an appeal through
/// the one intake path (<see cref="SubmitAppeal"/>), on the organisation's own topic and so its deadline rule
/// (2 working days in the demo), routed to the organisation; the portal's administrator and curator (and the
/// organisation's own address) get a copy through the outbox, in the same transaction.
/// </summary>
[AllowAnonymous, EnableRateLimiting(PortalAccounts.SubmitPolicy)]
public sealed class ContactModel(AppDbContext db, CurrentUser user, SubmitAppeal intake, OutboxDispatcher dispatcher) : AccountPage
{
    [FromRoute] public Guid Id { get; set; }
    /// <summary>Asked from a support measure's page: the appeal takes the measure's topic (issue 23.2).</summary>
    [FromQuery] public Guid? Measure { get; set; }
    /// <summary>One of the portal's own desks (feedback, technical support): the desk's topic and clock (issue 23.4).</summary>
    [FromQuery] public PortalDeskKind? Desk { get; set; }
    /// <summary>Asked from a business site's or an incubator's page (issue 23.1): the request names it.</summary>
    [FromQuery] public Guid? Item { get; set; }
    [BindProperty] public string? IdempotencyKey { get; set; }
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Phone { get; set; }
    [BindProperty] public string? OrganisationName { get; set; }
    [BindProperty] public string? Message { get; set; }
    [BindProperty] public bool Consent { get; set; }

    public Organisation Organisation { get; private set; } = null!;
    public string? MeasureTitle { get; private set; }
    /// <summary>The business site or incubator asked about, with its section.</summary>
    public (string Title, PortalSection Section)? ItemAbout { get; private set; }

    /// <summary>What the request is about, for the portal's report of requests by kind.</summary>
    PortalRequestKind RequestKind => Desk is { } d ? (d == PortalDeskKind.Feedback ? PortalRequestKind.Feedback : PortalRequestKind.Support)
        : MeasureTitle is not null ? PortalRequestKind.Measure
        : ItemAbout is { Section: var section } ? (section == PortalSection.Sites ? PortalRequestKind.Site : PortalRequestKind.Incubator)
        : PortalRequestKind.Fund;

    string? AboutLine => MeasureTitle is { } m ? $"Вопрос по мере поддержки «{m}»"
        : ItemAbout is { } item ? (item.Section == PortalSection.Sites ? $"Запрос по бизнес-площадке «{item.Title}»" : $"Запрос на размещение в бизнес-инкубаторе «{item.Title}»")
        : null;
    /// <summary>The answer term as people read it («2 рабочих дней»), from the topic's own deadline rule.</summary>
    public string Term { get; private set; } = "2 рабочих дней";
    [TempData] public string? SentNumber { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is null) return NotFound();
        IdempotencyKey = Guid.NewGuid().ToString("N");
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var topic = await LoadAsync(ct);
        if (topic is null) return NotFound();
        SentNumber = null;
        if (BotCheck.Check(HttpContext) is { } bot) { Error = bot; return Refused(); }
        Require("Name", Name, "Укажите, как к вам обращаться.", 200);
        if (Blank(Email) is not { } email) Errors["Email"] = "Укажите адрес электронной почты: на него придёт ответ.";
        else if (!PortalAccounts.IsEmail(email)) Errors["Email"] = "Неверный адрес электронной почты.";
        CheckPhone(Phone);
        Optional("OrganisationName", OrganisationName, 300);
        if (!Consent) Errors["Consent"] = "Без согласия на обработку персональных данных запрос не может быть принят.";
        try
        {
            var text = new InputErrors();
            SubmitRules.CheckText(text, "Message", Message, max: 5000);
            text.ThrowIfAny();
        }
        catch (InputException e) { Errors["Message"] = string.Join(" ", e.Errors["Message"]); }
        if (Errors.Count > 0) return Refused();

        var isOrg = Blank(OrganisationName) is not null;
        var applicant = new ApplicantInfo
        {
            Kind = isOrg ? ApplicantKind.Organisation : ApplicantKind.Person,
            FirstName = isOrg ? null : Name!.Trim(), RepresentativeName = isOrg ? Name!.Trim() : null,
            OrganisationName = Blank(OrganisationName), Email = Email!.Trim(), Phone = Blank(Phone),
        };
        var appealText = AboutLine is { } about ? $"{about}.\n\n{Message}" : Message;
        var request = new IntakeApi.SubmitRequest(Desk == PortalDeskKind.Feedback ? AppealType.Proposal : AppealType.Question, null, null, Channel.InvestPortal,
            null, applicant, topic.CategoryId, topic.Id, null, null, null, null, appealText, false, false, null);
        var organisation = Organisation;
        var kind = RequestKind;
        try
        {
            var reason = AboutLine is { } line ? line
                : Desk is { } desk ? PortalDesk.Title(desk) + " (форма на портале)" : "Форма связи на странице организации";
            var submitted = await intake.RunAsync(request, IntakeActor.Person(user.Id), IdempotencyKey, ct, (appeal, now, written) =>
            {
                appeal.Route(organisation.Id, reason, null, now);
                written.PortalRequests.Add(new PortalRequest { AppealId = appeal.Id, Kind = kind, OrganisationId = organisation.Id, ItemId = Item, CreatedAtUtc = now });
                written.Outbox.Add(OutboxMessage.Create(MessageTypes.ContactCopy, new
                {
                    appeal.Number, organisation = organisation.Name, organisationEmail = organisation.Email, name = Name!.Trim(),
                    applicantOrganisation = Blank(OrganisationName), email = applicant.Email, phone = applicant.Phone,
                    message = (AboutLine is { } m ? m + ".\n" : Desk is { } d ? PortalDesk.Title(d) + ".\n" : "") + Message!.Trim(),
                }, appeal.Id, now));
            });
            dispatcher.Nudge();
            SentNumber = submitted.Written?.Number ?? await db.Appeals.Where(a => a.Id == submitted.AppealId).Select(a => a.Number).SingleAsync(ct);
            return Redirect($"/contact/{Id}" + (Measure is { } mid ? $"?measure={mid}" : Desk is { } dk ? $"?desk={dk}" : Item is { } iid ? $"?item={iid}" : ""));
        }
        catch (InputException e)
        {
            db.ChangeTracker.Clear();
            foreach (var (field, messages) in e.Errors) Errors[FieldOf(field)] = string.Join(" ", messages);
            if (e.Errors.ContainsKey("Idempotency-Key")) IdempotencyKey = Guid.NewGuid().ToString("N");
            return Refused();
        }
        catch (RuleException e)
        {
            db.ChangeTracker.Clear();
            Error = e.Message;
            return Refused();
        }
    }

    static string FieldOf(string apiField) => apiField switch
    {
        "applicant.email" => "Email",
        "applicant.phone" => "Phone",
        "applicant.organisationName" => "OrganisationName",
        "applicant.firstName" or "applicant.representativeName" => "Name",
        "text" => "Message",
        _ => "",
    };

    /// <summary>
    /// The organisation and its contact topic: an active business topic routed to it for the whole region, one with its
    /// own answer rule first (the portal regulation's 2 working days). No such topic: the organisation has no contact form.
    /// </summary>
    async Task<Topic?> LoadAsync(CancellationToken ct)
    {
        var org = await db.Organisations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == Id && o.IsConnected, ct);
        if (org is null) return null;
        Organisation = org;
        if (Desk is { } deskKind)
        {
            // A desk's topic is its clock: the administrator keeps both as data (the PortalDesks row and its deadline rule).
            var desk = await db.PortalDesks.AsNoTracking().SingleOrDefaultAsync(d => d.Kind == deskKind && d.OrganisationId == Id, ct);
            return desk is null ? null : await WithTermAsync(await db.Topics.AsNoTracking().SingleOrDefaultAsync(t => t.Id == desk.TopicId && t.IsActive, ct), ct);
        }
        if (Measure is { } measureId)
        {
            var measure = await db.SupportMeasures.AsNoTracking().Where(m => m.Id == measureId && m.IsPublished && m.OrganisationId == Id)
                .Select(m => new { m.Title, m.TopicId }).SingleOrDefaultAsync(ct);
            if (measure is null) return null;
            MeasureTitle = measure.Title;
            if (measure.TopicId is { } own && await db.Topics.AsNoTracking().SingleOrDefaultAsync(t => t.Id == own && t.IsActive, ct) is { } measureTopic)
                return await WithTermAsync(measureTopic, ct);
        }
        if (Item is { } itemId)
        {
            var item = await db.PortalItems.AsNoTracking()
                .Where(i => i.Id == itemId && i.IsPublished && i.OrganisationId == Id && (i.Section == PortalSection.Sites || i.Section == PortalSection.Incubators))
                .Select(i => new { i.Title, i.Section }).SingleOrDefaultAsync(ct);
            if (item is null) return null;
            ItemAbout = (item.Title, item.Section);
        }
        var topics = await db.TopicRoutes.AsNoTracking().Where(r => r.OrganisationId == Id && r.TerritoryId == null)
            .Join(db.Topics.Where(t => t.IsActive && t.DefaultRegime == LegalRegime.BusinessConsultation), r => r.TopicId, t => t.Id, (r, t) => t)
            .Join(db.Categories.Where(c => c.IsActive), t => t.CategoryId, c => c.Id, (t, c) => t)
            .ToListAsync(ct);
        if (topics.Count == 0) return null;
        var ids = topics.Select(t => t.Id).ToList();
        var withOwnRule = await db.DeadlineRules.AsNoTracking().Where(r => r.Stage == DeadlineStage.Answer && r.TopicId != null && ids.Contains(r.TopicId.Value))
            .Select(r => r.TopicId!.Value).ToListAsync(ct);
        return await WithTermAsync(topics.OrderByDescending(t => withOwnRule.Contains(t.Id)).ThenBy(t => t.Name, StringComparer.Ordinal).First(), ct);
    }

    /// <summary>Reads the topic's own answer rule into <see cref="Term"/> when it counts working days.</summary>
    async Task<Topic?> WithTermAsync(Topic? topic, CancellationToken ct)
    {
        if (topic is null) return null;
        var policy = await db.DeadlineRules.AsNoTracking().Where(r => r.Stage == DeadlineStage.Answer && r.TopicId == topic.Id).Select(r => r.Policy).FirstOrDefaultAsync(ct);
        if (policy is not null && DeadlinePolicy.TryParse(policy, out var parsed, out _) && parsed is WorkingDaysPolicy { Days: var days })
            Term = days % 10 == 1 && days % 100 != 11 ? $"{days} рабочего дня" : $"{days} рабочих дней";
        return topic;
    }
}
