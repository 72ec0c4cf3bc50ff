using System.Text.Json;
using Otklik.Features.Deadlines;
using Otklik.Infrastructure;

namespace Otklik.Features.Appeals;

/// <summary>
/// An appeal and its whole life. Every change is a method named after what happens; a method checks its rule,
/// changes the state, appends one history event and bumps <see cref="Version"/>. A broken rule throws <see cref="RuleException"/>.
/// </summary>
public sealed partial class Appeal
{
    Appeal() { }

    public Guid Id { get; private set; }
    /// <summary>Readable number, "2026-000123": sequential per year, never reused.</summary>
    public string Number { get; private set; } = "";
    public int Year { get; private set; }
    public int Sequence { get; private set; }

    public AppealType Type { get; private set; }
    public AppealKind Kind { get; private set; }
    public LegalRegime Regime { get; private set; }
    public Channel Channel { get; private set; }
    public string? ChannelMessageId { get; private set; }
    public string? IdempotencyKey { get; private set; }
    /// <summary>SHA-256 of the submitted body: the same key with another body is refused.</summary>
    public string? RequestHash { get; private set; }

    public ApplicantInfo Applicant { get; private set; } = new();
    /// <summary>The account that submitted the appeal (an applicant) or registered it (an operator).</summary>
    public Guid? ApplicantUserId { get; private set; }
    public Guid? RegisteredById { get; private set; }

    public Guid CategoryId { get; private set; }
    public Guid? TopicId { get; private set; }
    public Guid? TerritoryId { get; private set; }
    public string? Address { get; private set; }
    public double? Latitude { get; private set; }
    public double? Longitude { get; private set; }
    public string Text { get; private set; } = "";
    public bool IsPublic { get; private set; }
    public bool PublicationConsent { get; private set; }
    /// <summary>
    /// What the public portal shows instead of <see cref="Text"/>: the moderator's copy with third parties' personal data
    /// masked; null shows <see cref="Text"/> as it is. See <see cref="Portal.Public.PublicAppeals"/>.
    /// </summary>
    public string? PublicText { get; private set; }
    /// <summary>
    /// The fragments the moderator released from the automatic masking (one a line: a street named like the applicant,
    /// a number that is not a phone); null when none. See <see cref="Portal.Public.PublicMasking"/>.
    /// </summary>
    public string? PublicUnmasked { get; private set; }
    /// <summary>Views of the public page: a plain counter, incremented outside the entity (no version, no history).</summary>
    public int PublicViews { get; private set; }
    /// <summary>"Me too" supports of signed-in people, one each (the rows are <see cref="Portal.Public.AppealSupport"/>).</summary>
    public int Supports { get; private set; }

    /// <summary>The centre that moderates the appeal and keeps it in sight to the end.</summary>
    public Guid OwnerOrganisationId { get; private set; }
    public Guid? ExecutorOrganisationId { get; private set; }
    public Guid? AssigneeId { get; private set; }
    /// <summary>A complaint's respondent: the body whose actions it complains about; the complaint is never sent there (59-ФЗ ст. 8 ч. 6).</summary>
    public Guid? RespondentOrganisationId { get; private set; }
    /// <summary>How the work is shared: one organisation (null), several, or with a municipality (see <see cref="Parts"/>).</summary>
    public Routing.RouteKind? RouteKind { get; private set; }
    /// <summary>Tags set by auto-rules, "|tag|other|", so that a list filters them with a plain LIKE.</summary>
    public string? Tags { get; private set; }
    /// <summary>An auto-rule's answer deadline policy; it takes precedence over the deadline rules.</summary>
    public string? AnswerPolicyOverride { get; private set; }

    public AppealStatus Status { get; private set; }
    public AppealPriority Priority { get; private set; }
    public DateTime ReceivedAtUtc { get; private set; }
    public DateTime? RegisteredAtUtc { get; private set; }
    public DateTime? WorkStartedAtUtc { get; private set; }
    public string? ClarificationQuestion { get; private set; }

    // ---- Clocks: when each stage's clock started (facts); the deadlines below are computed from them. ----

    /// <summary>When moderation began: receipt, or the applicant's answer to a clarification request.</summary>
    public DateTime ModerationStartedAtUtc { get; private set; }
    public DateTime? ClarificationAskedAtUtc { get; private set; }
    /// <summary>When the answer clock started: registration, a redirect to another body, or a reopening.</summary>
    public DateTime? AnswerClockStartedAtUtc { get; private set; }
    /// <summary>Set while the clock is paused waiting for the applicant.</summary>
    public DateTime? PausedAtUtc { get; private set; }
    /// <summary>Time the answer clock stood still, in seconds; a day- or hour-based deadline moves by it.</summary>
    public long PausedSeconds { get; private set; }
    /// <summary>The working time (of the organisation's hours) within the pauses; a working-hours deadline moves by it.</summary>
    public long PausedWorkingSeconds { get; private set; }
    /// <summary>Calendar days added by extensions.</summary>
    public int ExtensionDays { get; private set; }
    public int ExtensionCount { get; private set; }
    /// <summary>The executor's pending request for an extension: the days asked for, and why; null when none is pending.</summary>
    public int? ExtensionRequestedDays { get; private set; }
    public string? ExtensionRequestReason { get; private set; }

    // ---- Deadlines: stored so that lists sort and filter by them; recomputed by ApplyDeadlines. ----

    public DateTime ModerationDueAtUtc { get; private set; }
    public DateTime? ClarificationDueAtUtc { get; private set; }
    /// <summary>The final deadline: the end of the answer's due date (or its instant for hour-based policies).</summary>
    public DateTime? AnswerDueAtUtc { get; private set; }
    public DateOnly? AnswerDueDate { get; private set; }
    /// <summary>The internal control date: the due date, or the working day before it when it falls on a day off.</summary>
    public DateOnly? AnswerControlDate { get; private set; }
    public string? AnswerPolicy { get; private set; }
    /// <summary>The deadline of the current stage: moderation, clarification, first contact, then the answer.</summary>
    public DateTime DueAtUtc { get; private set; }
    public DateTime? AtRiskFromUtc { get; private set; }
    /// <summary>How far the deadline watch has gone for the current stage deadline.</summary>
    public WatchLevel WatchLevel { get; private set; }
    /// <summary>When the watch must look at this appeal next; null when nothing is watched.</summary>
    public DateTime? NextWatchAtUtc { get; private set; }
    public int ReconsiderationCount { get; private set; }

