using Otklik.Features.Appeals;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Analytics;

/// <summary>The dashboard's small fixed data set, shared by the figures, ranking and sample-review tests and the browser tests.</summary>
public static class DashboardScenario
{
    /// <summary>
    /// 23.11: S1, S2 (territory A) and S3 (territory B) taken into work; S4 (subsidy) left in moderation; S5 by hotline, rejected.
    /// 24.11: S6 (A) into work; S3 answered (1 day). 25.11: S1 answered (2 days), rated 5. 27.11: S2 answered (4 days),
    /// rated 1 — reopened, a new 10-day clock. 06.12: S6 answered after 12 days, past its 10-day deadline. Now 07.12 07:00 UTC.
    /// </summary>
    public static async Task<(AppealView S1, AppealView S2, AppealView S3, AppealView S4, AppealView S5, AppealView S6)> FillAsync(TestApp app)
    {
        var r = app.Region;
        var s1 = await app.AppealInAsync(AppealStatus.InWork, Samples.Pothole(r, TestRegion.InsideA, "Яма у дома 1 по улице Ленина."));
        var s2 = await app.AppealInAsync(AppealStatus.InWork, Samples.Pothole(r, TestRegion.InsideA, "Яма у дома 2 по улице Ленина."));
        var s3 = await app.AppealInAsync(AppealStatus.InWork, Samples.Pothole(r, TestRegion.InsideB, "Яма у дома 3 по улице Мира."));
        var s4 = await app.SubmitAsync(Samples.Subsidy(r));
        var s5 = await app.SubmitAsync(Samples.Pothole(r, TestRegion.InsideA, "Звонок: реклама ремонта ям.").With("channel", "hotline"), Persona.CentreOperator);
        s5 = await app.ActAsync(Persona.CentreModerator, s5, "reject", new { ground = "spamOrAds" });

        app.Clock.Advance(TimeSpan.FromDays(1));
        var s6 = await app.AppealInAsync(AppealStatus.InWork, Samples.Pothole(r, TestRegion.InsideA, "Яма у дома 6 по улице Ленина."));
        s3 = await AnswerAsync(app, s3, Persona.MunBExecutor, Persona.MunBController);

        app.Clock.Advance(TimeSpan.FromDays(1));
        s1 = await AnswerAsync(app, s1, Persona.MunAExecutor, Persona.MunAController);
        s1 = await app.ActAsync(Persona.Applicant, s1, "rate", new { score = 5 });

        app.Clock.Advance(TimeSpan.FromDays(2));
        s2 = await AnswerAsync(app, s2, Persona.MunAExecutor, Persona.MunAController);
        s2 = await app.ActAsync(Persona.Applicant, s2, "rate", new { score = 1 });

        app.Clock.Advance(TimeSpan.FromDays(9));
        // S6's first answer goes back for rework once before it is sent.
        s6 = await app.ActAsync(Persona.MunAExecutor, s6, "answer", new { text = "Проверим.", result = "answerGiven" });
        s6 = await app.ActAsync(Persona.MunAExecutor, s6, "answer/submit");
        s6 = await app.ActAsync(Persona.MunAController, s6, "answer/return", new { reasons = new[] { "noDeadline" } });
        s6 = await AnswerAsync(app, s6, Persona.MunAExecutor, Persona.MunAController);
        app.Clock.Advance(TimeSpan.FromDays(1));
        return (s1, s2, s3, s4, s5, s6);
    }

    public static async Task<AppealView> AnswerAsync(TestApp app, AppealView a, Persona executor, Persona controller)
    {
        a = await app.ActAsync(executor, a, "answer", new { text = "Яма заделана, работы приняты.", result = "supportedMeasuresTaken" });
        a = await app.ActAsync(executor, a, "answer/submit");
        return await app.ActAsync(controller, a, "answer/approve");
    }
}
