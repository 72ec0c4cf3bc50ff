using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Attachments;
using Otklik.Infrastructure;

namespace Otklik.Features.Appeals;

public sealed record AppealView(
    Guid Id, string Number, int Version, AppealStatus Status, string StatusTitle, FederalResult FederalResult, string FederalResultTitle,
    AppealType Type, AppealKind Kind, LegalRegime Regime, Channel Channel, string? ChannelMessageId,
    ApplicantInfo? Applicant, Guid CategoryId, Guid? TopicId, Guid? TerritoryId, string? Address, double? Latitude, double? Longitude,
    string Text, bool IsPublic, bool PublicationConsent,
    Guid OwnerOrganisationId, Guid? ExecutorOrganisationId, Guid? AssigneeId,
    DateTime ReceivedAtUtc, DateTime? RegisteredAtUtc, DateTime ModerationDueAtUtc, string? ClarificationQuestion, DateTime? ClarificationDueAtUtc,
    DateTime DueAtUtc, bool IsOverdue, int ExtensionCount, int? ExtensionRequestedDays, string? ExtensionRequestReason, int ReconsiderationCount,
    AppealPriority Priority, DateTime? AnswerDueAtUtc, DateOnly? AnswerDueDate, DateOnly? AnswerControlDate, string? AnswerPolicy,
    DateTime? AtRiskFromUtc, WatchLevel WatchLevel, DateTime? PausedAtUtc,
    string? AnswerText, FederalResult? AnswerResult, DateTime? AnsweredAtUtc, int? Rating, string? RatingComment,
    DateTime? ClosedAtUtc, Ground? OutcomeGround, Guid? MergedIntoId,
    IReadOnlyList<PartView> Parts, IReadOnlyList<AttachmentsApi.AttachmentView> Attachments,
    Guid? RespondentOrganisationId = null, Routing.RouteKind? RouteKind = null, IReadOnlyList<string>? Tags = null, string? AnswerPolicyOverride = null,
    IReadOnlyList<Roadmaps.PublicStepView>? RoadmapSteps = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyList<EventView>? History = null);

public sealed record PartView(Guid Id, Guid OrganisationId, string Task, PartStatus Status, string? Result, DateTime? DueAtUtc, DateTime? CompletedAtUtc,
    int Stage = 0, DateTime? OpenedAtUtc = null, string? Policy = null, DateTime? EscalatedAtUtc = null);

public sealed record EventView(Guid Id, int Sequence, EventKind Kind, DateTime AtUtc, Guid? ActorId, string? ActorName, AppealStatus? FromStatus,
    AppealStatus ToStatus, string? Note, string? Data);

public sealed record AppealListItem(Guid Id, string Number, int Version, AppealStatus Status, AppealType Type, AppealKind Kind, LegalRegime Regime,
    Channel Channel, Guid CategoryId, Guid? TopicId, Guid? TerritoryId, Guid OwnerOrganisationId, Guid? ExecutorOrganisationId, Guid? AssigneeId,
    string Excerpt, DateTime ReceivedAtUtc, DateTime DueAtUtc, bool IsOverdue);

public static class AppealViews
{
    public static async Task<AppealView> LoadAsync(AppDbContext db, Guid id, DateTime nowUtc, CancellationToken ct)
    {
        var (appeal, attachments, steps) = await ReadAsync(db, id, nowUtc, ct);
        return Of(appeal, attachments, nowUtc, steps);
    }

    static async Task<(Appeal, List<AttachmentsApi.AttachmentView>, IReadOnlyList<Roadmaps.PublicStepView>)> ReadAsync(AppDbContext db, Guid id, DateTime nowUtc, CancellationToken ct)
    {
        var appeal = await db.Appeals.AsNoTracking().Include(a => a.Parts).SingleAsync(a => a.Id == id, ct);
        var attachments = await AttachmentsAsync(db, id, ct);
        // The agreed steps of a complaint's roadmap: what the applicant sees of the plan (a draft stays with staff).
        return (appeal, attachments, await Roadmaps.RoadmapViews.PublicAsync(db, id, nowUtc, ct));
    }

    public static Task<List<AttachmentsApi.AttachmentView>> AttachmentsAsync(AppDbContext db, Guid appealId, CancellationToken ct) =>
        db.Attachments.AsNoTracking().Where(a => a.AppealId == appealId).OrderBy(a => a.UploadedAtUtc)
            .Select(a => new AttachmentsApi.AttachmentView(a.Id, a.FileName, a.ContentType, a.Kind, a.Size, a.Purpose)).ToListAsync(ct);