    public string? AnswerText { get; private set; }
    public FederalResult? AnswerResult { get; private set; }
    public DateTime? AnsweredAtUtc { get; private set; }
    public int? Rating { get; private set; }
    public string? RatingComment { get; private set; }
    public DateTime? ClosedAtUtc { get; private set; }
    public Ground? OutcomeGround { get; private set; }
    public Guid? MergedIntoId { get; private set; }

    /// <summary>Lower-cased number, text and address for the simple text filter of lists.</summary>
    public string SearchText { get; private set; } = "";
    public int Version { get; private set; }

    public List<AppealEvent> History { get; private set; } = [];
    public List<AppealPart> Parts { get; private set; } = [];

    public static readonly AppealStatus[] Terminal = AppealLifecycle.Terminal;

    static readonly AppealStatus[] Working = AppealLifecycle.Working;

    /// <summary>
    /// Does the lifecycle table allow <paramref name="t"/> now (status, regime and the row's other conditions)? With
    /// <paramref name="nowUtc"/>, a transition that must come before the deadline (an extension) is checked against it too.
    /// What a page offers is this and the person's duty (<see cref="AppealLifecycle.MayAsync"/>).
    /// </summary>
    public bool Allows(Transition t, DateTime? nowUtc = null)
    {
        var row = AppealLifecycle.Row(t);
        return AppealLifecycle.Permits(t, Status, Regime) && (row.When is null || row.When(this, nowUtc));
    }

    public bool IsTerminal => Terminal.Contains(Status);
    public bool IsOverdue(DateTime nowUtc) => !IsTerminal && Status != AppealStatus.AnswerSent && PausedAtUtc is null && nowUtc > DueAtUtc;

    public sealed record Draft(
        AppealType Type, AppealKind Kind, LegalRegime Regime, Channel Channel, string? ChannelMessageId,
        ApplicantInfo Applicant, Guid? ApplicantUserId, Guid? RegisteredById,
        Guid CategoryId, Guid? TopicId, Guid? TerritoryId, string? Address, double? Latitude, double? Longitude,
        string Text, bool IsPublic, bool PublicationConsent, Guid OwnerOrganisationId,
        string? IdempotencyKey, string? RequestHash, AppealPriority Priority = AppealPriority.Normal, Guid? RespondentOrganisationId = null);

    /// <summary>A new appeal: received now, waiting for moderation. Its number comes from the yearly counter.</summary>
    public static Appeal Submit(Draft d, int year, int sequence, DateTime nowUtc, DeadlineClock clock, Guid? id = null)
    {
        if (d.IsPublic && !d.PublicationConsent)
            throw new InputException("publicationConsent", "appeal.consent_required", "Для публикации обращения нужно согласие заявителя.");
        var appeal = new Appeal
        {
            Id = id ?? Guid.CreateVersion7(new DateTimeOffset(nowUtc, TimeSpan.Zero)),
            Year = year, Sequence = sequence, Number = FormatNumber(year, sequence),
            Type = d.Type, Kind = d.Kind, Regime = d.Regime, Channel = d.Channel, ChannelMessageId = d.ChannelMessageId,
            Applicant = d.Applicant, ApplicantUserId = d.ApplicantUserId, RegisteredById = d.RegisteredById,
            CategoryId = d.CategoryId, TopicId = d.TopicId, TerritoryId = d.TerritoryId, Address = d.Address,
            Latitude = d.Latitude, Longitude = d.Longitude, Text = d.Text, IsPublic = d.IsPublic,
            PublicationConsent = d.PublicationConsent, OwnerOrganisationId = d.OwnerOrganisationId, RespondentOrganisationId = d.RespondentOrganisationId,
            IdempotencyKey = d.IdempotencyKey, RequestHash = d.RequestHash,
            Status = AppealStatus.Moderation, Priority = d.Priority, ReceivedAtUtc = nowUtc, ModerationStartedAtUtc = nowUtc,
            Version = 0,
        };
        appeal.RefreshSearchText();
        appeal.ApplyDeadlines(clock, nowUtc);
        appeal.Append(EventKind.Received, nowUtc, d.RegisteredById ?? d.ApplicantUserId, null, null, new { channel = d.Channel });
        return appeal;
    }

    public static string FormatNumber(int year, int sequence) => $"{year}-{sequence:D6}";

    // ---- Moderation ----

    public void AskClarification(string question, Guid moderatorId, DateTime nowUtc)
    {
        Require(Transition.AskClarification);
        if (Regime == LegalRegime.SocialIncident || Applicant.Kind == ApplicantKind.Anonymous)
            throw new RuleException("clarification.no_contact", "У анонимного обращения нельзя запросить уточнение.");
        RequireText(question, "question");
        ClarificationQuestion = question.Trim();
        ClarificationAskedAtUtc = nowUtc;
        Move(AppealStatus.Clarification, EventKind.ClarificationRequested, nowUtc, moderatorId, question.Trim(), null);
    }

    public void GiveClarification(string text, Guid? actorId, DateTime nowUtc)
    {
        Require(Transition.GiveClarification);
        RequireText(text, "text");
        Text = $"{Text}\n\nУточнение заявителя: {text.Trim()}";
        ClarificationAskedAtUtc = null;
        ModerationStartedAtUtc = nowUtc;
        RefreshSearchText();
        Move(AppealStatus.Moderation, EventKind.ClarificationGiven, nowUtc, actorId, text.Trim(), null);
    }

    /// <summary>
    /// The moderator records that the question reached the applicant another way — a call to a hotline caller, a letter
    /// by post: from then the applicant's silence counts, as after a delivered e-mail.
    /// </summary>
    public void RecordClarificationDelivered(string how, Guid moderatorId, DateTime nowUtc)
    {
        Require(Transition.RecordClarificationDelivered);
        RequireText(how, "how");
        Record(EventKind.ClarificationDelivered, nowUtc, moderatorId, how.Trim(), null);
    }

