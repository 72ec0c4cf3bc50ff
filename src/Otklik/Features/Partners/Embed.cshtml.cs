using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Features.Intake;
using Otklik.Features.Portal.Accounts;
using Otklik.Infrastructure;

namespace Otklik.Features.Partners;

/// <summary>
/// The form a partner site embeds (issue 19, item 4; docs/integrations.md). It is framed by another site, whose
/// browser may well not send our cookies into the frame (third-party cookies), so it uses none: no antiforgery token
/// (the form acts for nobody — there is no session to forge), no TempData; the answer to the post shows the number
/// itself, and the idempotency key keeps a second click to one appeal. The appeal goes through the one intake
/// (<see cref="SubmitAppeal"/>) as the applicant themselves on the invest-portal channel, routed to the site's
/// organisation, and the site is written next to it in the same transaction (<see cref="PartnerSiteAppeal"/>).
/// </summary>
[AllowAnonymous, IgnoreAntiforgeryToken]
public sealed class EmbedModel(AppDbContext db, SubmitAppeal intake, TimeProvider clock) : AccountPage
{
    [FromRoute] public string Key { get; set; } = "";
    [BindProperty] public string? IdempotencyKey { get; set; }
    [BindProperty] public Guid? Topic { get; set; }
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Phone { get; set; }
    [BindProperty] public string? Message { get; set; }
    [BindProperty] public bool Consent { get; set; }

    public PartnerSite Site { get; private set; } = null!;
    public string OrganisationName { get; private set; } = "";
    public IReadOnlyList<(Guid Id, string Name)> Topics { get; private set; } = [];
    public string? SentNumber { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        IdempotencyKey = Guid.NewGuid().ToString("N");
        Topic = Topics[0].Id;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        if (BotCheck.Check(HttpContext) is { } bot) { Error = bot; return Refused(); }
        if (Topic is not { } topicId || Topics.All(t => t.Id != topicId)) Errors["Topic"] = "Выберите тему из списка.";
        Require("Name", Name, "Укажите, как к вам обращаться.", 200);
        if (Blank(Email) is not { } email) Errors["Email"] = "Укажите адрес электронной почты: на него придёт ответ.";
        else if (!PortalAccounts.IsEmail(email)) Errors["Email"] = "Неверный адрес электронной почты.";
        CheckPhone(Phone);
        if (!Consent) Errors["Consent"] = "Без согласия на обработку персональных данных обращение не может быть принято.";
        try
        {
            var text = new InputErrors();
            SubmitRules.CheckText(text, "Message", Message, max: 5000);
            text.ThrowIfAny();
        }
        catch (InputException e) { Errors["Message"] = string.Join(" ", e.Errors["Message"]); }
        if (Errors.Count > 0) return Refused();

        // The site's own limit, counted in the database so that every instance of the app sees the same hour.
        var now = clock.GetUtcNow().UtcDateTime;
        var site = Site;
        if (await db.PartnerSiteAppeals.CountAsync(a => a.SiteId == site.Id && a.ReceivedAtUtc > now.AddHours(-1), ct) >= site.HourlyLimit)
        {
            Error = "С этого сайта за последний час принято слишком много обращений. Попробуйте позже или подайте обращение на портале «Отклик».";
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return Page();
        }

        var topic = await db.Topics.AsNoTracking().SingleAsync(t => t.Id == Topic, ct);
        var applicant = new ApplicantInfo { Kind = ApplicantKind.Person, FirstName = Name!.Trim(), Email = Email!.Trim(), Phone = Blank(Phone) };
        var request = new IntakeApi.SubmitRequest(AppealType.Question, null, null, Channel.InvestPortal,
            null, applicant, topic.CategoryId, topic.Id, null, null, null, null, Message, false, false, null);
        try
        {
            var submitted = await intake.RunAsync(request, IntakeActor.Person(null), IdempotencyKey, ct, (appeal, at, written) =>
            {
                appeal.Route(site.OrganisationId, $"Форма на сайте партнёра «{site.Name}»", null, at);
                written.PartnerSiteAppeals.Add(new PartnerSiteAppeal { AppealId = appeal.Id, SiteId = site.Id, ReceivedAtUtc = at });
            });
            SentNumber = submitted.Written?.Number ?? await db.Appeals.Where(a => a.Id == submitted.AppealId).Select(a => a.Number).SingleAsync(ct);
            return Page();
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
        "applicant.firstName" => "Name",
        "text" => "Message",
        "topicId" or "categoryId" => "Topic",
        _ => "",
    };

    /// <summary>
    /// The active site and its active topics. A site switched off (or unknown) has no form, framed or not; an
    /// active one lets exactly its own origins frame the page.
    /// </summary>
    async Task<bool> LoadAsync(CancellationToken ct)
    {
        var site = await db.PartnerSites.AsNoTracking().SingleOrDefaultAsync(s => s.Key == Key && s.IsActive, ct);
        if (site is null) return false;
        var ids = site.Topics.ToList();
        var topics = await db.Topics.AsNoTracking().Where(t => ids.Contains(t.Id) && t.IsActive).Select(t => new { t.Id, t.Name }).ToListAsync(ct);
        if (topics.Count == 0) return false;
        Site = site;
        Topics = [.. ids.Where(id => topics.Any(t => t.Id == id)).Select(id => (id, topics.First(t => t.Id == id).Name))];
        OrganisationName = await db.Organisations.Where(o => o.Id == site.OrganisationId).Select(o => o.Name).SingleAsync(ct);
        HttpContext.Items[SecurityHeaders.FrameAncestorsItem] = site.Origins.Count == 0 ? "'none'" : string.Join(' ', site.Origins);
        return true;
    }
}
