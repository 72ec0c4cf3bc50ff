using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Attachments;
using Otklik.Features.Directory;
using Otklik.Features.Routing;
using Otklik.Infrastructure;

namespace Otklik.Features.Moderation;

/// <summary>
/// One appeal on the moderator's desk: what it says, who wrote it, where, its history, and the moderation actions, each
/// a small form that runs through <see cref="AppealChanges"/> with the same change as the API endpoint.
/// </summary>
[Authorize]
public sealed class ReviewModel(AppDbContext db, CurrentUser user, AppealChanges changes, TerritoryLocator locator, TimeProvider clock,
    Audit.AuditTrail audit) : PageModel
{
    public sealed record HistoryLine(DateTime AtUtc, EventKind Kind, AppealStatus ToStatus, string? Actor, string? Note);

    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    [BindProperty] public int? Version { get; set; }
    // Accept
    [BindProperty] public Guid? OrganisationId { get; set; }
    // Reject
    [BindProperty] public Ground? Ground { get; set; }
    [BindProperty] public string? Comment { get; set; }
    // Ask for clarification
    [BindProperty] public string? Question { get; set; }
    /// <summary>How the question reached an applicant the letter could not (a call, a letter by post).</summary>
    [BindProperty] public string? DeliveredHow { get; set; }
    /// <summary>Whether the clarification question has reached the applicant: silence counts only after it has.</summary>
    public string? QuestionDelivery { get; private set; }
    public bool QuestionDelivered { get; private set; }
    // Correct the classification
    [BindProperty] public AppealType? FixType { get; set; }
    [BindProperty] public Guid? FixCategoryId { get; set; }
    [BindProperty] public Guid? FixTopicId { get; set; }
    [BindProperty] public string? FixAddress { get; set; }
    [BindProperty] public string? FixLatitude { get; set; }
    [BindProperty] public string? FixLongitude { get; set; }
    // Merge
    [BindProperty] public Guid? TargetAppealId { get; set; }
    [BindProperty] public string? TargetNumber { get; set; }
    // The published text (third parties' personal data masked)
    [BindProperty] public string? PublicText { get; set; }
    // The automatically masked fragments the moderator lets the portal show
    [BindProperty] public List<string> Release { get; set; } = [];

    /// <summary>The published text and answer as masked for the portal (<see cref="Portal.Public.PublicMasking"/>), with the masks marked.</summary>
    public Portal.Public.MaskedText Masked => Portal.Public.PublicMasking.AppealText(Appeal);
    public Portal.Public.MaskedText? MaskedAnswer => Appeal.AnswerText is null ? null : Portal.Public.PublicMasking.AnswerText(Appeal);
    public string? PublicAddress => Portal.Public.PublicMasking.Address(Appeal.Address, Appeal.Applicant.PostalAddress);

    public Appeal Appeal { get; private set; } = null!;
    public IReadOnlyList<AttachmentsApi.AttachmentView> Attachments { get; private set; } = [];
    /// <summary>The answer's photos and whether each is published on the portal («Было / Стало»).</summary>
    public IReadOnlyList<(Guid Id, string FileName, DateTime? PublishedAtUtc)> AnswerPhotos { get; private set; } = [];
    public IReadOnlyList<HistoryLine> History { get; private set; } = [];
    public Dictionary<Guid, string> OrganisationNames { get; private set; } = [];
    public IReadOnlyList<ModerationScreens.OrganisationOption> Organisations { get; private set; } = [];
    public IReadOnlyList<Category> Categories { get; private set; } = [];
    public IReadOnlyList<ModerationScreens.TopicOption> Topics { get; private set; } = [];
    public IReadOnlyList<ModerationScreens.Duplicate> Duplicates { get; private set; } = [];
    /// <summary>The appeals a moderator confirmed to be of this appeal's applicant (ADR 0052), among those the moderator sees.</summary>
    public IReadOnlyList<SamePerson.Linked> SamePersonAppeals { get; private set; } = [];
    // Confirm the same person: how the offer recognised them
    [BindProperty] public string? Why { get; set; }
    public ModerationApi.RouteProposal Proposal { get; private set; } = new(null, null, null);
    public string? TerritoryName { get; private set; }
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;
    public DateTime NowUtc { get; private set; }
    public string? Notice { get; private set; }

    /// <summary>Why the page cannot be shown (404 or 403), in Russian.</summary>
    public string? Refusal { get; private set; }
    /// <summary>The form that failed, and how: its errors are shown next to its fields.</summary>
    public string? FailedForm { get; private set; }
    public AppealChanges.Outcome? Failure { get; private set; }

    public static readonly IReadOnlyList<GroundInfo> RejectGrounds = [.. Grounds.All.Values.Where(g => g.Outcomes.Contains(AppealOutcome.Reject))];

    public string? ErrorFor(string form, params string[] fields) =>
        FailedForm != form || Failure is null ? null
        : fields.Select(f => Failure.ErrorFor(f)).FirstOrDefault(e => e is not null);

    /// <summary>The failure's message when no field of the form carries it.</summary>
    public string? GeneralErrorFor(string form, params string[] fields) =>
        FailedForm != form || Failure is null || fields.Any(f => Failure.ErrorFor(f) is not null) ? null : Failure.Message;

    public bool CanAct => Appeal.Allows(Transition.Reclassify);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refused) return refused;
        audit.Record(HttpContext, user, Audit.AuditKind.AppealRead, Id, "office moderation");
        Notice = TempData["Notice"] as string;
        Version = Appeal.Version;
        OrganisationId = Appeal.ExecutorOrganisationId ?? Proposal.OrganisationId;
        FillFixFromAppeal();
        PublicText = Appeal.PublicText ?? Appeal.Text;
        return Page();
    }

    public async Task<IActionResult> OnPostPublicTextAsync(CancellationToken ct)
    {
        var outcome = await changes.TryRunAsync(Id, Version, [Duty.Moderate], ModerationApi.Masking(changes, PublicText), ct);
        if (!outcome.Succeeded) return await FailedAsync("publictext", outcome, ct);
        TempData["Notice"] = $"Текст для публикации обращения {await NumberAsync(ct)} сохранён.";
        return Redirect($"/office/moderation/{Id}");
    }

    /// <summary>
    /// Publishes an answer's photo on the portal («Было / Стало») once the moderator has checked it (faces, number plates),
    /// or takes it off. Checked as the page is: 404 unseen, 403 without the moderator's duty.
    /// </summary>
    public async Task<IActionResult> OnPostAnswerPhotoAsync(Guid photo, bool publish, [FromServices] Otklik.Infrastructure.ClusterSignals signals, CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refused) return refused;
        var file = await db.Attachments.SingleOrDefaultAsync(f => f.Id == photo && f.AppealId == Id
            && f.Purpose == AttachmentPurpose.Answer && f.Kind == AttachmentKind.Photo, ct);
        if (file is null) return NotFound();
        if (publish) file.Publish(user.RequiredId, clock.GetUtcNow().UtcDateTime); else file.Unpublish();
        await db.SaveChangesAsync(ct);
        // The public page of the appeal is cached: every node drops it (the save pipeline only sees the appeal's own changes).
        signals.Publish(Otklik.Infrastructure.ClusterSignals.PublicPage, Appeal.Number);
        TempData["Notice"] = publish
            ? $"Фотография «{file.FileName}» опубликована на портале рядом с фотографией заявителя («Было / Стало»)."
            : $"Фотография «{file.FileName}» снята с портала.";
        return Redirect($"/office/moderation/{Id}");
    }

    public async Task<IActionResult> OnPostUnmaskAsync(CancellationToken ct)
    {
        var outcome = await changes.TryRunAsync(Id, Version, [Duty.Moderate], ModerationApi.Unmasking(changes, Release), ct);
        if (!outcome.Succeeded) return await FailedAsync("unmask", outcome, ct);
        TempData["Notice"] = $"Скрытие персональных данных обращения {await NumberAsync(ct)} сохранено.";
        return Redirect($"/office/moderation/{Id}");
    }

    /// <summary>The topic search of the reclassification form (js/topic-search.js): the portal's search, with synonyms.
    /// Checked as the page is, without loading the page: a keystroke must stay cheap.</summary>
    public async Task<IActionResult> OnGetTopicsAsync(string? q, CancellationToken ct)
    {
        var appeal = await db.Appeals.AsNoTracking().SingleOrDefaultAsync(a => a.Id == Id, ct);
        if (appeal is null || !await AppealAccess.CanSeeAsync(user, appeal, ct)) return NotFound();
        if (!await user.HoldsAsync(Duty.Moderate, appeal, ct)) return StatusCode(StatusCodes.Status403Forbidden);
        return new JsonResult(await Search.TopicSearch.FindAsync(db, q, ct));
    }

    /// <summary>Without JavaScript, choosing a category reloads the form with that category's topics; what was typed stays.</summary>
    public async Task<IActionResult> OnPostTopicsAsync(CancellationToken ct)
    {
        ModelState.Clear();
        if (await LoadAsync(ct) is { } refused) return refused;
        if (FixTopicId is { } t && Topics.All(x => x.Id != t || x.CategoryId != FixCategoryId)) FixTopicId = null;
        return Page();
    }

    public async Task<IActionResult> OnPostAcceptAsync(CancellationToken ct)
    {
        var chosen = OrganisationId;
        var outcome = await changes.TryRunAsync(Id, Version, [Duty.Moderate], async (appeal, now) =>
        {
            // The proposal kept as it was is the automatic route, recorded with its own reason; anything else is the moderator's choice.
            var proposal = appeal.ExecutorOrganisationId is null ? await ModerationApi.ProposeAsync(db, changes.Routing, appeal, ct) : null;
            var organisation = chosen is not null && chosen == proposal?.OrganisationId ? null : chosen;
            if (chosen is null && appeal.ExecutorOrganisationId is null && proposal?.OrganisationId is null)
                throw new InputException("organisationId", "field.required", "Выберите организацию-исполнителя.", 422);
            await ModerationApi.Registering(changes, organisation, ct)(appeal, now);
        }, ct);
        if (!outcome.Succeeded) return await FailedAsync("accept", outcome, ct);
        var done = await db.Appeals.AsNoTracking().Where(a => a.Id == Id)
            .Select(a => new { a.Number, a.ExecutorOrganisationId, a.AnswerDueDate, a.AnswerDueAtUtc }).SingleAsync(ct);
        var org = await db.Organisations.Where(o => o.Id == done.ExecutorOrganisationId).Select(o => o.Name).SingleOrDefaultAsync(ct);
        var due = done.AnswerDueDate?.ToString("dd.MM.yyyy", System.Globalization.CultureInfo.InvariantCulture);
        return Done($"Обращение {done.Number} зарегистрировано. Исполнитель: {org}." + (due is null ? "" : $" Срок ответа: {due}."));
    }

    public async Task<IActionResult> OnPostRejectAsync(CancellationToken ct)
    {
        var outcome = await changes.TryRunAsync(Id, Version, Transition.Reject, ModerationApi.Rejecting(changes, Ground, Comment), ct);
        if (!outcome.Succeeded) return await FailedAsync("reject", outcome, ct);
        var number = await NumberAsync(ct);
        return Done($"Обращение {number} отклонено: {Grounds.All[Ground!.Value].Title}. Заявителю отправлено уведомление с причиной.");
    }

    public async Task<IActionResult> OnPostClarifyAsync(CancellationToken ct)
    {
        var outcome = await changes.TryRunAsync(Id, Version, Transition.AskClarification, ModerationApi.Asking(changes, Question), ct);
        if (!outcome.Succeeded) return await FailedAsync("clarify", outcome, ct);
        var email = await db.Appeals.Where(a => a.Id == Id).Select(a => a.Applicant.Email ?? db.Users.Where(u => u.Id == a.ApplicantUserId).Select(u => u.Email).FirstOrDefault())
            .SingleAsync(ct);
        return Done(email is null
            ? $"Вопрос по обращению {await NumberAsync(ct)} записан, но у заявителя нет электронной почты: передайте вопрос по телефону или почтой и отметьте это на странице обращения — до этого обращение не отклоняется за молчание."
            : $"Вопрос по обращению {await NumberAsync(ct)} записан и уходит заявителю письмом на {email}; обращение ждёт уточнения.");
    }

    public async Task<IActionResult> OnPostDeliveredAsync(CancellationToken ct)
    {
        var outcome = await changes.TryRunAsync(Id, Version, [Duty.Moderate], (appeal, now) =>
        {
            AppealsApi.CheckText("how", DeliveredHow, 500);
            appeal.RecordClarificationDelivered(DeliveredHow!, changes.User.RequiredId, now);
            return Task.CompletedTask;
        }, ct);
        if (!outcome.Succeeded) return await FailedAsync("delivered", outcome, ct);
        return Done($"Отмечено, что вопрос по обращению {await NumberAsync(ct)} передан заявителю.");
    }

    public async Task<IActionResult> OnPostFixAsync(CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (!Coordinates.TryParse(FixLatitude, out var lat)) errors["latitude"] = ["Широта — число, например 56.8389."];
        if (!Coordinates.TryParse(FixLongitude, out var lon)) errors["longitude"] = ["Долгота — число, например 60.6057."];
        if (FixCategoryId is null) errors["categoryId"] = ["Выберите категорию."];
        if (errors.Count > 0)
            return await FailedAsync("fix", new AppealChanges.Outcome(false, 422, errors.First().Value[0], errors), ct);

        var outcome = await changes.TryRunAsync(Id, Version, [Duty.Moderate], async (appeal, now) =>
        {
            // A new topic brings its own kind and legal regime, as it does when an appeal comes in.
            var topic = FixTopicId is { } t && t != appeal.TopicId ? await db.Topics.AsNoTracking().SingleOrDefaultAsync(x => x.Id == t, ct) : null;
            var request = new ModerationApi.ReclassifyRequest(Version, FixType, topic?.DefaultKind, topic?.DefaultRegime, FixCategoryId, FixTopicId,
                null, string.IsNullOrWhiteSpace(FixAddress) ? null : FixAddress.Trim(), lat, lon, null);
            await ModerationApi.Reclassifying(changes, locator, request, ct)(appeal, now);
        }, ct);
        if (!outcome.Succeeded) return await FailedAsync("fix", outcome, ct);
        TempData["Notice"] = "Классификация исправлена; предложенный исполнитель пересчитан.";
        return Redirect($"/office/moderation/{Id}");
    }

    public async Task<IActionResult> OnPostMergeAsync(CancellationToken ct)
    {
        var target = TargetAppealId;
        if (target is null && !string.IsNullOrWhiteSpace(TargetNumber))
        {
            var number = TargetNumber.Trim();
            target = await (await AppealAccess.VisibleAsync(db, user, ct)).Where(a => a.Number == number).Select(a => (Guid?)a.Id).SingleOrDefaultAsync(ct);
            if (target is null)
                return await FailedAsync("merge", new AppealChanges.Outcome(false, 422, "Обращение с таким номером не найдено.",
                    new Dictionary<string, string[]> { ["targetAppealId"] = ["Обращение с таким номером не найдено."] }), ct);
        }
        var outcome = await changes.TryRunAsync(Id, Version, Transition.MergeInto, ModerationApi.Merging(changes, target, ct), ct);
        if (!outcome.Succeeded) return await FailedAsync("merge", outcome, ct);
        var into = await db.Appeals.Where(a => a.Id == target).Select(a => a.Number).SingleAsync(ct);
        return Done($"Обращение {await NumberAsync(ct)} объединено с обращением {into}; заявителю сообщён номер.");
    }

    /// <summary>«Это тот же человек»: the offered appeal and this one are one applicant's (ADR 0052); audited on both.</summary>
    public async Task<IActionResult> OnPostSamePersonAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refused) return refused;
        var visible = await AppealAccess.VisibleAsync(db, user, ct);
        var other = TargetAppealId is { } t && t != Id ? await visible.Where(a => a.Id == t).Select(a => new { a.Id, a.Number }).SingleOrDefaultAsync(ct) : null;
        if (other is null)
            return await FailedAsync("sameperson", new AppealChanges.Outcome(false, 422, "Обращение не найдено среди доступных вам.",
                new Dictionary<string, string[]> { ["targetAppealId"] = ["Обращение не найдено среди доступных вам."] }), ct);
        var changed = await SamePerson.ConfirmAsync(db, Id, other.Id, user.Id, string.IsNullOrWhiteSpace(Why) ? null : Why.Trim(), clock.GetUtcNow().UtcDateTime, ct);
        await db.SaveChangesAsync(ct);
        if (changed)
        {
            audit.Record(HttpContext, user, Audit.AuditKind.SamePersonLinked, Id, $"same person as {other.Number}");
            audit.Record(HttpContext, user, Audit.AuditKind.SamePersonLinked, other.Id, $"same person as {Appeal.Number}");
        }
        TempData["Notice"] = changed ? $"Обращения {Appeal.Number} и {other.Number} отмечены как обращения одного заявителя."
            : $"Обращения {Appeal.Number} и {other.Number} уже отмечены как обращения одного заявителя.";
        return Redirect($"/office/moderation/{Id}");
    }

    /// <summary>«Не тот же человек»: the chosen appeal leaves this applicant's group (a mistaken confirmation); audited.</summary>
    public async Task<IActionResult> OnPostNotSamePersonAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refused) return refused;
        var target = SamePersonAppeals.FirstOrDefault(l => l.Id == TargetAppealId);
        if (target is null)
            return await FailedAsync("sameperson", new AppealChanges.Outcome(false, 422, "Это обращение не отмечено как обращение того же заявителя.",
                new Dictionary<string, string[]> { ["targetAppealId"] = ["Это обращение не отмечено как обращение того же заявителя."] }), ct);
        await SamePerson.UnlinkAsync(db, target.Id, ct);
        await db.SaveChangesAsync(ct);
        audit.Record(HttpContext, user, Audit.AuditKind.SamePersonUnlinked, target.Id, $"not the same person as {Appeal.Number}");
        TempData["Notice"] = $"Обращение {target.Number} больше не считается обращением того же заявителя.";
        return Redirect($"/office/moderation/{Id}");
    }

    IActionResult Done(string notice)
    {
        TempData["Notice"] = notice;
        return Redirect("/office/moderation");
    }

    Task<string> NumberAsync(CancellationToken ct) => db.Appeals.Where(a => a.Id == Id).Select(a => a.Number).SingleAsync(ct);

    async Task<IActionResult> FailedAsync(string form, AppealChanges.Outcome outcome, CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refused) return refused;
        if (outcome.Status is 403 or 404) return Refuse(outcome.Status, outcome.Message!);
        ModelState.Clear();
        FailedForm = form;
        Failure = outcome;
        // The form is shown again with what was typed, against the appeal as it is now (a stale version is refreshed).
        Version = Appeal.Version;
        Response.StatusCode = outcome.Status;
        return Page();
    }

    IActionResult Refuse(int status, string message)
    {
        Refusal = message;
        Response.StatusCode = status;
        return Page();
    }

    void FillFixFromAppeal()
    {
        FixType = Appeal.Type;
        FixCategoryId = Appeal.CategoryId;
        FixTopicId = Appeal.TopicId;
        FixAddress = Appeal.Address;
        FixLatitude = Coordinates.Format(Appeal.Latitude);
        FixLongitude = Coordinates.Format(Appeal.Longitude);
    }

    /// <summary>Loads everything the page shows; refuses as the API does: 404 when unseen, 403 without the moderator's duty.</summary>
    async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        NowUtc = clock.GetUtcNow().UtcDateTime;
        var appeal = await db.Appeals.AsNoTracking().Include(a => a.Parts).SingleOrDefaultAsync(a => a.Id == Id, ct);
        if (appeal is null || !await AppealAccess.CanSeeAsync(user, appeal, ct)) return Refuse(404, "Обращение не найдено.");
        if (!await user.HoldsAsync(Duty.Moderate, appeal, ct)) return Refuse(403, "Модерировать это обращение может только модератор его центра управления.");
        Appeal = appeal;

        Attachments = await db.Attachments.AsNoTracking().Where(a => a.AppealId == Id).OrderBy(a => a.UploadedAtUtc)
            .Select(a => new AttachmentsApi.AttachmentView(a.Id, a.FileName, a.ContentType, a.Kind, a.Size, a.Purpose)).ToListAsync(ct);
        AnswerPhotos = [.. (await db.Attachments.AsNoTracking()
                .Where(a => a.AppealId == Id && a.Purpose == AttachmentPurpose.Answer && a.Kind == AttachmentKind.Photo).OrderBy(a => a.UploadedAtUtc)
                .Select(a => new { a.Id, a.FileName, a.PublishedAtUtc }).ToListAsync(ct))
            .Select(a => (a.Id, a.FileName, a.PublishedAtUtc))];
        var events = await db.AppealEvents.AsNoTracking().Where(e => e.AppealId == Id).OrderBy(e => e.Sequence).ToListAsync(ct);
        var actorIds = events.Where(e => e.ActorId != null).Select(e => e.ActorId!.Value).Distinct().ToList();
        var actors = await db.Users.AsNoTracking().Where(u => actorIds.Contains(u.Id))
            .Select(u => new { u.Id, u.LastName, u.FirstName, u.MiddleName }).ToListAsync(ct);
        var names = actors.ToDictionary(a => a.Id, a => string.Join(' ', new[] { a.LastName, a.FirstName, a.MiddleName }.Where(s => !string.IsNullOrWhiteSpace(s))));
        History = [.. events.Select(e => new HistoryLine(e.AtUtc, e.Kind, e.ToStatus, e.ActorId is { } a ? names.GetValueOrDefault(a) : null, e.Note))];

        Organisations = await ModerationScreens.ConnectedOrganisationsAsync(db, ct);
        OrganisationNames = await db.Organisations.AsNoTracking().ToDictionaryAsync(o => o.Id, o => o.Name, ct);
        Categories = await ModerationScreens.CategoriesAsync(db, ct);
        Topics = await ModerationScreens.TopicsAsync(db, ct);
        TerritoryName = appeal.TerritoryId is { } tid ? await db.Territories.Where(t => t.Id == tid).Select(t => t.Name).SingleOrDefaultAsync(ct) : null;
        Proposal = await ModerationApi.ProposeAsync(db, changes.Routing, appeal, ct);
        Duplicates = await ModerationScreens.DuplicatesAsync(db, (await AppealAccess.VisibleAsync(db, user, ct)).AsNoTracking(), appeal, NowUtc, ct);
        SamePersonAppeals = await SamePerson.ListAsync(db, (await AppealAccess.VisibleAsync(db, user, ct)).AsNoTracking(), appeal.Id, ct);
        Zone = await ModerationScreens.ZoneOfAsync(db, appeal.OwnerOrganisationId, ct);
        if (appeal.Status == AppealStatus.Clarification)
        {
            var delivered = await ClarificationSweep.DeliveredAtAsync(db, appeal, ct);
            QuestionDelivered = delivered is not null;
            QuestionDelivery = delivered is { } at ? $"Вопрос дошёл до заявителя {ModerationScreens.Local(at, Zone)}."
                : "Вопрос ещё не дошёл до заявителя (письмо не отправлено или у заявителя нет электронной почты): пока он не передан, обращение не отклоняется за молчание.";
        }
        return null;
    }

    public string TopicName(Guid? id) => id is { } t ? Topics.FirstOrDefault(x => x.Id == t)?.Name ?? "" : "—";
    public string CategoryName(Guid id) => Categories.FirstOrDefault(c => c.Id == id)?.Name ?? "";
}