    /// <summary>The automatic rejection when the applicant has not answered a clarification request in time.</summary>
    public void ExpireClarification(DateTime nowUtc)
    {
        Require(Transition.ExpireClarification);
        if (ClarificationDueAtUtc is not { } due || nowUtc < due)
            throw new RuleException("clarification.not_expired", "Срок уточнения ещё не истёк.");
        OutcomeGround = Ground.ClarificationNotReceived;
        ClosedAtUtc = nowUtc;
        Move(AppealStatus.Rejected, EventKind.Rejected, nowUtc, null, Grounds.All[Ground.ClarificationNotReceived].Title,
            new { ground = Ground.ClarificationNotReceived, automatic = true });
    }

    public void Reject(Ground ground, string? comment, Guid moderatorId, DateTime nowUtc)
    {
        Require(Transition.Reject);
        RequireGround(ground, AppealOutcome.Reject);
        OutcomeGround = ground;
        ClosedAtUtc = nowUtc;
        Move(AppealStatus.Rejected, EventKind.Rejected, nowUtc, moderatorId, comment ?? Grounds.All[ground].Title, new { ground });
    }

    public sealed record Classification(AppealType Type, AppealKind Kind, LegalRegime Regime, Guid CategoryId, Guid? TopicId,
        Guid? TerritoryId, string? Address, double? Latitude, double? Longitude, bool IsPublic);

    public Classification CurrentClassification => new(Type, Kind, Regime, CategoryId, TopicId, TerritoryId, Address, Latitude, Longitude, IsPublic);

    /// <summary>The moderator corrects type, category, topic, address and point before registration.</summary>
    public void Reclassify(Classification c, Guid moderatorId, DateTime nowUtc)
    {
        Require(Transition.Reclassify);
        if (c.IsPublic && !PublicationConsent)
            throw new RuleException("appeal.consent_required", "Заявитель не дал согласия на публикацию.");
        var before = CurrentClassification;
        (Type, Kind, Regime, CategoryId, TopicId, TerritoryId, Address, Latitude, Longitude, IsPublic) =
            (c.Type, c.Kind, c.Regime, c.CategoryId, c.TopicId, c.TerritoryId, c.Address, c.Latitude, c.Longitude, c.IsPublic);
        RefreshSearchText();
        Record(EventKind.Reclassified, nowUtc, moderatorId, null, new { before, after = c });
    }

    /// <summary>The kinds the moderator moves an appeal between; a complaint keeps its own rules (roadmap, HQ).</summary>
    public static readonly AppealKind[] ChangeableKinds = [AppealKind.SimpleConsultation, AppealKind.ComplexConsultation, AppealKind.Task];

    /// <summary>
    /// The moderator corrects the kind (simple or complex consultation, task) while the appeal is considered: the clocks
    /// that go by kind follow (the deadlines are recomputed after every change).
    /// </summary>
    public void ChangeKind(AppealKind kind, string? reason, Guid moderatorId, DateTime nowUtc)
    {
        Require(Transition.ChangeKind);
        if (!ChangeableKinds.Contains(Kind) || !ChangeableKinds.Contains(kind))
            throw new InputException("kind", "kind.not_changeable", "Вид меняется только между простой и сложной консультацией и задачей.",
                StatusCodes.Status422UnprocessableEntity);
        if (kind == Kind) throw new InputException("kind", "kind.same", "Обращение уже этого вида.", StatusCodes.Status422UnprocessableEntity);
        var from = Kind;
        Kind = kind;
        Record(EventKind.KindChanged, nowUtc, moderatorId,
            $"{Labels.Of(from)} → {Labels.Of(kind)}{(string.IsNullOrWhiteSpace(reason) ? "" : ". " + reason.Trim())}", new { from, to = kind });
    }

    /// <summary>The longest text an appeal is submitted with (intake's rules check it).</summary>
    public const int MaxTextLength = 10_000;

    public const int MaxPublicTextLength = MaxTextLength + 2000;

    /// <summary>
    /// The moderator masks third parties' personal data for the public portal (names, phones, flat numbers...). Null, blank or
    /// the text itself publishes the text as it is. Allowed at any stage: a masking mistake may be found after registration.
    /// </summary>
    public void SetPublicText(string? text, Guid moderatorId, DateTime nowUtc)
    {
        var value = string.IsNullOrWhiteSpace(text) || text.Trim() == Text ? null : text.Trim();
        if (value is { Length: > MaxPublicTextLength })
            throw new InputException("text", "field.too_long", $"Не больше {MaxPublicTextLength} символов.", StatusCodes.Status422UnprocessableEntity);
        if (value == PublicText) return;
        PublicText = value;
        // The history says that the published text changed, not what it says: the masked words must not leak through it.
        Record(EventKind.PublicTextEdited, nowUtc, moderatorId, value is null ? "Публикуется исходный текст" : "Текст для публикации исправлен модератором",
            new { masked = value is not null });
    }

    public const int MaxPublicUnmaskedLength = 4000;

    /// <summary>
    /// The moderator releases wrongly masked fragments (or takes a release back): the public sees them as written.
    /// Allowed at any stage, like <see cref="SetPublicText"/>; the history does not repeat the fragments.
    /// </summary>
    public void SetPublicUnmasked(IEnumerable<string> fragments, Guid moderatorId, DateTime nowUtc)
    {
        var list = fragments.Select(f => f.Trim()).Where(f => f.Length > 0 && !f.Contains('\n'))
            .Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
        var value = list.Count == 0 ? null : string.Join('\n', list);
        if (value is { Length: > MaxPublicUnmaskedLength })
            throw new InputException("unmasked", "field.too_long", $"Не больше {MaxPublicUnmaskedLength} символов.", StatusCodes.Status422UnprocessableEntity);
        if (value == PublicUnmasked) return;
        PublicUnmasked = value;
        Record(EventKind.PublicTextEdited, nowUtc, moderatorId,
            value is null ? "Автоматически скрытые данные снова скрыты" : $"Модератор открыл для публикации автоматически скрытые фрагменты: {list.Count}",
            new { released = list.Count });
    }

    /// <summary>Sets or changes the executor organisation before work starts (auto-routing or the moderator).</summary>
    public void Route(Guid organisationId, string? why, Guid? actorId, DateTime nowUtc, Routing.RuleRef? rule = null)
    {
        Require(Transition.Route);
        RefuseRespondent(organisationId);
        if (ExecutorOrganisationId == organisationId) return;
        var from = ExecutorOrganisationId;
        ExecutorOrganisationId = organisationId;
        Record(EventKind.Routed, nowUtc, actorId, why, new { from, to = organisationId, rule });
    }

