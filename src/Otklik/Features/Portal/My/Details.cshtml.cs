using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Attachments;
using Otklik.Features.Deadlines;
using Otklik.Features.Execution;
using Otklik.Features.Intake;
using Otklik.Features.Moderation;
using Otklik.Infrastructure;

namespace Otklik.Features.Portal.My;

/// <summary>
/// One of the applicant's appeals: its public route, the due date, the answer once sent, and what the applicant can do
/// now — answer a clarification request or the executor's request for details, rate the answer. Only the applicant who
/// submitted it sees it here (anyone else gets 404); every action runs through <see cref="AppealChanges"/> like the API.
/// </summary>
[Authorize]
public sealed class DetailsModel(AppDbContext db, CurrentUser user, AppealChanges changes, TimeProvider clock, DeadlineClocks clocks) : PageModel
{
    [FromRoute] public string Number { get; set; } = "";
    [BindProperty(SupportsGet = true)] public bool Sent { get; set; }
    [BindProperty(SupportsGet = true)] public string? Done { get; set; }

    [BindProperty] public int? Version { get; set; }
    [BindProperty] public string? Clarification { get; set; }
    [BindProperty] public string? Reply { get; set; }
    [BindProperty] public int? Score { get; set; }
    [BindProperty] public string? Comment { get; set; }

    public Appeal Appeal { get; private set; } = null!;
    public DateTime NowUtc { get; private set; }
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;
    public string? CategoryName { get; private set; }
    public string? TopicName { get; private set; }
    public string? TerritoryName { get; private set; }
    public string? ExecutorName { get; private set; }
    public string? DueDate { get; private set; }
    public string? PauseRequest { get; private set; }
    public IReadOnlyList<AttachmentsApi.AttachmentView> Photos { get; private set; } = [];
    public IReadOnlyList<AttachmentsApi.AttachmentView> AnswerFiles { get; private set; } = [];
    /// <summary>The answer's photos a moderator published for the portal («Стало»): the applicant sees the same pair as the public.</summary>
    public IReadOnlyList<Guid> AfterPhotos { get; private set; } = [];
    public IReadOnlyList<PublicRoute.Step> Steps { get; private set; } = [];
    /// <summary>Every answer sent, newest first: a reopened appeal keeps the earlier answer and its rating in view.</summary>
    public IReadOnlyList<AnswerHistory.Entry> Answers { get; private set; } = [];
    /// <summary>The agreed steps of a complaint's roadmap (empty for other appeals).</summary>
    public IReadOnlyList<Roadmaps.PublicStepView> RoadmapSteps { get; private set; } = [];
    /// <summary>What the applicant was told about this appeal, and whether the letter went.</summary>
    public IReadOnlyList<ToldView> Told { get; private set; } = [];
    public sealed record ToldView(DateTime AtUtc, string Title, string How);
    public AppealChanges.Outcome? Failed { get; private set; }
    public string? FailedForm { get; private set; }

    public bool AnswerShown => AppealViews.AnswerIsPublicToApplicant(Appeal.Status);
    public bool CanRate => Appeal.Allows(Transition.Rate);
    public bool CanClarify => Appeal.Allows(Transition.GiveClarification);
    public bool CanReply => Appeal.Allows(Transition.ResumeClock);
    public DateTime? RateByUtc => CanRate && Appeal.AnsweredAtUtc is { } at ? at.AddDays(PublicRoute.RatingDays) : null;

    public string Local(DateTime utc) => ModerationScreens.Local(utc, Zone);
    public string? ErrorFor(string form, string field) => FailedForm == form ? Failed?.ErrorFor(field) : null;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ? Page() : NotFound();

    public Task<IActionResult> OnPostClarifyAsync(CancellationToken ct) =>
        ActAsync("clarify", (id, v) => changes.TryRunAsync(id, v, Transition.GiveClarification, ModerationApi.GivingClarification(changes, Clarification), ct), "clarified", ct);

    public Task<IActionResult> OnPostReplyAsync(CancellationToken ct) =>
        ActAsync("reply", (id, v) => changes.TryRunAsync(id, v, ExecutionActions.Resume(changes, string.IsNullOrWhiteSpace(Reply) ? null : Reply, ct), ct),
            "replied", ct);

    public Task<IActionResult> OnPostRateAsync(CancellationToken ct) =>
        ActAsync("rate", (id, v) => changes.TryRunAsync(id, v, Transition.Rate, AppealsApi.Rating(changes, Score, string.IsNullOrWhiteSpace(Comment) ? null : Comment), ct),
            null, ct);

