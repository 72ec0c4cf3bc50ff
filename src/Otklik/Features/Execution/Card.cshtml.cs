using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Attachments;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Execution;

/// <summary>
/// The appeal card: everything about one appeal and the actions the person's duties allow. The forms shown are a
/// courtesy; every post runs through <see cref="AppealChanges"/>, which checks visibility, duty, version and the rules.
/// </summary>
[Authorize]
// The answer form carries up to ten files of up to 20 MB; the server's default for other requests is 1 MB.
[RequestSizeLimit(10 * ContentSniffer.MaxDocumentBytes + 1024 * 1024)]
[RequestFormLimits(MultipartBodyLengthLimit = 10 * ContentSniffer.MaxDocumentBytes + 1024 * 1024)]
public sealed class CardModel(AppDbContext db, CurrentUser user, AppealChanges changes, TimeProvider clock, IFileStore fileStore,
    Audit.AuditTrail audit) : PageModel
{
    [FromRoute] public Guid Id { get; set; }
    [BindProperty(SupportsGet = true)] public string? Done { get; set; }
    /// <summary>The lead asks for the answer form to start from the co-executors' parts.</summary>
    [BindProperty(SupportsGet = true)] public bool Compose { get; set; }
    /// <summary>An answer template to insert into the answer draft (a GET, so it works without JavaScript).</summary>
    [BindProperty(SupportsGet = true)] public Guid? Template { get; set; }
    public Knowledge.CardKnowledge Knowledge { get; private set; } = Otklik.Features.Knowledge.CardKnowledge.None;

    public Appeal? Appeal { get; private set; }
    public DateTime NowUtc { get; private set; }
    public LocalTimes Times { get; private set; } = new(new Dictionary<Guid, string>());
    public Dictionary<Guid, Organisation> Organisations { get; private set; } = [];
    public string? AssigneeName { get; private set; }
    public string? CategoryName { get; private set; }
    public string? TopicName { get; private set; }
    public string? PartnerSiteName { get; private set; }
    public string? TerritoryName { get; private set; }
    /// <summary>The applicant's files.</summary>
    public IReadOnlyList<AttachmentsApi.AttachmentView> Attachments { get; private set; } = [];
    public IReadOnlyList<AttachmentsApi.AttachmentView> AnswerFiles { get; private set; } = [];
    public IReadOnlyList<EventView> History { get; private set; } = [];

    // ---- What the person may do here: the lifecycle table and the person's duties (AppealLifecycle) ----
    public IReadOnlySet<Transition> Offered { get; private set; } = new HashSet<Transition>();
    public bool May(Transition t) => Offered.Contains(t);
    /// <summary>The moderator may change what the portal hides (on the moderation page); allowed at any stage.</summary>
    public bool Moderates { get; private set; }
    public IReadOnlyList<AppealPart> PartsToComplete { get; private set; } = [];
    /// <summary>The executor's pending request, shown to the head with who asked and when.</summary>
    public EventView? ExtensionRequest { get; private set; }

    /// <summary>The transitions that have a form on this card (the others live on the moderation, roadmap and applicant pages).</summary>
    static readonly Transition[] OnCard =
    [
        Transition.StartWork, Transition.RecordStep, Transition.DraftAnswer, Transition.PauseForApplicant, Transition.ResumeClock,
        Transition.Redirect, Transition.AddCoExecutor, Transition.Extend, Transition.RequestExtension, Transition.DeclineExtension,
        Transition.ApproveAnswer, Transition.ReturnForRework, Transition.LeaveWithoutAnswer, Transition.ReturnToApplicant,
        Transition.StopCorrespondence, Transition.ChangeKind,
    ];

    public bool HasActions => OnCard.Any(May) || PartsToComplete.Count > 0 || Knowledge.MayConsult;

    // ---- The posted form: its fields come back filled in when it fails ----
    [BindProperty] public int? Version { get; set; }
    [BindProperty] public string? StepNote { get; set; }
    [BindProperty] public string? PauseRequest { get; set; }
    [BindProperty] public string? ResumeNote { get; set; }
    [BindProperty] public Guid? RedirectOrganisationId { get; set; }
    [BindProperty] public string? RedirectReason { get; set; }
    [BindProperty] public Guid? CoOrganisationId { get; set; }
    [BindProperty] public string? CoTask { get; set; }
    [BindProperty] public Guid PartId { get; set; }
    [BindProperty] public string? PartResult { get; set; }
    [BindProperty] public string? AnswerText { get; set; }
    [BindProperty] public FederalResult? AnswerResult { get; set; }
    [BindProperty] public List<IFormFile> Files { get; set; } = [];
    /// <summary>The hints the person was shown with this text (their codes): sending goes ahead when no new one appears.</summary>
    [BindProperty] public string? HintsSeen { get; set; }
    /// <summary>The automatic hints on the answer in the form (<see cref="AnswerHints"/>).</summary>
    public IReadOnlyList<AnswerHint> Hints { get; private set; } = [];
    [BindProperty] public int? ExtendDays { get; set; }
    [BindProperty] public string? ExtendReason { get; set; }
    [BindProperty] public int? RequestDays { get; set; }
    [BindProperty] public string? RequestReason { get; set; }
    [BindProperty] public string? DeclineReason { get; set; }
    [BindProperty] public ReworkReason[]? ReworkReasons { get; set; }
    [BindProperty] public string? ReworkComment { get; set; }
    [BindProperty] public Ground? LeaveGround { get; set; }
    [BindProperty] public string? LeaveComment { get; set; }
    [BindProperty] public string? ReturnComment { get; set; }
    [BindProperty] public string? StopComment { get; set; }
    [BindProperty] public AppealKind? NewKind { get; set; }
    [BindProperty] public string? KindReason { get; set; }

    /// <summary>Which form was posted and failed, and why.</summary>
    public string? Posted { get; private set; }
    public AppealChanges.Outcome? Failure { get; private set; }

    public string? ErrorFor(string form, string field) => Posted == form ? Failure?.ErrorFor(field) : null;

    public static readonly FederalResult[] AnswerResults =
        [FederalResult.Explained, FederalResult.Supported, FederalResult.SupportedMeasuresTaken, FederalResult.NotSupported, FederalResult.AnswerGiven];

    public static IEnumerable<GroundInfo> LeaveGrounds => Grounds.All.Values.Where(g => g.Outcomes.Contains(AppealOutcome.LeaveWithoutAnswer));

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await ShowAsync(ct)) return NotFoundPage();
        if (await user.IsStaffAsync(ct)) audit.Record(HttpContext, user, Audit.AuditKind.AppealRead, Id, "office card");
        return Page();
    }

    /// <summary>The sent answer as a printable letter (PDF) for the post: an applicant without e-mail gets it this way.</summary>
    public async Task<IActionResult> OnGetLetterAsync(CancellationToken ct)
    {
        if (!await AppealAccess.CanSeeAsync(db, user, Id, ct)) return NotFoundPage();
        var status = await db.Appeals.Where(x => x.Id == Id).Select(x => x.Status).SingleAsync(ct);
        if (!AppealViews.AnswerIsPublicToApplicant(status) || await Mail.AnswerLetterPdf.LoadAsync(db, Id, ct) is not { } content)
            return Refusal(StatusCodes.Status409Conflict, "Письмо печатается, когда ответ направлен заявителю.");
        try
        {
            return File(Mail.AnswerLetterPdf.Render(content), "application/pdf", $"Ответ {content.AppealNumber}.pdf");
        }
        catch (Mail.DejaVuFonts.MissingException e)
        {
            return Refusal(StatusCodes.Status503ServiceUnavailable, e.Message);
        }
    }

    static ContentResult Refusal(int status, string message) => new() { StatusCode = status, Content = message, ContentType = "text/plain; charset=utf-8" };

    public Task<IActionResult> OnPostStartAsync(CancellationToken ct) => RunAsync("start", ExecutionActions.Start(changes, ct), ct);
    public Task<IActionResult> OnPostStepAsync(CancellationToken ct) => RunAsync("step", ExecutionActions.Step(changes, StepNote, ct), ct);
    public Task<IActionResult> OnPostPauseAsync(CancellationToken ct) => RunAsync("pause", ExecutionActions.Pause(changes, PauseRequest, ct), ct);
    public Task<IActionResult> OnPostResumeAsync(CancellationToken ct) => RunAsync("resume", ExecutionActions.Resume(changes, ResumeNote, ct), ct);
    public Task<IActionResult> OnPostRedirectAsync(CancellationToken ct) =>
        RunAsync("redirect", ExecutionActions.Redirect(changes, RedirectOrganisationId, RedirectReason, ct), ct);
    public Task<IActionResult> OnPostCoExecutorAsync(CancellationToken ct) =>
        RunAsync("co-executor", ExecutionActions.AddCoExecutor(changes, CoOrganisationId, CoTask, ct), ct);
    public Task<IActionResult> OnPostCompletePartAsync(CancellationToken ct) =>
        RunAsync($"part-{PartId}", ExecutionActions.CompletePart(changes, PartId, PartResult, ct), ct);
    public Task<IActionResult> OnPostAnswerAsync(CancellationToken ct) => AnswerAsync(send: false, ct);
    /// <summary>Writes the answer and sends it on (to the controller, or to the applicant) in one step.</summary>
    public Task<IActionResult> OnPostSubmitAnswerAsync(CancellationToken ct) => AnswerAsync(send: true, ct);

    /// <summary>The answer with its files: every file is checked before any is stored, so a bad one leaves nothing behind.</summary>
    async Task<IActionResult> AnswerAsync(bool send, CancellationToken ct)
    {
        var files = new List<AttachmentsApi.CheckedFile>();
        try
        {
            // A browser sends an empty part when no file was chosen.
            foreach (var file in Files.Where(f => f.Length > 0 || f.FileName.Length > 0))
                files.Add(await AttachmentsApi.CheckFileAsync(file, "files", ct));
        }
        catch (InputException e)
        {
            return await FailedAsync("answer", new(false, e.Status, e.Message, e.Errors), ct);
        }
        var action = ExecutionActions.DraftAnswer(changes, AnswerText, AnswerResult, null, ct).Then(ExecutionActions.AttachAnswerFiles(changes, files, fileStore, ct));
        // A hint the person has not seen yet stops the sending once: the draft is kept and the card shows the hints;
        // pressing «Отправить ответ» again sends it as it is. A placeholder left is still refused by the appeal itself.
        if (send && await NewHintsAsync(ct))
            return await RunAsync("answer", action, ct, done: "hints");
        return send
            ? await RunAsync("answer", action.Then(ExecutionActions.SubmitAnswer(changes, ct)), ct, done: "submitted")
            : await RunAsync("answer", action, ct);
    }
    public Task<IActionResult> OnPostExtendAsync(CancellationToken ct) =>
        RunAsync("extend", ExecutionActions.Extend(changes, ExtendDays, ExtendReason, ct), ct);
    public Task<IActionResult> OnPostRequestExtensionAsync(CancellationToken ct) =>
        RunAsync("extension-request", ExecutionActions.RequestExtension(changes, RequestDays, RequestReason, ct), ct);
    public Task<IActionResult> OnPostDeclineExtensionAsync(CancellationToken ct) =>
        RunAsync("extension-decline", ExecutionActions.DeclineExtension(changes, DeclineReason, ct), ct);
    public Task<IActionResult> OnPostApproveAsync(CancellationToken ct) => RunAsync("approve", ExecutionActions.ApproveAnswer(changes, ct), ct);
    public Task<IActionResult> OnPostReworkAsync(CancellationToken ct) =>
        RunAsync("rework", ExecutionActions.ReturnAnswer(changes, ReworkReasons, ReworkComment, ct), ct);
    public Task<IActionResult> OnPostLeaveAsync(CancellationToken ct) =>
        RunAsync("leave", ExecutionActions.LeaveWithoutAnswer(changes, LeaveGround, LeaveComment, ct), ct);
    public Task<IActionResult> OnPostReturnAsync(CancellationToken ct) =>
        RunAsync("return", ExecutionActions.ReturnToApplicant(changes, ReturnComment, ct), ct);
    public Task<IActionResult> OnPostStopAsync(CancellationToken ct) =>
        RunAsync("stop", ExecutionActions.StopCorrespondence(changes, StopComment, ct), ct);
    public Task<IActionResult> OnPostKindAsync(CancellationToken ct) =>
        RunAsync("kind", ExecutionActions.ChangeKind(changes, NewKind, KindReason, ct), ct);

    public static string DoneMessage(string? done) => done switch
    {
        "start" => "Обращение взято в работу.",
        "step" => "Шаг записан в историю.",
        "pause" => "Срок приостановлен, заявителю направлен запрос.",
        "resume" => "Срок возобновлён.",
        "redirect" => "Обращение направлено по компетенции.",
        "co-executor" => "Часть обращения передана соисполнителю.",
        "part" => "Часть соисполнителя выполнена.",
        "answer" => "Черновик ответа сохранён.",
        "consulted" => "Ответ по базе знаний отправлен, обращение закрыто.",
        "submitted" => "Ответ отправлен.",
        "hints" => "Ответ не отправлен: проверьте замечания к нему. Черновик сохранён; чтобы отправить как есть, нажмите «Отправить ответ» ещё раз.",
        "extend" => "Срок продлён.",
        "extension-request" => "Запрос на продление срока направлен руководителю.",
        "extension-decline" => "В продлении срока отказано.",
        "approve" => "Ответ утверждён и направлен заявителю.",
        "rework" => "Ответ возвращён исполнителю на доработку.",
        "leave" => "Обращение оставлено без ответа.",
        "return" => "Обращение возвращено заявителю.",
        "stop" => "Переписка прекращена.",
        "roadmap" => "Дорожная карта обновлена.",
        "kind" => "Вид обращения изменён, сроки пересчитаны.",
        _ => "Готово.",
    };

    /// <summary>
    /// What the last action did, as it really happened: a submitted answer went either to the controller for approval or
    /// straight to the applicant (the organisation needs no approval), and the person must know which.
    /// </summary>
    public string? DoneText => Done switch
    {
        null => null,
        "submitted" when Appeal?.Status == AppealStatus.AnswerReview =>
            "Ответ отправлен на утверждение руководителю. Заявитель получит его после утверждения.",
        "submitted" => "Ответ отправлен заявителю.",
        _ => DoneMessage(Done),
    };

    /// <summary>
    /// The card shows the appeal and the one or two forms the person most likely needs now; every other allowed action is
    /// one click away (a closed <c>details</c>). In order of what usually comes next.
    /// </summary>
    static readonly Transition[] NextLikely =
    [
        Transition.StartWork, Transition.ApproveAnswer, Transition.DeclineExtension, Transition.ResumeClock, Transition.DraftAnswer,
    ];

    /// <summary>The forms shown open: the next likely action (approval comes with its alternative, the return for rework).</summary>
    public IReadOnlySet<Transition> Open
    {
        get
        {
            var first = NextLikely.FirstOrDefault(May, (Transition)(-1));
            if ((int)first < 0) return new HashSet<Transition>();
            return first switch
            {
                Transition.ApproveAnswer => new HashSet<Transition> { Transition.ApproveAnswer, Transition.ReturnForRework },
                Transition.DeclineExtension => new HashSet<Transition> { Transition.DeclineExtension, Transition.Extend },
                _ => new HashSet<Transition> { first },
            };
        }
    }

    /// <summary>A posted form that failed stays open with its errors.</summary>
    public bool IsOpen(Transition t, string form) =>
        Open.Contains(t) || Posted == form || (t == Transition.DraftAnswer && (Compose || Template is not null));

    /// <summary>59-ФЗ ст. 12 ч. 2: the answer term is extended once; the card says so instead of offering a form that would be refused.</summary>
    public bool ExtensionUsedUp => Appeal is { Regime: LegalRegime.Obrashchenie59, ExtensionCount: > 0 } a && AppealLifecycle.Working.Contains(a.Status);

    async Task<IActionResult> RunAsync(string form, AppealAction action, CancellationToken ct, string? done = null)
    {
        var outcome = await changes.TryRunAsync(Id, Version, action, ct);
        if (outcome.Succeeded)
            return Redirect($"/office/appeals/{Id}?done={done ?? (form.StartsWith("part-", StringComparison.Ordinal) ? "part" : form)}");
        return await FailedAsync(form, outcome, ct);
    }

    async Task<IActionResult> FailedAsync(string form, AppealChanges.Outcome outcome, CancellationToken ct)
    {
        if (outcome.Status == StatusCodes.Status404NotFound || !await ShowAsync(ct)) return NotFoundPage();
        Posted = form;
        Failure = outcome;
        Done = null;
        Response.StatusCode = outcome.Status;
        return Page();
    }

    IActionResult NotFoundPage()
    {
        Appeal = null;
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    /// <summary>Loads the card; false when the person cannot see the appeal (the same rule as the API: 404, not 403).</summary>
    async Task<bool> ShowAsync(CancellationToken ct)
    {
        NowUtc = clock.GetUtcNow().UtcDateTime;
        if (!await AppealAccess.CanSeeAsync(db, user, Id, ct)) return false;
        var a = await db.Appeals.AsNoTracking().Include(x => x.Parts).SingleAsync(x => x.Id == Id, ct);
        Appeal = a;
        Times = await LocalTimes.LoadAsync(db, ct);
        Organisations = await db.Organisations.AsNoTracking().ToDictionaryAsync(o => o.Id, ct);
        AssigneeName = a.AssigneeId is { } who ? (await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == who, ct))?.FullName : null;
        CategoryName = await db.Categories.Where(c => c.Id == a.CategoryId).Select(c => c.Name).SingleOrDefaultAsync(ct);
        TopicName = a.TopicId is { } t ? await db.Topics.Where(x => x.Id == t).Select(x => x.Name).SingleOrDefaultAsync(ct) : null;
        // The partner site's form the appeal came in through (issue 19, item 4), for its owner organisation and the rest of the office.
        PartnerSiteName = await db.PartnerSiteAppeals.Where(x => x.AppealId == a.Id).Join(db.PartnerSites, x => x.SiteId, s => s.Id, (x, s) => s.Name).SingleOrDefaultAsync(ct);
        TerritoryName = a.TerritoryId is { } te ? await db.Territories.Where(x => x.Id == te).Select(x => x.Name).SingleOrDefaultAsync(ct) : null;
        var files = await db.Attachments.AsNoTracking().Where(x => x.AppealId == Id).OrderBy(x => x.UploadedAtUtc)
            .Select(x => new AttachmentsApi.AttachmentView(x.Id, x.FileName, x.ContentType, x.Kind, x.Size, x.Purpose)).ToListAsync(ct);
        Attachments = [.. files.Where(f => f.Purpose == AttachmentPurpose.Appeal)];
        AnswerFiles = [.. files.Where(f => f.Purpose == AttachmentPurpose.Answer)];
        History = await db.AppealEvents.AsNoTracking().Where(e => e.AppealId == Id).OrderBy(e => e.Sequence)
            .Select(e => new EventView(e.Id, e.Sequence, e.Kind, e.AtUtc, e.ActorId,
                db.Users.Where(u => u.Id == e.ActorId).Select(u => u.LastName + " " + u.FirstName).FirstOrDefault(),
                e.FromStatus, e.ToStatus, e.Note, e.Data))
            .ToListAsync(ct);

        Offered = await user.OfferedAsync(a, NowUtc, ct);
        Moderates = await user.HoldsAsync(Duty.Moderate, a, ct);
        var parts = new List<AppealPart>();
        if (a.Allows(Transition.CompletePart))
            foreach (var part in a.Parts.Where(p => p.Status == PartStatus.Open))
                if (await ExecutionActions.MayCompletePartAsync(user, a, part.Id, ct)) parts.Add(part);
        PartsToComplete = parts;
        ExtensionRequest = a.ExtensionRequestedDays is null ? null : History.LastOrDefault(e => e.Kind == EventKind.ExtensionRequested);

        Knowledge = await Otklik.Features.Knowledge.CardKnowledge.LoadAsync(db, user, a, May(Transition.DraftAnswer), Template, clock, ct) with { Compose = Compose && May(Transition.DraftAnswer) };
        // An empty answer form starts from the draft already written, then the parts being composed, then the template
        // asked for: each adds to what is there, none replaces it.
        if (Posted is null && Request.Method == HttpMethods.Get)
        {
            var draft = a.AnswerText;
            if (Compose && May(Transition.DraftAnswer) && ComposedParts(a) is { Length: > 0 } composed)
                draft = string.IsNullOrWhiteSpace(draft) ? composed : $"{draft}\n\n{composed}";
            AnswerText = Otklik.Features.Knowledge.CardKnowledge.Insert(draft, Knowledge.Inserted);
            AnswerResult = a.AnswerResult;
            // The head grants what was asked unless they change it.
            ExtendDays = a.ExtensionRequestedDays;
            ExtendReason = a.ExtensionRequestReason;
        }
        if (May(Transition.DraftAnswer)) Hints = await HintsAsync(a, AnswerText, ct);
        return true;
    }

    async Task<IReadOnlyList<AnswerHint>> HintsAsync(Appeal a, string? text, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        var org = a.ExecutorOrganisationId ?? a.OwnerOrganisationId;
        var since = clock.GetUtcNow().UtcDateTime.AddDays(-90);
        var lengths = await db.Appeals.AsNoTracking()
            .Where(x => x.ExecutorOrganisationId == org && x.AnsweredAtUtc >= since && x.AnswerText != null && x.Id != a.Id)
            .Select(x => x.AnswerText!.Length).ToListAsync(ct);
        return AnswerHints.For(text, a.Text, AnswerResult, AnswerHints.Usual(lengths));
    }

    /// <summary>Whether the posted answer draws a hint that was not on the card the person sent it from.</summary>
    async Task<bool> NewHintsAsync(CancellationToken ct)
    {
        if (await db.Appeals.AsNoTracking().SingleOrDefaultAsync(x => x.Id == Id, ct) is not { } a) return false;
        var seen = (HintsSeen ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (await HintsAsync(a, AnswerText, ct)).Any(h => !h.Blocking && !seen.Contains(h.Code));
    }

    /// <summary>The parts done so far, one paragraph each, for the lead to edit into one answer.</summary>
    public string ComposedParts(Appeal a) =>
        string.Join("\n\n", a.Parts.Where(p => p.Status == PartStatus.Done).OrderBy(p => p.Stage).ThenBy(p => p.CompletedAtUtc)
            .Select(p => $"{OrganisationName(p.OrganisationId)}: {p.Result}"));

    public string OrganisationName(Guid? id) => id is { } o && Organisations.TryGetValue(o, out var org) ? org.ShortName : "—";
}