    public const string RespondentRefusal = "Жалобу нельзя направить органу, на действия которого она подана (59-ФЗ ст. 8 ч. 6).";

    /// <summary>rules-ru.md item 3: a complaint never goes to the body whose decision or action it complains about.</summary>
    void RefuseRespondent(Guid organisationId)
    {
        if (RespondentOrganisationId == organisationId) throw new RuleException("routing.respondent", RespondentRefusal);
    }

    /// <summary>The routing refused a route (to the complaint's respondent, say): recorded so that the moderator sees why.</summary>
    public void RecordRefusedRoute(Guid organisationId, string reason, Routing.RuleRef? rule, DateTime nowUtc) =>
        Record(EventKind.RouteRefused, nowUtc, null, rule is null ? reason : $"{reason} Правило «{rule.Name}» (версия {rule.Version}).",
            new { organisation = organisationId, rule });

    /// <summary>
    /// What an auto-rule decided: kind, priority, the answer deadline policy, a tag, and (<paramref name="routing"/>, in words)
    /// where it sent the appeal. Recorded with the rule (id, name, version) even when nothing changed, unless <paramref name="onlyChanges"/>.
    /// </summary>
    public void ApplyRule(Routing.RuleRef rule, AppealKind? kind, AppealPriority? priority, string? answerPolicy, string? tag, string? routing,
        DateTime nowUtc, bool onlyChanges = false)
    {
        Require(Transition.ApplyRule);
        var changes = new List<string>();
        if (kind is { } k && k != Kind) { Kind = k; changes.Add($"вид — {Labels.Of(k)}"); }
        if (priority is { } p && p != Priority) { Priority = p; changes.Add(p == AppealPriority.High ? "высокая важность" : "обычная важность"); }
        if (answerPolicy is not null && answerPolicy != AnswerPolicyOverride) { AnswerPolicyOverride = answerPolicy; changes.Add($"срок ответа {answerPolicy}"); }
        if (!string.IsNullOrWhiteSpace(tag) && !HasTag(tag)) { Tags = (Tags ?? "|") + tag.Trim() + "|"; changes.Add($"метка «{tag.Trim()}»"); }
        if (changes.Count == 0 && onlyChanges) return;
        if (routing is not null) changes.Add(routing);
        var what = changes.Count == 0 ? "условия выполнены" : string.Join("; ", changes);
        Record(EventKind.RuleApplied, nowUtc, null, $"Автоправило «{rule.Name}» (версия {rule.Version}): {what}.", new { rule, kind, priority, answerPolicy, tag });
    }

    public bool HasTag(string tag) => Tags?.Contains($"|{tag.Trim()}|", StringComparison.Ordinal) == true;

    public IEnumerable<string> TagList => (Tags ?? "").Split('|', StringSplitOptions.RemoveEmptyEntries);

    public void Register(Guid? moderatorId, DateTime nowUtc)
    {
        Require(Transition.Register);
        if (ExecutorOrganisationId is null)
            throw new RuleException("moderation.no_executor", "Не выбрана организация-исполнитель: укажите её перед регистрацией.");
        RegisteredAtUtc = nowUtc;
        AnswerClockStartedAtUtc = nowUtc;
        Move(AppealStatus.Registered, EventKind.Registered, nowUtc, moderatorId, null, null);
    }

    /// <summary>This appeal duplicates <paramref name="target"/>: it ends here and the target records the merge.</summary>
    public void MergeInto(Appeal target, Guid moderatorId, DateTime nowUtc)
    {
        Require(Transition.MergeInto);
        if (target.Id == Id) throw new RuleException("moderation.merge_self", "Нельзя объединить обращение с самим собой.");
        if (target.Status is AppealStatus.Merged or AppealStatus.Rejected)
            throw new RuleException("moderation.merge_target", $"Обращение {target.Number} закрыто без рассмотрения; объединить с ним нельзя.");
        MergedIntoId = target.Id;
        OutcomeGround = Ground.Duplicate;
        ClosedAtUtc = nowUtc;
        Move(AppealStatus.Merged, EventKind.Merged, nowUtc, moderatorId, $"Дубликат обращения {target.Number}", new { into = target.Id, number = target.Number });
        target.Record(EventKind.DuplicateMerged, nowUtc, moderatorId, $"Присоединено обращение {Number}", new { duplicate = Id, number = Number });
    }

    // ---- Execution ----

    public void Assign(Guid personId, Guid dispatcherId, DateTime nowUtc)
    {
        Require(Transition.Assign);
        if (AssigneeId == personId) throw new RuleException("execution.same_assignee", "Обращение уже назначено этому специалисту.");
        var from = AssigneeId;
        AssigneeId = personId;
        Move(Status == AppealStatus.InWork ? AppealStatus.InWork : AppealStatus.Assigned, EventKind.Assigned, nowUtc, dispatcherId, null, new { from, to = personId });
    }

    public void StartWork(Guid executorId, DateTime nowUtc)
    {
        Require(Transition.StartWork);
        WorkStartedAtUtc = nowUtc;
        Move(AppealStatus.InWork, EventKind.WorkStarted, nowUtc, executorId, null, null);
    }

    public void RecordStep(string note, Guid executorId, DateTime nowUtc)
    {
        Require(Transition.RecordStep);
        RequireText(note, "note");
        Record(EventKind.StepRecorded, nowUtc, executorId, note.Trim(), null);
    }

    /// <summary>The answer reached the post or chat the appeal came from (a collector took it, a bot sent it): a fact, by the system.</summary>
    public void RecordAnsweredInNetwork(string where, DateTime nowUtc) => Record(EventKind.AnsweredInNetwork, nowUtc, null, where, null);

