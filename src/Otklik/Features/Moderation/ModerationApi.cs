using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Features.Intake;
using Otklik.Features.Routing;
using Otklik.Features.Mail;
using Otklik.Infrastructure;

namespace Otklik.Features.Moderation;

public static class ModerationApi
{
    public static RouteGroupBuilder MapModerationApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/appeals").WithTags("Moderation").RequireAuthorization();
        group.MapGet("/{id:guid}/proposed-route", ProposedRoute).Produces<RouteProposal>();
        group.MapPost("/{id:guid}/clarification-request", AskClarification).Produces<AppealView>();
        group.MapPost("/{id:guid}/clarification", GiveClarification).Produces<AppealView>();
        group.MapPost("/{id:guid}/clarification-delivered", ClarificationDelivered).Produces<AppealView>();
        group.MapPost("/{id:guid}/reject", Reject).Produces<AppealView>();
        group.MapPost("/{id:guid}/reclassify", Reclassify).Produces<AppealView>();
        group.MapPost("/{id:guid}/route", Route).Produces<AppealView>();
        group.MapPost("/{id:guid}/register", Register).Produces<AppealView>();
        group.MapPost("/{id:guid}/merge", Merge).Produces<AppealView>();
        group.MapPost("/{id:guid}/public-text", SetPublicText).Produces<AppealView>();
        group.MapPost("/{id:guid}/public-unmasked", SetPublicUnmasked).Produces<AppealView>();
        return group;
    }

    public sealed record QuestionRequest(int? Version, string? Question);
    public sealed record ClarificationRequest(int? Version, string? Text);
    /// <summary>How the question reached an applicant the letter could not: «по телефону +7 …, 24.11 в 10:15».</summary>
    public sealed record DeliveredRequest(int? Version, string? How);
    public sealed record RejectRequest(int? Version, Ground? Ground, string? Comment);
    public sealed record ReclassifyRequest(int? Version, AppealType? Type, AppealKind? Kind, LegalRegime? Regime, Guid? CategoryId, Guid? TopicId,
        Guid? TerritoryId, string? Address, double? Latitude, double? Longitude, bool? IsPublic);
    public sealed record RouteRequest(int? Version, Guid? OrganisationId, string? Note);
    public sealed record RegisterRequest(int? Version, Guid? OrganisationId);
    public sealed record MergeRequest(int? Version, Guid? TargetAppealId);
    /// <summary>The text the public portal shows, third parties' personal data masked; empty or null publishes the text itself.</summary>
    public sealed record PublicTextRequest(int? Version, string? Text);
    /// <summary>The automatically masked fragments the portal may show after all, as written (an empty list masks everything again).</summary>
    public sealed record PublicUnmaskedRequest(int? Version, IReadOnlyList<string?>? Fragments);
    public sealed record RouteProposal(Guid? OrganisationId, string? OrganisationName, string? Why);

    static async Task<IResult> ProposedRoute(Guid id, AppDbContext db, CurrentUser user, AutoRouting routing, CancellationToken ct)
    {
        var appeal = await db.Appeals.AsNoTracking().Include(a => a.Parts).SingleOrDefaultAsync(a => a.Id == id, ct);
        if (appeal is null || !await AppealAccess.CanSeeAsync(user, appeal, ct)) return AppealChanges.NotFound();
        if (!await user.HoldsAsync(Duty.Moderate, appeal, ct)) return AppealChanges.Forbidden();
        return TypedResults.Ok(await ProposeAsync(db, routing, appeal, ct));
    }

    /// <summary>
    /// The executor the routing would choose for the appeal as it is classified now: an auto-rule's, else the topic's
    /// route. A route refused (a complaint's respondent) is not proposed; the reason is.
    /// </summary>
    public static async Task<RouteProposal> ProposeAsync(AppDbContext db, AutoRouting routing, Appeal appeal, CancellationToken ct)
    {
        var plan = await routing.PlanAsync(await routing.FactsAsync(appeal, ct), null, null, atIntake: false, ct);
        var name = plan.Executor is { } id ? await db.Organisations.Where(o => o.Id == id).Select(o => o.Name).SingleAsync(ct) : null;
        var why = plan.ExecutorWhy ?? plan.Refusals.FirstOrDefault()?.Reason;
        return new RouteProposal(plan.Executor, name, why);
    }

    static Task<IResult> AskClarification(Guid id, QuestionRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, Transition.AskClarification, Asking(changes, r.Question), ct);

    static Task<IResult> GiveClarification(Guid id, ClarificationRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, Transition.GiveClarification, GivingClarification(changes, r.Text), ct);

    static Task<IResult> ClarificationDelivered(Guid id, DeliveredRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, Transition.RecordClarificationDelivered, (appeal, now) =>
        {
            AppealsApi.CheckText("how", r.How, 500);
            appeal.RecordClarificationDelivered(r.How!, changes.User.RequiredId, now);
            return Task.CompletedTask;
        }, ct);

    static Task<IResult> Reject(Guid id, RejectRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, Transition.Reject, Rejecting(changes, r.Ground, r.Comment), ct);

    static Task<IResult> Reclassify(Guid id, ReclassifyRequest r, AppealChanges changes, TerritoryLocator locator, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, Transition.Reclassify, Reclassifying(changes, locator, r, ct), ct);

    static Task<IResult> Route(Guid id, RouteRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, Transition.Route, Routing(changes, r.OrganisationId, r.Note, ct), ct);

    static Task<IResult> Register(Guid id, RegisterRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, Transition.Register, Registering(changes, r.OrganisationId, ct), ct);

    static Task<IResult> Merge(Guid id, MergeRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, Transition.MergeInto, Merging(changes, r.TargetAppealId, ct), ct);

    static Task<IResult> SetPublicText(Guid id, PublicTextRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, Duty.Moderate, Masking(changes, r.Text), ct);

    static Task<IResult> SetPublicUnmasked(Guid id, PublicUnmaskedRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, Duty.Moderate, Unmasking(changes, [.. (r.Fragments ?? []).OfType<string>()]), ct);

    // ---- The moderation changes, shared by the API endpoints above and the moderator's pages ----

    /// <summary>Sets the executor organisation (see <see cref="Appeal.Route"/>); only an organisation working in the system.</summary>
    public static Func<Appeal, DateTime, Task> Routing(AppealChanges changes, Guid? organisationId, string? note, CancellationToken ct) => async (appeal, now) =>
    {
        if (note is not null) AppealsApi.CheckText("note", note, 2000, required: false);
        var org = await AppealsApi.FindOrganisationAsync(changes.Db, organisationId, ct);
        if (!org.IsConnected) throw new RuleException("routing.external", "Организация не работает в системе: используйте переадресацию по компетенции.");
        appeal.Route(org.Id, note ?? "Выбор модератора", changes.User.RequiredId, now);
    };

    /// <summary>Sets the published copy of the text (see <see cref="Appeal.SetPublicText"/>).</summary>
    public static Func<Appeal, DateTime, Task> Masking(AppealChanges changes, string? text) => (appeal, now) =>
    {
        appeal.SetPublicText(text, changes.User.RequiredId, now);
        return Task.CompletedTask;
    };

    /// <summary>Releases automatically masked fragments (see <see cref="Appeal.SetPublicUnmasked"/>).</summary>
    public static Func<Appeal, DateTime, Task> Unmasking(AppealChanges changes, IReadOnlyList<string> fragments) => (appeal, now) =>
    {
        appeal.SetPublicUnmasked(fragments, changes.User.RequiredId, now);
        return Task.CompletedTask;
    };

    /// <summary>Asks the applicant for clarification; the question goes to the applicant through the outbox.</summary>
    public static Func<Appeal, DateTime, Task> Asking(AppealChanges changes, string? question) => (appeal, now) =>
    {
        AppealsApi.CheckText("question", question, 2000);
        appeal.AskClarification(question!, changes.User.RequiredId, now);
        changes.NotifyWithDeadlines(MessageTypes.ClarificationRequested,
            a => new { a.Id, a.Number, a.Applicant.Email, question = a.ClarificationQuestion, due = a.ClarificationDueAtUtc });
        return Task.CompletedTask;
    };

    /// <summary>The applicant answers a clarification request; moderation starts again (the API and the portal's page).</summary>
    public static Func<Appeal, DateTime, Task> GivingClarification(AppealChanges changes, string? text) => (appeal, now) =>
    {
        AppealsApi.CheckText("text", text, 5000);
        appeal.GiveClarification(text!, changes.User.RequiredId, now);
        return Task.CompletedTask;
    };

    /// <summary>Rejects on one of the grounds allowed for rejection; the applicant is told which.</summary>
    public static Func<Appeal, DateTime, Task> Rejecting(AppealChanges changes, Ground? ground, string? comment) => (appeal, now) =>
    {
        if (comment is not null) AppealsApi.CheckText("comment", comment, 2000, required: false);
        appeal.Reject(ground ?? throw new InputException("ground", "field.required", "Выберите причину отказа из списка.", 422),
            comment, changes.User.RequiredId, now);
        changes.Db.Outbox.Add(OutboxMessage.Create(MessageTypes.Rejected,
            new { appeal.Id, appeal.Number, appeal.Applicant.Email, ground = appeal.OutcomeGround, reason = Grounds.All[appeal.OutcomeGround!.Value].Title, comment },
            appeal.Id, now));
        return Task.CompletedTask;
    };

    /// <summary>Corrects the classification; a field left out (null) keeps its value, a map point finds its territory.</summary>
    public static Func<Appeal, DateTime, Task> Reclassifying(AppealChanges changes, TerritoryLocator locator, ReclassifyRequest r, CancellationToken ct) =>
        async (appeal, now) =>
        {
            var c = appeal.CurrentClassification;
            var e = new InputErrors();
            SubmitRules.CheckOptional(e, "address", r.Address, 500);
            SubmitRules.CheckLocation(e, r.Latitude, r.Longitude);
            var categoryId = r.CategoryId ?? c.CategoryId;
            var topicId = r.CategoryId is not null && r.TopicId is null ? null : r.TopicId ?? c.TopicId;
            if (!await changes.Db.Categories.AnyAsync(x => x.Id == categoryId, ct)) e.Add("categoryId", "catalogue.unknown_category", "Такой категории нет.");
            if (topicId is { } t && !await changes.Db.Topics.AnyAsync(x => x.Id == t && x.CategoryId == categoryId, ct))
                e.Add("topicId", "catalogue.unknown_topic", "В выбранной категории нет такой темы.");
            var territoryId = r.TerritoryId ?? c.TerritoryId;
            if (r.Latitude is { } lat && r.Longitude is { } lon && !e.Any)
            {
                territoryId = await locator.LocateAsync(lat, lon, ct);
                if (territoryId is null) e.Add("latitude", "location.outside_territories", "Точка на карте не попадает ни в одну территорию региона.");
            }
            else if (r.TerritoryId is { } tid && !await changes.Db.Territories.AnyAsync(x => x.Id == tid && x.Kind == TerritoryKind.Municipality, ct))
                e.Add("territoryId", "catalogue.unknown_territory", "Такой территории нет.");
            e.ThrowIfAny(StatusCodes.Status422UnprocessableEntity);
            appeal.Reclassify(new Appeal.Classification(r.Type ?? c.Type, r.Kind ?? c.Kind, r.Regime ?? c.Regime, categoryId, topicId, territoryId,
                r.Address ?? c.Address, r.Latitude ?? c.Latitude, r.Longitude ?? c.Longitude, r.IsPublic ?? c.IsPublic), changes.User.RequiredId, now);
        };

    /// <summary>
    /// Accepts the appeal: the executor is the moderator's choice, or the one already routed, or else the auto-rules' and
    /// then the topic's route; the rules' route of several organisations (or with a municipality) opens its parts.
    /// </summary>
    public static Func<Appeal, DateTime, Task> Registering(AppealChanges changes, Guid? organisationId, CancellationToken ct) => async (appeal, now) =>
    {
        AutoRouting.Plan? plan = null;
        // Only an appeal that can be registered is routed; any other is refused by Register's own rule and reason.
        if (appeal.Status == AppealStatus.Moderation)
        {
            if (organisationId is not null)
            {
                var org = await AppealsApi.FindOrganisationAsync(changes.Db, organisationId, ct);
                if (!org.IsConnected) throw new RuleException("routing.external", "Организация не работает в системе: используйте переадресацию по компетенции.");
            }
            plan = await changes.Routing.PlanAsync(await changes.Routing.FactsAsync(appeal, ct), appeal.ExecutorOrganisationId, organisationId, atIntake: false, ct);
            AutoRouting.Apply(plan, appeal, changes.User.RequiredId, now);
        }
        appeal.Register(changes.User.RequiredId, now);
        if (plan is not null) AutoRouting.OpenRoute(plan, appeal, now);
        changes.NotifyWithDeadlines(MessageTypes.Registered,
            a => new { a.Id, a.Number, a.Applicant.Email, a.DueAtUtc, a.AnswerDueDate, a.AnswerDueAtUtc, organisation = a.ExecutorOrganisationId });
    };

    /// <summary>Ends the appeal as a duplicate of a visible one; the applicant is told the original's number.</summary>
    public static Func<Appeal, DateTime, Task> Merging(AppealChanges changes, Guid? targetAppealId, CancellationToken ct) => async (appeal, now) =>
    {
        var targetId = targetAppealId ?? throw new InputException("targetAppealId", "field.required", "Укажите обращение, с которым объединить.", 422);
        var target = await changes.Db.Appeals.Include(a => a.Parts).SingleOrDefaultAsync(a => a.Id == targetId, ct);
        if (target is null || !await AppealAccess.CanSeeAsync(changes.User, target, ct))
            throw new InputException("targetAppealId", "moderation.unknown_target", "Обращение для объединения не найдено.", 422);
        appeal.MergeInto(target, changes.User.RequiredId, now);
        changes.Db.Outbox.Add(OutboxMessage.Create(MessageTypes.Merged,
            new { appeal.Id, appeal.Number, appeal.Applicant.Email, into = target.Number }, appeal.Id, now));
    };
}