    async Task<IActionResult> ActAsync(string form, Func<Guid, int?, Task<AppealChanges.Outcome>> run, string? done, CancellationToken ct)
    {
        ModelState.Clear();
        var seen = Version;
        if (!await LoadAsync(ct)) return NotFound();
        if (form == "reply" && string.IsNullOrWhiteSpace(Reply))
            return Refused(form, new(false, 422, "Напишите ответ на запрос исполнителя.", new Dictionary<string, string[]> { ["note"] = ["Поле обязательно для заполнения."] }));
        var outcome = await run(Appeal.Id, seen);
        if (!outcome.Succeeded) { await LoadAsync(ct); return Refused(form, outcome); }
        done ??= Score <= Appeal.LowRating ? "reopened" : "closed";
        return Redirect($"/my/{Appeal.Number}?done={done}");
    }

    IActionResult Refused(string form, AppealChanges.Outcome outcome)
    {
        if (outcome.Status == 404) return NotFound();
        Failed = outcome;
        FailedForm = form;
        Response.StatusCode = outcome.Status;
        return Page();
    }

    async Task<List<ToldView>> ToldAsync(Appeal appeal, CancellationToken ct)
    {
        var types = Mail.MessageTypes.ToApplicant;
        var rows = await db.Outbox.AsNoTracking().Where(m => m.AppealId == appeal.Id && types.Contains(m.Type))
            .OrderBy(m => m.CreatedAtUtc).Select(m => new { m.Type, m.CreatedAtUtc, m.ProcessedAtUtc, m.LastError }).ToListAsync(ct);
        var to = appeal.Applicant.Email;
        return [.. rows.Select(m => new ToldView(m.ProcessedAtUtc ?? m.CreatedAtUtc, Mail.MessageTypes.Find(m.Type)!.Title,
            m.ProcessedAtUtc is null ? "письмо отправляется"
            : m.LastError is null ? (to is null ? "письмо отправлено по электронной почте" : $"письмо отправлено на {to}")
            : $"письмо не отправлено ({m.LastError.TrimEnd('.')}), сообщение показано здесь"))];
    }

    async Task<bool> LoadAsync(CancellationToken ct)
    {
        var me = user.RequiredId;
        // The applicant's own only: a member of staff who sees the appeal at the office sees it there, not here.
        var appeal = await db.Appeals.AsNoTracking().Include(a => a.History)
            .SingleOrDefaultAsync(a => a.Number == Number && a.ApplicantUserId == me, ct);
        if (appeal is null) return false;
        Appeal = appeal;
        NowUtc = clock.GetUtcNow().UtcDateTime;
        Zone = await ModerationScreens.ZoneOfAsync(db, appeal.OwnerOrganisationId, ct);
        CategoryName = await db.Categories.Where(c => c.Id == appeal.CategoryId).Select(c => c.Name).FirstOrDefaultAsync(ct);
        TopicName = await db.Topics.Where(t => t.Id == appeal.TopicId).Select(t => t.Name).FirstOrDefaultAsync(ct);
        TerritoryName = await db.Territories.Where(t => t.Id == appeal.TerritoryId).Select(t => t.Name).FirstOrDefaultAsync(ct);
        var names = await db.Organisations.AsNoTracking().ToDictionaryAsync(o => o.Id, o => o.Name, ct);
        ExecutorName = appeal.ExecutorOrganisationId is { } ex ? names.GetValueOrDefault(ex) : null;
        var files = await db.Attachments.AsNoTracking().Where(a => a.AppealId == appeal.Id).OrderBy(a => a.UploadedAtUtc)
            .Select(a => new AttachmentsApi.AttachmentView(a.Id, a.FileName, a.ContentType, a.Kind, a.Size, a.Purpose)).ToListAsync(ct);
        Photos = [.. files.Where(f => f.Purpose == AttachmentPurpose.Appeal)];
        // The answer's files travel with the answer: a draft's files are not the applicant's to see.
        AnswerFiles = AnswerShown ? [.. files.Where(f => f.Purpose == AttachmentPurpose.Answer)] : [];
        AfterPhotos = AnswerShown
            ? await db.Attachments.AsNoTracking()
                .Where(f => f.AppealId == appeal.Id && f.Kind == AttachmentKind.Photo && f.Purpose == AttachmentPurpose.Answer && f.PublishedAtUtc != null)
                .OrderBy(f => f.UploadedAtUtc).Select(f => f.Id).ToListAsync(ct)
            : [];
        Steps = PublicRoute.Steps(appeal.History, id => names.GetValueOrDefault(id));
        Answers = AnswerHistory.Of(appeal, appeal.History);
        RoadmapSteps = await Roadmaps.RoadmapViews.PublicAsync(db, appeal.Id, NowUtc, ct);
        PauseRequest = appeal.PausedAtUtc is null ? null
            : appeal.History.Where(e => e.Kind == EventKind.ClockPaused).OrderBy(e => e.Sequence).LastOrDefault()?.Note;
        DueDate = DeadlineStates.Finished.Contains(appeal.Status) ? null : await LatestAnswer.FormatAsync(db, clocks, appeal, Zone, ct);
        Told = await ToldAsync(appeal, ct);
        Version = appeal.Version;
        return true;
    }
}