    /// <summary>
    /// Redirect to the competent body. Inside the platform the appeal moves there, is registered by that body (its own
    /// answer deadline starts, counted in its time zone) and waits for its dispatcher; to a body outside it the appeal
    /// leaves Otklik. Either way the applicant is told (outbox).
    /// </summary>
    public void Redirect(Guid organisationId, bool organisationIsConnected, string reason, Guid actorId, DateTime nowUtc)
    {
        Require(Transition.Redirect);
        RequireText(reason, "reason");
        if (organisationId == ExecutorOrganisationId)
            throw new RuleException("execution.redirect_same", "Обращение уже находится в этой организации.");
        RefuseRespondent(organisationId);
        var from = ExecutorOrganisationId;
        ExecutorOrganisationId = organisationId;
        AssigneeId = null;
        if (organisationIsConnected)
        {
            RegisteredAtUtc = nowUtc;
            AnswerClockStartedAtUtc = nowUtc;
            WorkStartedAtUtc = null;
            ExtensionDays = 0;
            PausedAtUtc = null;
            PausedSeconds = 0;
            PausedWorkingSeconds = 0;
            Move(AppealStatus.Registered, EventKind.Redirected, nowUtc, actorId, reason.Trim(), new { from, to = organisationId });
        }
        else
        {
            ClosedAtUtc = nowUtc;
            Move(AppealStatus.Redirected, EventKind.Redirected, nowUtc, actorId, reason.Trim(), new { from, to = organisationId, leftPlatform = true });
        }
    }

    /// <summary>Extends the answer deadline. An обращение under 59-ФЗ: once, by at most 30 days, before the deadline passes.</summary>
    public void Extend(int days, string reason, Guid controllerId, DateTime nowUtc)
    {
        Require(Transition.Extend);
        RequireText(reason, "reason");
        AppealClock.CheckExtension(days, Regime, ExtensionCount, nowUtc, AnswerDueAtUtc ?? DueAtUtc);
        ExtensionDays += days;
        ExtensionCount++;
        // Granting answers the executor's request, whatever number of days the head chose.
        ClearExtensionRequest();
        Record(EventKind.Extended, nowUtc, controllerId, reason.Trim(), new { from = AnswerDueDate, days });
    }

    /// <summary>Only the head extends; the executor asks for it, with the days needed and why.</summary>
    public void RequestExtension(int days, string reason, Guid executorId, DateTime nowUtc)
    {
        Require(Transition.RequestExtension);
        RequireText(reason, "reason");
        if (days is < 1 or > MaxExtensionDays)
            throw new InputException("days", "extension.days", $"Срок продлевается на 1–{MaxExtensionDays} дней.", StatusCodes.Status422UnprocessableEntity);
        if (ExtensionRequestedDays is not null)
            throw new RuleException("extension.request_pending", "Запрос на продление уже ждёт решения руководителя.");
        AppealClock.CheckExtensionAllowed(Regime, ExtensionCount, nowUtc, AnswerDueAtUtc ?? DueAtUtc);
        ExtensionRequestedDays = days;
        ExtensionRequestReason = reason.Trim();
        Record(EventKind.ExtensionRequested, nowUtc, executorId, reason.Trim(), new { days });
    }

    /// <summary>The head refuses the pending request; the executor may ask again.</summary>
    public void DeclineExtension(string reason, Guid controllerId, DateTime nowUtc)
    {
        if (ExtensionRequestedDays is not { } days)
            throw new RuleException("extension.no_request", "Запроса на продление нет.");
        Require(Transition.DeclineExtension);
        RequireText(reason, "reason");
        ClearExtensionRequest();
        Record(EventKind.ExtensionDeclined, nowUtc, controllerId, reason.Trim(), new { days });
    }

    /// <summary>Can the executor ask for an extension now (the card shows the form only then).</summary>
    public bool MayRequestExtension(DateTime nowUtc) => Allows(Transition.RequestExtension, nowUtc);

    void ClearExtensionRequest() => (ExtensionRequestedDays, ExtensionRequestReason) = (null, null);

    public AppealPart AddCoExecutor(Guid organisationId, string task, Guid actorId, DateTime nowUtc)
    {
        Require(Transition.AddCoExecutor);
        RequireText(task, "task");
        if (organisationId == ExecutorOrganisationId)
            throw new RuleException("execution.co_executor_self", "Соисполнитель должен отличаться от основного исполнителя.");
        RefuseRespondent(organisationId);
        if (CoExecutorRoute.HasOpenPart(Parts, organisationId))
            throw new RuleException("execution.co_executor_twice", "Этой организации уже передана часть обращения.");
        var part = AppealPart.Create(Id, organisationId, task.Trim(), nowUtc, DueAtUtc);
        Parts.Add(part);
        Record(EventKind.CoExecutorAdded, nowUtc, actorId, task.Trim(), new { part = part.Id, organisation = organisationId });
        return part;
    }

    public void CompletePart(Guid partId, string result, Guid actorId, DateTime nowUtc, Func<Guid, DeadlineClock>? clockOf = null)
    {
        var part = Parts.SingleOrDefault(p => p.Id == partId)
            ?? throw new RuleException("execution.part_missing", "У обращения нет такой части.");
        if (part.Status == PartStatus.Waiting)
            throw new RuleException("execution.part_waiting", "Очередь этой части ещё не наступила: её откроют, когда будут выполнены части предыдущего этапа.");
        if (part.Status != PartStatus.Open) throw new RuleException("execution.part_done", "Эта часть уже выполнена.");
        if (IsTerminal) throw new RuleException("execution.part_closed", "Обращение уже закрыто.");
        Require(Transition.CompletePart);
        RequireText(result, "result");
        part.Complete(result.Trim(), nowUtc);
        Record(EventKind.CoExecutorPartCompleted, nowUtc, actorId, result.Trim(), new { part = partId, organisation = part.OrganisationId });
        // A route in sequence: when a stage's parts are all done, the next stage's parts open with their own deadlines.
        if (CoExecutorRoute.NextStage(Parts) is { } next)
        {
            if (clockOf is null) throw new InvalidOperationException("The next stage's deadlines need the organisations' clocks.");
            foreach (var waiting in Parts.Where(p => p.Status == PartStatus.Waiting && p.Stage == next))
            {
                var policy = waiting.Policy ?? AnswerPolicyFor(clockOf(waiting.OrganisationId)).ToString();
                waiting.Open(nowUtc, clockOf(waiting.OrganisationId).Compute(DeadlinePolicy.Parse(policy), nowUtc).EndUtc, policy);
                Record(EventKind.PartOpened, nowUtc, null, waiting.Task, new { part = waiting.Id, organisation = waiting.OrganisationId, dueAtUtc = waiting.DueAtUtc });
            }
        }
    }

    /// <summary>One part of a route of several organisations (or with a municipality), as the routing planned it.</summary>
    public sealed record PlannedPart(Guid OrganisationId, string Task, int Stage, string? Policy);

