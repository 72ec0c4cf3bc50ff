using Otklik.Features.Appeals;
using Otklik.Infrastructure;
using static Otklik.Features.Appeals.AppealStatus;

namespace Otklik.Tests.Appeals;

/// <summary>The state an old system's record brings in (ADR 0026): its facts and dates, and the statuses it cannot state.</summary>
public sealed class AppealImportRulesTests
{
    static readonly DateTime Opened = Build.Now.AddDays(-200);

    /// <summary>What intake makes of a record received <see cref="Opened"/>: an appeal in moderation since then.</summary>
    static Appeal Received() => Appeal.Submit(Build.Draft(), 2026, 900_001, Opened, Build.Clock);

    [Fact]
    public void An_answered_record_keeps_its_dates_answer_and_history_lines_in_order()
    {
        var appeal = Received();
        var before = appeal.History.Count;
        appeal.Import([new(Opened.AddDays(3), Build.Dispatcher, "Статус: В работе → Решено\nЗаменили фонари.", null), new(Opened.AddDays(1), null, "Статус: Новое → В работе", null)],
            new Appeal.ImportedState(Closed, Opened.AddDays(5), Build.MunA, Build.Executor, "Заменили фонари.", "Redmine (задача #3)", null), Build.Clock, Build.Now);

        Assert.Equal((Closed, Build.MunA, Build.Executor, "Заменили фонари.", (DateTime?)Opened.AddDays(5), (DateTime?)Opened.AddDays(5)),
            (appeal.Status, appeal.ExecutorOrganisationId, appeal.AssigneeId, appeal.AnswerText, appeal.AnsweredAtUtc, appeal.ClosedAtUtc));
        var imported = appeal.History.Skip(before).ToList();
        Assert.Equal([Opened.AddDays(1), Opened.AddDays(3), Opened.AddDays(5)], imported.Select(e => e.AtUtc));
        Assert.All(imported, e => Assert.Equal(EventKind.Imported, e.Kind));
        Assert.Equal((Moderation, Closed), (imported[^1].FromStatus, imported[^1].ToStatus));
        Assert.False(appeal.IsOverdue(Build.Now));
    }

    [Fact]
    public void A_record_in_work_needs_its_assignee_and_a_draft_or_review_cannot_be_stated_and_a_refusal_changes_nothing()
    {
        var appeal = Received();
        var before = AppealSnapshot.Of(appeal);

        Assert.Equal("import.no_assignee", Assert.Throws<RuleException>(() => appeal.Import([],
            new Appeal.ImportedState(InWork, Opened, null, null, null, "Redmine", null), Build.Clock, Build.Now)).Code);
        Assert.Equal("import.status", Assert.Throws<RuleException>(() => appeal.Import([],
            new Appeal.ImportedState(AnswerReview, Opened, null, Build.Executor, null, "Redmine", null), Build.Clock, Build.Now)).Code);
        Assert.Equal(before, AppealSnapshot.Of(appeal));
    }

    [Fact]
    public void A_record_still_open_in_the_old_system_is_as_late_here_as_it_really_is()
    {
        var appeal = Received();
        appeal.Import([], new Appeal.ImportedState(InWork, Opened.AddDays(2), Build.MunA, Build.Executor, null, "Redmine", null), Build.Clock, Build.Now);

        Assert.Equal((InWork, (DateTime?)Opened, (DateTime?)Opened.AddDays(2)), (appeal.Status, appeal.RegisteredAtUtc, appeal.WorkStartedAtUtc));
        Assert.True(appeal.AnswerDueAtUtc < Build.Now, "the answer clock ran from the registration the old system had");
        Assert.True(appeal.IsOverdue(Build.Now));
    }
}