    /// <summary>
    /// The appeal as the caller may see it: staff see everything; the applicant sees the answer (its text, result and
    /// files) only once it has been sent, never a draft on its way through the executor and the controller.
    /// </summary>
    public static async Task<AppealView> LoadForAsync(AppDbContext db, CurrentUser user, Guid id, DateTime nowUtc, CancellationToken ct)
    {
        var (appeal, attachments, steps) = await ReadAsync(db, id, nowUtc, ct);
        var view = Of(appeal, attachments, nowUtc, steps);
        return await AppealAccess.SeesAsStaffAsync(user, appeal, ct) ? view : ForApplicant(view);
    }

    /// <summary>
    /// The card as the caller may see it, or null when the caller does not see the appeal (a 404): the appeal with its
    /// parts and roadmap in one statement, visibility decided from that row (<see cref="AppealAccess.CanSeeAsync(CurrentUser, Appeal, CancellationToken)"/>,
    /// the rule every change applies), then its files. The public steps come from the loaded roadmap (the owners'
    /// names only when there are agreed steps). Two statements where there were five (issue 24).
    /// </summary>
    public static async Task<AppealView?> LoadVisibleAsync(AppDbContext db, CurrentUser user, Guid id, DateTime nowUtc, CancellationToken ct)
    {
        var appeal = await db.Appeals.AsNoTracking().Include(a => a.Parts).Include(a => a.Roadmap!).ThenInclude(r => r.Steps)
            .AsSingleQuery().SingleOrDefaultAsync(a => a.Id == id, ct);
        if (appeal is null || !await AppealAccess.CanSeeAsync(user, appeal, ct)) return null;
        return await ViewForAsync(db, user, appeal, nowUtc, ct);
    }

    /// <summary>The card of an appeal already loaded with its parts and roadmap (a change's tracked entity): no read-back.</summary>
    public static async Task<AppealView> ViewForAsync(AppDbContext db, CurrentUser user, Appeal appeal, DateTime nowUtc, CancellationToken ct)
    {
        var attachments = await AttachmentsAsync(db, appeal.Id, ct);
        var steps = await Roadmaps.RoadmapViews.PublicAsync(db, appeal.Roadmap?.Steps ?? [], nowUtc, ct);
        var view = Of(appeal, attachments, nowUtc, steps);
        return await AppealAccess.SeesAsStaffAsync(user, appeal, ct) ? view : ForApplicant(view);
    }

    /// <summary>Whether the applicant may read the answer: it has been sent (and maybe rated or closed since).</summary>
    public static bool AnswerIsPublicToApplicant(AppealStatus status) => status is AppealStatus.AnswerSent or AppealStatus.Closed;

    public static AppealView ForApplicant(AppealView view) => AnswerIsPublicToApplicant(view.Status)
        ? view
        : view with
        {
            AnswerText = null, AnswerResult = null,
            Attachments = [.. view.Attachments.Where(a => a.Purpose != AttachmentPurpose.Answer)],
        };

    public static AppealView Of(Appeal a, IReadOnlyList<AttachmentsApi.AttachmentView> attachments, DateTime nowUtc,
        IReadOnlyList<Roadmaps.PublicStepView>? roadmapSteps = null) => new(
        a.Id, a.Number, a.Version, a.Status, Labels.Of(a.Status), a.FederalResult, Labels.Of(a.FederalResult),
        a.Type, a.Kind, a.Regime, a.Channel, a.ChannelMessageId,
        a.Applicant, a.CategoryId, a.TopicId, a.TerritoryId, a.Address, a.Latitude, a.Longitude,
        a.Text, a.IsPublic, a.PublicationConsent, a.OwnerOrganisationId, a.ExecutorOrganisationId, a.AssigneeId,
        a.ReceivedAtUtc, a.RegisteredAtUtc, a.ModerationDueAtUtc, a.ClarificationQuestion, a.ClarificationDueAtUtc,
        a.DueAtUtc, a.IsOverdue(nowUtc), a.ExtensionCount, a.ExtensionRequestedDays, a.ExtensionRequestReason, a.ReconsiderationCount,
        a.Priority, a.AnswerDueAtUtc, a.AnswerDueDate, a.AnswerControlDate, a.AnswerPolicy, a.AtRiskFromUtc, a.WatchLevel, a.PausedAtUtc,
        a.AnswerText, a.AnswerResult, a.AnsweredAtUtc, a.Rating, a.RatingComment, a.ClosedAtUtc, a.OutcomeGround, a.MergedIntoId,
        [.. a.Parts.OrderBy(p => p.Stage).ThenBy(p => p.CreatedAtUtc).Select(p => new PartView(p.Id, p.OrganisationId, p.Task, p.Status, p.Result,
            p.DueAtUtc, p.CompletedAtUtc, p.Stage, p.OpenedAtUtc, p.Policy, p.EscalatedAtUtc))],
        attachments, a.RespondentOrganisationId, a.RouteKind, [.. a.TagList], a.AnswerPolicyOverride, roadmapSteps ?? []);
}