    /// <summary>
    /// Opens the route chosen at registration: a part for each co-executor, each with its own deadline counted in its own
    /// organisation's time zone and working hours. Parts of the first stage open now; later stages wait for the earlier
    /// ones (<see cref="CompletePart"/>). The lead (the executor organisation) composes the one answer from the parts.
    /// </summary>
    public void OpenRoute(Routing.RouteKind kind, IReadOnlyList<PlannedPart> parts, string why, Routing.RuleRef? rule, Func<Guid, DeadlineClock> clockOf,
        DateTime nowUtc)
    {
        Require(Transition.OpenRoute);
        if (parts.Count == 0) throw new RuleException("routing.no_parts", "Для маршрута нужна хотя бы одна часть соисполнителя.");
        foreach (var p in parts) RefuseRespondent(p.OrganisationId);
        RouteKind = kind;
        var first = parts.Min(p => p.Stage);
        var created = new List<object>();
        foreach (var p in parts)
        {
            var part = AppealPart.Create(Id, p.OrganisationId, p.Task, nowUtc, null);
            part.Plan(p.Stage, p.Policy);
            if (p.Stage == first)
            {
                var policy = p.Policy ?? AnswerPolicyFor(clockOf(p.OrganisationId)).ToString();
                part.Open(nowUtc, clockOf(p.OrganisationId).Compute(DeadlinePolicy.Parse(policy), nowUtc).EndUtc, policy);
            }
            Parts.Add(part);
            created.Add(new { part = part.Id, organisation = p.OrganisationId, stage = p.Stage, status = part.Status, dueAtUtc = part.DueAtUtc });
        }
        Record(EventKind.RouteOpened, nowUtc, null, why, new { kind, rule, parts = created });
    }

    /// <summary>
    /// The parts whose deadline has passed go to the controller of their own organisation, once each; the sweep calls it
    /// under the appeal's lock, so two sweeps at once send each notice once.
    /// </summary>
    public IReadOnlyList<WatchNotice> EscalateOverdueParts(DateTime nowUtc)
    {
        if (IsTerminal || Status == AppealStatus.AnswerSent) return [];
        var notices = new List<WatchNotice>();
        foreach (var part in CoExecutorRoute.Overdue(Parts, nowUtc))
        {
            part.Escalate(nowUtc);
            var notice = new WatchNotice(WatchLevel.EscalatedToController, Directory.Role.Controller, part.OrganisationId, null,
                $"Просрочена часть обращения {Number}: эскалация контролёру соисполнителя");
            notices.Add(notice);
            Record(EventKind.PartOverdue, nowUtc, null, notice.Title,
                new { part = part.Id, organisation = part.OrganisationId, dueAtUtc = part.DueAtUtc, notice.Role });
        }
        return notices;
    }

    // ---- Answer ----

    public void DraftAnswer(string text, FederalResult result, Guid executorId, DateTime nowUtc)
    {
        Require(Transition.DraftAnswer);
        RequireText(text, "text");
        if (result is not (FederalResult.Explained or FederalResult.Supported or FederalResult.SupportedMeasuresTaken or FederalResult.NotSupported or FederalResult.AnswerGiven))
            throw new InputException("result", "answer.result", "Результат ответа: разъяснено, поддержано, меры приняты, не поддержано или дан ответ.", StatusCodes.Status422UnprocessableEntity);
        AnswerText = text.Trim();
        AnswerResult = result;
        Move(AppealStatus.AnswerDraft, EventKind.AnswerDrafted, nowUtc, executorId, null, new { result });
    }

    /// <summary>Sends the draft on: to the controller, or straight to the applicant when the organisation needs no approval.</summary>
    public void SubmitAnswer(bool needsApproval, Guid executorId, DateTime nowUtc)
    {
        Require(Transition.SubmitAnswer);
        RequirePartsDone();
        // An unfilled template placeholder must never reach the applicant, nor the controller who would pass it on.
        Knowledge.Placeholders.RequireFilled(AnswerText, "text");
        if (needsApproval) Move(AppealStatus.AnswerReview, EventKind.AnswerSubmitted, nowUtc, executorId, null, null);
        else SendAnswer(executorId, nowUtc);
    }

    public void ApproveAnswer(Guid controllerId, DateTime nowUtc)
    {
        Require(Transition.ApproveAnswer);
        // A co-executor may be asked for a part during review; the answer waits for it.
        RequirePartsDone();
        Knowledge.Placeholders.RequireFilled(AnswerText, "text");
        Record(EventKind.AnswerApproved, nowUtc, controllerId, null, null);
        SendAnswer(controllerId, nowUtc);
    }

    void RequirePartsDone()
    {
        if (!CoExecutorRoute.AllDone(Parts))
            throw new RuleException("answer.parts_open", "Не все соисполнители прислали свои части ответа.");
    }

    void SendAnswer(Guid actorId, DateTime nowUtc)
    {
        AnsweredAtUtc = nowUtc;
        // The text goes into the event too: a reopened appeal's next answer overwrites AnswerText, and the applicant and
        // the public still see every answer sent (AnswerHistory reads them back from these events).
        Move(AppealStatus.AnswerSent, EventKind.AnswerSent, nowUtc, actorId, null, new { result = AnswerResult, text = AnswerText });
    }

    public void ReturnForRework(IReadOnlyCollection<ReworkReason> reasons, string? comment, Guid controllerId, DateTime nowUtc)
    {
        Require(Transition.ReturnForRework);
        if (reasons.Count == 0)
            throw new InputException("reasons", "answer.rework_reasons", "Укажите хотя бы одну причину возврата на доработку.", StatusCodes.Status422UnprocessableEntity);
        var note = string.Join("; ", reasons.Select(Labels.Of)) + (string.IsNullOrWhiteSpace(comment) ? "" : $". {comment.Trim()}");
        Move(AppealStatus.InWork, EventKind.AnswerReturned, nowUtc, controllerId, note, new { reasons });
    }

    /// <summary>Can a simple consultation be answered from the knowledge base now (the card offers it only then).</summary>
    public bool MayAnswerFromKnowledgeBase() => Allows(Transition.AnswerFromKnowledgeBase);

