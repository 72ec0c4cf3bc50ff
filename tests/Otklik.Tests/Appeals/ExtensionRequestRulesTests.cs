using System.Text.Json;
using Otklik.Features.Appeals;
using Otklik.Infrastructure;
using static Otklik.Features.Appeals.AppealStatus;

namespace Otklik.Tests.Appeals;

/// <summary>Only the head extends a deadline; the executor asks for it. The request's own rules.</summary>
public sealed class ExtensionRequestRulesTests
{
    static readonly DateTime Now = Build.Now;

    static RuleException Refused(Appeal appeal, string code, Action call)
    {
        var before = AppealSnapshot.Of(appeal);
        var error = Assert.Throws<RuleException>(call);
        Assert.Equal(code, error.Code);
        Assert.Equal(before, AppealSnapshot.Of(appeal));
        return error;
    }

    static InputException BadInput(Appeal appeal, string field, string code, Action call)
    {
        var before = AppealSnapshot.Of(appeal);
        var error = Assert.Throws<InputException>(call);
        Assert.Equal(code, error.Code);
        Assert.Equal([field], error.Errors.Keys);
        Assert.Equal(before, AppealSnapshot.Of(appeal));
        return error;
    }

    [Theory]
    [InlineData(Registered)]
    [InlineData(Assigned)]
    [InlineData(InWork)]
    [InlineData(AnswerDraft)]
    [InlineData(AnswerReview)]
    public void The_executor_asks_for_an_extension_and_the_request_is_pending(AppealStatus status)
    {
        var appeal = Build.AppealIn(status);
        var due = appeal.DueAtUtc;
        Assert.True(appeal.MayRequestExtension(Now));

        appeal.RequestExtension(14, "  Ждём заключение экспертизы.  ", Build.Executor, Now);

        Assert.Equal((14, "Ждём заключение экспертизы."), (appeal.ExtensionRequestedDays, appeal.ExtensionRequestReason));
        var e = appeal.History[^1];
        Assert.Equal((EventKind.ExtensionRequested, Build.Executor, "Ждём заключение экспертизы."), (e.Kind, e.ActorId, e.Note));
        Assert.Equal(14, JsonDocument.Parse(e.Data!).RootElement.GetProperty("days").GetInt32());
        // Asking moves nothing: the deadline and the count of extensions stay until the head decides.
        appeal.ApplyDeadlines(Build.Clock, Now);
        Assert.Equal((due, 0, status), (appeal.DueAtUtc, appeal.ExtensionCount, appeal.Status));
        Assert.False(appeal.MayRequestExtension(Now));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    [InlineData(31)]
    public void A_request_out_of_one_to_thirty_days_is_refused(int days)
    {
        var appeal = Build.AppealIn(InWork);
        var error = BadInput(appeal, "days", "extension.days", () => appeal.RequestExtension(days, "Экспертиза.", Build.Executor, Now));
        Assert.Equal(422, error.Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void A_request_without_a_reason_is_refused(string reason)
    {
        var appeal = Build.AppealIn(InWork);
        BadInput(appeal, "reason", "field.required", () => appeal.RequestExtension(10, reason, Build.Executor, Now));
    }

    [Fact]
    public void A_second_request_while_one_is_pending_is_refused()
    {
        var appeal = Build.AppealIn(InWork);
        appeal.RequestExtension(10, "Экспертиза.", Build.Executor, Now);
        Refused(appeal, "extension.request_pending", () => appeal.RequestExtension(5, "Ещё немного.", Build.Executor, Now));
    }

    [Fact]
    public void Under_59_FZ_no_request_once_the_only_extension_is_used()
    {
        var appeal = Build.AppealIn(InWork);
        appeal.Extend(10, "Направлен межведомственный запрос.", Build.Controller, Now);
        Assert.False(appeal.MayRequestExtension(Now));
        Refused(appeal, "extension.once", () => appeal.RequestExtension(5, "Ещё немного.", Build.Executor, Now));
    }

    [Fact]
    public void Other_regimes_may_ask_again_after_an_extension()
    {
        var appeal = Build.AppealIn(InWork, LegalRegime.PlatformMessage);
        appeal.RequestExtension(3, "Подрядчик задерживает работы.", Build.Executor, Now);
        appeal.Extend(3, "Подрядчик задерживает работы.", Build.Controller, Now);

        appeal.RequestExtension(2, "Подрядчик перенёс работы ещё раз.", Build.Executor, Now);
        Assert.Equal(2, appeal.ExtensionRequestedDays);
    }

    [Fact]
    public void A_request_after_the_deadline_is_refused()
    {
        var appeal = Build.AppealIn(InWork);
        Assert.False(appeal.MayRequestExtension(appeal.DueAtUtc.AddSeconds(1)));
        Refused(appeal, "extension.too_late", () => appeal.RequestExtension(10, "Экспертиза.", Build.Executor, appeal.DueAtUtc.AddSeconds(1)));
    }

    [Fact]
    public void Extending_grants_the_request_and_clears_it()
    {
        var appeal = Build.AppealIn(InWork);
        var due = appeal.DueAtUtc;
        appeal.RequestExtension(14, "Экспертиза.", Build.Executor, Now);

        // The head may grant fewer days than asked.
        appeal.Extend(10, "Экспертиза займёт две недели.", Build.Controller, Now);
        appeal.ApplyDeadlines(Build.Clock, Now);

        Assert.Equal(((int?)null, (string?)null), (appeal.ExtensionRequestedDays, appeal.ExtensionRequestReason));
        Assert.Equal(due.AddDays(10), appeal.DueAtUtc);
        Assert.Equal([EventKind.ExtensionRequested, EventKind.Extended], appeal.History.TakeLast(2).Select(e => e.Kind));
    }

    [Fact]
    public void Declining_records_why_and_lets_the_executor_ask_again()
    {
        var appeal = Build.AppealIn(InWork);
        var due = appeal.DueAtUtc;
        appeal.RequestExtension(14, "Экспертиза.", Build.Executor, Now);

        appeal.DeclineExtension("  Экспертиза не нужна: есть акт осмотра.  ", Build.Controller, Now);

        Assert.Null(appeal.ExtensionRequestedDays);
        Assert.Null(appeal.ExtensionRequestReason);
        var e = appeal.History[^1];
        Assert.Equal((EventKind.ExtensionDeclined, Build.Controller, "Экспертиза не нужна: есть акт осмотра."), (e.Kind, e.ActorId, e.Note));
        Assert.Equal(14, JsonDocument.Parse(e.Data!).RootElement.GetProperty("days").GetInt32());
        appeal.ApplyDeadlines(Build.Clock, Now);
        Assert.Equal((due, 0), (appeal.DueAtUtc, appeal.ExtensionCount));
        // A refusal does not use up the 59-ФЗ extension.
        Assert.True(appeal.MayRequestExtension(Now));
    }

    [Fact]
    public void Declining_without_a_request_or_a_reason_is_refused()
    {
        var appeal = Build.AppealIn(InWork);
        Refused(appeal, "extension.no_request", () => appeal.DeclineExtension("Нет оснований.", Build.Controller, Now));

        appeal.RequestExtension(14, "Экспертиза.", Build.Executor, Now);
        BadInput(appeal, "reason", "field.required", () => appeal.DeclineExtension(" ", Build.Controller, Now));
    }

    [Fact]
    public void A_pending_request_lapses_when_the_appeal_leaves_the_work()
    {
        var appeal = Build.AppealIn(AnswerDraft);
        appeal.RequestExtension(14, "Экспертиза.", Build.Executor, Now);

        appeal.SubmitAnswer(needsApproval: false, Build.Executor, Now);

        Assert.Equal(AnswerSent, appeal.Status);
        Assert.Null(appeal.ExtensionRequestedDays);
    }

    [Theory]
    [InlineData(Moderation)]
    [InlineData(AnswerSent)]
    [InlineData(Closed)]
    public void No_request_outside_the_work(AppealStatus status)
    {
        var appeal = Build.AppealIn(status);
        Assert.False(appeal.MayRequestExtension(Now));
        Refused(appeal, "transition.execution.request_extension", () => appeal.RequestExtension(10, "Экспертиза.", Build.Executor, Now));
    }
}
