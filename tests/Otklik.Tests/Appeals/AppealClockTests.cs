using Otklik.Features.Appeals;
using Otklik.Infrastructure;
using static Otklik.Features.Appeals.AppealStatus;

namespace Otklik.Tests.Appeals;

/// <summary>The appeal's clock and co-executor route as pure functions (<see cref="AppealClock"/>, <see cref="CoExecutorRoute"/>): no database.</summary>
public sealed class AppealClockTests
{
    [Fact]
    public void The_computed_deadlines_are_the_ones_the_appeal_keeps()
    {
        var a = Build.AppealIn(InWork);
        var d = AppealClock.Compute(a.ClockFacts, Build.Clock, Build.Now);
        Assert.Equal(a.AnswerDueAtUtc, d.Answer!.EndUtc);
        Assert.Equal(a.DueAtUtc, d.Stage!.EndUtc);
        Assert.Equal(a.ModerationDueAtUtc, d.Moderation.EndUtc);
        Assert.Equal(a.AnswerPolicy, d.AnswerPolicy!.ToString());
    }

    [Fact]
    public void A_pause_and_an_extension_move_the_answer_deadline_and_a_stage_without_a_clock_has_none()
    {
        var facts = Build.AppealIn(InWork).ClockFacts;
        var plain = AppealClock.Compute(facts, Build.Clock, Build.Now).Answer!.EndUtc;
        Assert.True(AppealClock.Compute(facts with { PausedSeconds = 3 * 86400 }, Build.Clock, Build.Now).Answer!.EndUtc > plain);
        Assert.True(AppealClock.Compute(facts with { ExtensionDays = 10 }, Build.Clock, Build.Now).Answer!.EndUtc > plain);
        var closed = AppealClock.Compute(facts with { Status = Closed }, Build.Clock, Build.Now);
        Assert.Null(closed.Stage);
        Assert.Null(AppealClock.Compute(facts with { AnswerClockStartedAtUtc = null, Status = Moderation }, Build.Clock, Build.Now).Answer);
    }

    [Fact]
    public void A_pause_over_a_night_costs_its_wall_clock_time_but_few_working_seconds()
    {
        // Monday 2 March 2026 18:00 to Tuesday 09:00 in Yekaterinburg (UTC+5).
        var since = new DateTime(2026, 3, 2, 13, 0, 0, DateTimeKind.Utc);
        var (seconds, working) = AppealClock.PauseCost(since, since.AddHours(15), Build.Clock);
        Assert.Equal(15 * 3600, seconds);
        Assert.True(working < seconds / 5, $"{working} working seconds over a night");
    }

    [Fact]
    public void An_extension_is_1_to_30_days_once_under_59_FZ_and_before_the_deadline()
    {
        var due = Build.Now.AddDays(5);
        Assert.Equal("extension.days", Assert.Throws<InputException>(() => AppealClock.CheckExtension(0, LegalRegime.Obrashchenie59, 0, Build.Now, due)).Code);
        Assert.Equal("extension.days", Assert.Throws<InputException>(() => AppealClock.CheckExtension(31, LegalRegime.Obrashchenie59, 0, Build.Now, due)).Code);
        Assert.Equal("extension.once", Assert.Throws<RuleException>(() => AppealClock.CheckExtension(10, LegalRegime.Obrashchenie59, 1, Build.Now, due)).Code);
        Assert.Equal("extension.too_late", Assert.Throws<RuleException>(() => AppealClock.CheckExtension(10, LegalRegime.Obrashchenie59, 0, due.AddSeconds(1), due)).Code);
        AppealClock.CheckExtension(10, LegalRegime.Obrashchenie59, 0, Build.Now, due);
        AppealClock.CheckExtension(10, LegalRegime.BusinessConsultation, 3, Build.Now, due);
        Assert.False(AppealClock.ExtensionLeft(LegalRegime.Obrashchenie59, 1));
        Assert.True(AppealClock.ExtensionLeft(LegalRegime.PlatformMessage, 1));
    }

    [Fact]
    public void The_watch_climbs_one_level_at_a_time_and_an_overdue_moderation_goes_to_the_centre()
    {
        var levels = new List<WatchLevel> { WatchLevel.OnTrack };
        while (levels[^1] != WatchLevel.EscalatedToCentre) levels.Add(AppealClock.NextLevel(levels[^1], inModeration: false));
        Assert.Equal([WatchLevel.OnTrack, WatchLevel.AtRisk, WatchLevel.Overdue, WatchLevel.EscalatedToDispatcher, WatchLevel.EscalatedToController,
            WatchLevel.EscalatedToCentre], levels);
        Assert.Equal(WatchLevel.EscalatedToCentre, AppealClock.NextLevel(WatchLevel.Overdue, inModeration: true));
        var due = Build.Now.AddDays(3);
        Assert.Equal(Build.Now, AppealClock.NextWatch(WatchLevel.OnTrack, Build.Now, due, Build.Clock));
        Assert.Equal(due.AddSeconds(1), AppealClock.NextWatch(WatchLevel.AtRisk, Build.Now, due, Build.Clock));
        Assert.Null(AppealClock.NextWatch(WatchLevel.EscalatedToCentre, Build.Now, due, Build.Clock));
    }

    [Fact]
    public void The_route_waits_for_every_part_and_finds_the_overdue_ones()
    {
        var a = Build.AppealIn(InWork);
        var part = a.AddCoExecutor(Build.Fund, "Проверить выплату субсидии.", Build.Dispatcher, Build.Now);
        Assert.False(CoExecutorRoute.AllDone(a.Parts));
        Assert.True(CoExecutorRoute.HasOpenPart(a.Parts, Build.Fund));
        Assert.Null(CoExecutorRoute.NextStage(a.Parts));
        Assert.Empty(CoExecutorRoute.Overdue(a.Parts, Build.Now));
        Assert.Equal([part.Id], CoExecutorRoute.Overdue(a.Parts, part.DueAtUtc!.Value.AddSeconds(1)).Select(p => p.Id));
        a.CompletePart(part.Id, "Выплачена.", Build.Dispatcher, Build.Now);
        Assert.True(CoExecutorRoute.AllDone(a.Parts));
        Assert.False(CoExecutorRoute.HasOpenPart(a.Parts, Build.Fund));
    }
}