    /// <summary>
    /// A question answered from a knowledge base article (seed 001: a simple consultation in one day): the shortest legal
    /// path. Still in moderation, the owning centre registers it and answers it itself; the answer is written, sent and
    /// the appeal closed, each step in the history, the article named in the answer and closing events.
    /// </summary>
    public void AnswerFromKnowledgeBase(Guid articleId, string articleTitle, string text, Guid actorId, DateTime nowUtc)
    {
        if (Type != AppealType.Question && Kind != AppealKind.SimpleConsultation)
            throw new RuleException("knowledge.not_consultation", "По базе знаний отвечают только на вопросы и простые консультации.");
        Require(Transition.AnswerFromKnowledgeBase);
        RequireText(text, "text");
        Knowledge.Placeholders.RequireFilled(text, "text");
        RequirePartsDone();
        if (Status == AppealStatus.Moderation)
        {
            ExecutorOrganisationId ??= OwnerOrganisationId;
            RegisteredAtUtc = nowUtc;
            AnswerClockStartedAtUtc = nowUtc;
            Move(AppealStatus.Registered, EventKind.Registered, nowUtc, actorId, "Консультация по базе знаний", new { article = articleId });
        }
        AnswerText = text.Trim();
        AnswerResult = FederalResult.Explained;
        Move(AppealStatus.AnswerDraft, EventKind.AnswerDrafted, nowUtc, actorId, null, new { result = AnswerResult, article = articleId });
        SendAnswer(actorId, nowUtc);
        ClosedAtUtc = nowUtc;
        Move(AppealStatus.Closed, EventKind.Closed, nowUtc, actorId, $"Ответ дан по статье базы знаний «{articleTitle}»", new { article = articleId });
    }

    // ---- After the answer ----

    public const int LowRating = 2;

    /// <summary>The applicant rates the answer; 1–2 reopens the appeal for repeat consideration, 3–5 closes it.</summary>
    public void Rate(int score, string? comment, Guid? applicantId, DateTime nowUtc)
    {
        Require(Transition.Rate);
        if (score is < 1 or > 5)
            throw new InputException("score", "rating.score", "Оценка — от 1 до 5.", StatusCodes.Status422UnprocessableEntity);
        Rating = score;
        RatingComment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        Record(EventKind.Rated, nowUtc, applicantId, RatingComment, new { score });
        if (score <= LowRating)
        {
            ReconsiderationCount++;
            AnsweredAtUtc = null;
            AnswerClockStartedAtUtc = nowUtc;
            ExtensionDays = 0;
            // An answer may have gone out while the clock waited for the applicant: the new clock does not wait.
            PausedAtUtc = null;
            PausedSeconds = 0;
            PausedWorkingSeconds = 0;
            Move(AssigneeId is null ? AppealStatus.Registered : AppealStatus.InWork, EventKind.Reopened, nowUtc, applicantId,
                "Повторное рассмотрение после низкой оценки", new { score });
        }
        else
        {
            ClosedAtUtc = nowUtc;
            Move(AppealStatus.Closed, EventKind.Closed, nowUtc, applicantId, null, new { score });
        }
    }

    /// <summary>Closes an answered appeal that the applicant has not rated.</summary>
    public void Close(Guid? actorId, string? why, DateTime nowUtc)
    {
        Require(Transition.Close);
        ClosedAtUtc = nowUtc;
        Move(AppealStatus.Closed, EventKind.Closed, nowUtc, actorId, why, null);
    }

    // ---- Outcomes without an answer on the merits ----

    public void LeaveWithoutAnswer(Ground ground, string? comment, Guid actorId, DateTime nowUtc)
    {
        Require(Transition.LeaveWithoutAnswer);
        RequireGround(ground, AppealOutcome.LeaveWithoutAnswer);
        OutcomeGround = ground;
        ClosedAtUtc = nowUtc;
        Move(AppealStatus.LeftWithoutAnswer, EventKind.LeftWithoutAnswer, nowUtc, actorId, comment ?? Grounds.All[ground].Title, new { ground });
    }

    public void ReturnToApplicant(string comment, Guid actorId, DateTime nowUtc)
    {
        Require(Transition.ReturnToApplicant);
        RequireText(comment, "comment");
        OutcomeGround = Ground.CourtDecision;
        ClosedAtUtc = nowUtc;
        Move(AppealStatus.Returned, EventKind.Returned, nowUtc, actorId, comment.Trim(), new { ground = Ground.CourtDecision });
    }

    public void StopCorrespondence(string decision, Guid controllerId, DateTime nowUtc)
    {
        Require(Transition.StopCorrespondence);
        RequireText(decision, "decision");
        OutcomeGround = Ground.RepeatedQuestion;
        ClosedAtUtc = nowUtc;
        Move(AppealStatus.CorrespondenceStopped, EventKind.CorrespondenceStopped, nowUtc, controllerId, decision.Trim(), new { ground = Ground.RepeatedQuestion });
    }

    /// <summary>The value reported to ССТУ.РФ for this appeal now.</summary>
    public FederalResult FederalResult => FederalResultOf(Status, AnswerResult, ExtensionCount);

    /// <summary>The same value from the columns alone (a list reads them without loading the appeal).</summary>
    public static FederalResult FederalResultOf(AppealStatus status, FederalResult? answerResult, int extensionCount) => status switch
    {
        AppealStatus.Moderation or AppealStatus.Clarification => FederalResult.NotRegistered,
        AppealStatus.Rejected or AppealStatus.Merged => FederalResult.NotRegistered,
        AppealStatus.Redirected => FederalResult.RedirectedByCompetence,
        AppealStatus.LeftWithoutAnswer => FederalResult.LeftWithoutAnswer,
        AppealStatus.Returned or AppealStatus.CorrespondenceStopped => FederalResult.AnswerGiven,
        AppealStatus.AnswerSent or AppealStatus.Closed => answerResult ?? FederalResult.AnswerGiven,
        _ when extensionCount > 0 => FederalResult.ExtensionInProgress,
        _ => FederalResult.UnderConsideration,
    };

    // ---- Clocks and the deadline watch ----

    public const int MaxExtensionDays = AppealClock.MaxExtensionDays;

    /// <summary>The executor asks the applicant for documents or details: the answer clock stops until they come.</summary>
    public void PauseForApplicant(string request, Guid executorId, DateTime nowUtc)
    {
        Require(Transition.PauseForApplicant);
        if (PausedAtUtc is not null) throw new RuleException("clock.already_paused", "Срок уже приостановлен.");
        if (Applicant.Kind == ApplicantKind.Anonymous)
            throw new RuleException("clarification.no_contact", "У анонимного обращения нельзя запросить сведения.");
        RequireText(request, "request");
        PausedAtUtc = nowUtc;
        Record(EventKind.ClockPaused, nowUtc, executorId, request.Trim(), null);
    }

