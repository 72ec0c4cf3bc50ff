using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Deadlines;
using Otklik.Features.Directory;
using Otklik.Features.Routing;

namespace Otklik.Features.DemoRegion;

/// <summary>
/// The script of one demo appeal's life: each step is an entity method called by the person whose duty it is, as the
/// people of the demo region would, so that the history is real. <see cref="PlayAsync"/> plays the steps in order from
/// the receipt; staff act in office hours, and the clock only moves forward and never past now.
/// </summary>
sealed class DemoLife(Appeal appeal, DemoDirectory d, AppDbContext db, IReadOnlyDictionary<string, Appeal> earlier, DateTime receivedAtUtc,
    DateTime nowUtc, Random jitter, DeadlineClock clock)
{
    static readonly TimeZoneInfo Zone = TimeZones.Find(DemoDirectory.Zone);

    readonly List<Func<CancellationToken, Task>> _steps = [];
    DateTime _at = receivedAtUtc;

    public async Task PlayAsync(CancellationToken ct)
    {
        foreach (var step in _steps)
        {
            await step(ct);
            appeal.ApplyDeadlines(clock, _at);
        }
    }

    DemoLife Then(Action step)
    {
        _steps.Add(_ => { step(); return Task.CompletedTask; });
        return this;
    }

    Organisation Executor => d.OrganisationOf(appeal.ExecutorOrganisationId ?? throw new InvalidOperationException($"{appeal.Number} has no executor yet."));
    Guid Staff(Role role) => d.PersonFor(role, Executor);
    Guid Moderator => d.PersonFor(Role.Moderator, d.Centre);
    /// <summary>The applicant's account, or the operator who registered the appeal for them and relays their words.</summary>
    Guid? Applicant => appeal.ApplicantUserId ?? appeal.RegisteredById;

    // ---- Moderation ----

    /// <summary>Registers the appeal with the executor the moderator chose, or else the automatic first route, as the API does.</summary>
    public DemoLife Register(double after = 5)
    {
        _steps.Add(async ct =>
        {
            var at = Office(after);
            if (appeal.ExecutorOrganisationId is null)
            {
                var choice = await FirstRouting.ChooseAsync(db, appeal.TopicId, appeal.TerritoryId, ct)
                    ?? throw new InvalidOperationException($"{appeal.Number}: the first routing finds no executor.");
                appeal.Route(choice.OrganisationId, choice.Why, null, at);
            }
            appeal.Register(Moderator, at);
        });
        return this;
    }

    public DemoLife Route(Organisation to, double after = 3) =>
        Then(() => appeal.Route(to.Id, "Выбор модератора", Moderator, Office(after)));

    public DemoLife Reclassify(string topicKey, double after = 3)
    {
        var topic = d.Topic(topicKey);
        return Then(() => appeal.Reclassify(appeal.CurrentClassification with
        {
            CategoryId = topic.CategoryId, TopicId = topic.Id, Kind = topic.DefaultKind, Regime = topic.DefaultRegime,
        }, Moderator, Office(after)));
    }

    /// <summary>The moderator masks third parties' personal data in the text the portal publishes.</summary>
    public DemoLife Mask(string publicText, double after = 2) =>
        Then(() => appeal.SetPublicText(publicText, Moderator, Office(after)));

    public DemoLife AskClarification(string question, double after = 4) =>
        Then(() => appeal.AskClarification(question, Moderator, Office(after)));

    public DemoLife Clarify(string text, double after = 9) =>
        Then(() => appeal.GiveClarification(text, Applicant, Anytime(after)));

    /// <summary>The clarification sweep rejects the appeal a minute after the 3 days ran out.</summary>
    public DemoLife ClarificationExpires() => Then(() =>
    {
        var at = appeal.ClarificationDueAtUtc!.Value.AddSeconds(40);
        if (at >= nowUtc) throw new InvalidOperationException($"{appeal.Number}: the clarification has not expired yet; receive the appeal earlier.");
        _at = at;
        appeal.ExpireClarification(at);
    });

    public DemoLife Reject(Ground ground, string? comment = null, double after = 6) =>
        Then(() => appeal.Reject(ground, comment, Moderator, Office(after)));

    public DemoLife MergeInto(string targetKey, double after = 3) => Then(() =>
    {
        var target = earlier.GetValueOrDefault(targetKey) ?? throw new InvalidOperationException($"Demo appeal «{targetKey}» must be received before its duplicate.");
        // The target's own story has been played already: the merge comes after its last event.
        if (target.History[^1].AtUtc > _at) _at = target.History[^1].AtUtc;
        appeal.MergeInto(target, Moderator, Office(after));
    });

    // ---- Execution ----

    public DemoLife Assign(double after = 4) =>
        Then(() => appeal.Assign(Staff(Role.Executor), Staff(Role.Dispatcher), Office(after)));

    public DemoLife Start(double after = 3) =>
        Then(() => appeal.StartWork(Staff(Role.Executor), Office(after)));

    /// <summary>Assigned to the executor of the organisation, who takes it into work.</summary>
    public DemoLife Work() => Assign().Start();

    public DemoLife Step(string note, double after = 20) =>
        Then(() => appeal.RecordStep(note, Staff(Role.Executor), Office(after)));

    public DemoLife Redirect(Organisation to, string reason, double after = 8) =>
        Then(() => appeal.Redirect(to.Id, to.IsConnected, reason, Staff(Role.Executor), Office(after)));

    public DemoLife Extend(int days, string reason, double after = 24) =>
        Then(() => appeal.Extend(days, reason, Staff(Role.Controller), Office(after)));

    public DemoLife CoExecutor(Organisation org, string task, string? result = null, double after = 5) => Then(() =>
    {
        var part = appeal.AddCoExecutor(org.Id, task, Staff(Role.Executor), Office(after));
        if (result is not null) appeal.CompletePart(part.Id, result, d.PersonFor(Role.Executor, org), Office(40));
    });

    // ---- Answer ----

    public DemoLife Answer(string text, FederalResult result, double after = 30) =>
        Then(() => appeal.DraftAnswer(text, result, Staff(Role.Executor), Office(after)));

    public DemoLife Submit(double after = 1) =>
        Then(() => appeal.SubmitAnswer(Executor.AnswersNeedApproval, Staff(Role.Executor), Office(after)));

    public DemoLife Approve(double after = 6) =>
        Then(() => appeal.ApproveAnswer(Staff(Role.Controller), Office(after)));

    /// <summary>The answer drafted, submitted and, where the organisation needs it, approved: it reaches the applicant.</summary>
    public DemoLife Answered(string text, FederalResult result) =>
        Answer(text, result).Submit().Then(() =>
        {
            if (appeal.Status == AppealStatus.AnswerReview) appeal.ApproveAnswer(Staff(Role.Controller), Office(6));
        });

    public DemoLife ReturnForRework(ReworkReason reason, string comment, double after = 5) =>
        Then(() => appeal.ReturnForRework([reason], comment, Staff(Role.Controller), Office(after)));

    // ---- After the answer ----

    public DemoLife Rate(int score, string? comment = null, double after = 28) =>
        Then(() => appeal.Rate(score, comment, Applicant, Anytime(after)));

    public DemoLife Close(string why, double after = 240) =>
        Then(() => appeal.Close(Moderator, why, Office(after)));

    // ---- Outcomes without an answer on the merits ----

    public DemoLife LeaveWithoutAnswer(Ground ground, string comment, double after = 30) =>
        Then(() => appeal.LeaveWithoutAnswer(ground, comment, Staff(Role.Controller), Office(after)));

    public DemoLife ReturnToApplicant(string comment, double after = 30) =>
        Then(() => appeal.ReturnToApplicant(comment, Staff(Role.Controller), Office(after)));

    public DemoLife StopCorrespondence(string decision, double after = 30) =>
        Then(() => appeal.StopCorrespondence(decision, Staff(Role.Controller), Office(after)));

    // ---- The clock ----

    DateTime Office(double hours) => Advance(hours, office: true);
    DateTime Anytime(double hours) => Advance(hours, office: false);

    DateTime Advance(double hours, bool office)
    {
        // People do not act on the hour: a few minutes either way, the same on every start.
        var next = _at.AddHours(hours).AddMinutes(jitter.Next(-20, 40));
        if (office) next = InOfficeHours(next);
        // A story that would run into the future is compressed towards now, never reordered.
        if (next > nowUtc.AddMinutes(-5)) next = _at + (nowUtc - _at) / 3;
        return _at = next;
    }

    static DateTime InOfficeHours(DateTime utc)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(utc, Zone);
        if (local.Hour >= 18) local = local.Date.AddDays(1).AddHours(9).AddMinutes(local.Minute);
        else if (local.Hour < 9) local = local.Date.AddHours(9).AddMinutes(local.Minute);
        while (local.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) local = local.AddDays(1);
        return TimeZoneInfo.ConvertTimeToUtc(local, Zone);
    }
}