    /// <summary>The applicant answered (or the executor resumes): the deadline moves by the time the clock stood still.</summary>
    public void ResumeClock(string? note, Guid? actorId, DateTime nowUtc, DeadlineClock clock)
    {
        if (PausedAtUtc is not { } since) throw new RuleException("clock.not_paused", "Срок не приостановлен.");
        Require(Transition.ResumeClock);
        var (seconds, working) = AppealClock.PauseCost(since, nowUtc, clock);
        PausedSeconds += seconds;
        PausedWorkingSeconds += working;
        PausedAtUtc = null;
        if (!string.IsNullOrWhiteSpace(note)) Text = $"{Text}\n\nДополнение заявителя: {note.Trim()}";
        RefreshSearchText();
        Record(EventKind.ClockResumed, nowUtc, actorId, note?.Trim(), new { pausedSeconds = PausedSeconds });
    }

    /// <summary>
    /// Recomputes every deadline from the clocks' start instants with the policies of <paramref name="clock"/>: after each
    /// transition and whenever the calendar or the policies change. When the current stage deadline moves, the watch
    /// starts over for it.
    /// </summary>
    public void ApplyDeadlines(DeadlineClock clock, DateTime nowUtc)
    {
        var d = AppealClock.Compute(ClockFacts, clock, nowUtc);
        ModerationDueAtUtc = d.Moderation.EndUtc;
        ClarificationDueAtUtc = d.Clarification?.EndUtc;
        if (d.Answer is { } answer)
        {
            AnswerDueAtUtc = answer.EndUtc;
            AnswerDueDate = answer.DueDate ?? DateOnly.FromDateTime(answer.DueAt!.Value.DateTime);
            AnswerControlDate = answer.ControlDate ?? AnswerDueDate;
            AnswerPolicy = d.AnswerPolicy!.ToString();
        }
        var watched = d.Stage is not null && AppealClock.Watched.Contains(Status) && PausedAtUtc is null;
        if (d.Stage is { } stage && stage.EndUtc != DueAtUtc)
        {
            DueAtUtc = stage.EndUtc;
            AtRiskFromUtc = clock.AtRiskFrom(stage, d.StageStart);
            WatchLevel = WatchLevel.OnTrack;
        }
        NextWatchAtUtc = watched ? AppealClock.NextWatch(WatchLevel, AtRiskFromUtc, DueAtUtc, clock) : null;
    }

    /// <summary>The facts the clock computes the deadlines from.</summary>
    public AppealClock.Facts ClockFacts => new(Status, Regime, Kind, TopicId, Priority == AppealPriority.High, AnswerPolicyOverride,
        ReceivedAtUtc, ModerationStartedAtUtc, ClarificationAskedAtUtc, AnswerClockStartedAtUtc, WorkStartedAtUtc, PausedSeconds, PausedWorkingSeconds,
        ExtensionDays);

    /// <summary>The answer's policy in <paramref name="clock"/>: an auto-rule's override, else the deadline rules, else 30 days.</summary>
    public DeadlinePolicy AnswerPolicyFor(DeadlineClock clock) =>
        AppealClock.AnswerPolicy(AnswerPolicyOverride, Regime, Kind, TopicId, Priority == AppealPriority.High, clock);

    /// <summary>The watch's step: what the current stage deadline calls for now. Each level is reached once.</summary>
    public IReadOnlyList<WatchNotice> Watch(DeadlineClock clock, DateTime nowUtc)
    {
        var notices = new List<WatchNotice>();
        while (NextWatchAtUtc is { } next && next <= nowUtc && WatchLevel < WatchLevel.EscalatedToCentre)
        {
            var inModeration = Status == AppealStatus.Moderation;
            WatchLevel = AppealClock.NextLevel(WatchLevel, inModeration);
            var notice = WatchNotice.For(this, WatchLevel);
            notices.Add(notice);
            Record(WatchLevel switch { WatchLevel.AtRisk => EventKind.DeadlineAtRisk, WatchLevel.Overdue => EventKind.DeadlineMissed, _ => EventKind.Escalated },
                nowUtc, null, notice.Title, new { level = WatchLevel, dueAtUtc = DueAtUtc, notice.Role, notice.OrganisationId, notice.PersonId });
            NextWatchAtUtc = AppealClock.NextWatch(WatchLevel, AtRiskFromUtc, DueAtUtc, clock);
        }
        return notices;
    }

    // ---- Plumbing ----

    void Require(Transition t) => AppealLifecycle.Require(t, Status, Regime);

    static void RequireGround(Ground ground, AppealOutcome outcome)
    {
        if (!Enum.IsDefined(ground) || !ground.Allows(outcome))
            throw new InputException("ground", "outcome.ground", $"Основание «{(Enum.IsDefined(ground) ? Grounds.All[ground].Title : ground.ToString())}» не подходит для этого решения.",
                StatusCodes.Status422UnprocessableEntity);
    }

    static void RequireText(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new InputException(field, "field.required", "Поле обязательно для заполнения.", StatusCodes.Status422UnprocessableEntity);
    }

    void Move(AppealStatus to, EventKind kind, DateTime nowUtc, Guid? actorId, string? note, object? data)
    {
        var from = Status;
        Status = to;
        // A request for more time has nothing left to extend once the appeal leaves the work.
        if (!Working.Contains(to)) ClearExtensionRequest();
        Append(kind, nowUtc, actorId, from, note, data);
    }

    void Record(EventKind kind, DateTime nowUtc, Guid? actorId, string? note, object? data) => Append(kind, nowUtc, actorId, Status, note, data);

    void Append(EventKind kind, DateTime nowUtc, Guid? actorId, AppealStatus? from, string? note, object? data)
    {
        Version++;
        History.Add(AppealEvent.Create(Id, Version, kind, nowUtc, actorId, kind == EventKind.Received ? null : from, Status, note,
            data is null ? null : JsonSerializer.Serialize(data, Json.Options)));
    }

    void RefreshSearchText() =>
        SearchText = string.Join('\n', Number, Text, Address ?? "", Applicant.DisplayName).ToLowerInvariant();

}
