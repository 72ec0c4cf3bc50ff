using System.Net;
using System.Net.Http.Json;
using Otklik.Features.Appeals;

namespace Otklik.Tests.Infrastructure;

/// <summary>Request bodies of typical appeals.</summary>
public static class Samples
{
    public static Dictionary<string, object?> Pothole(TestRegion r, (double Lat, double Lon)? at = null, string? text = null) => new()
    {
        ["type"] = "problem", ["channel"] = "portal", ["categoryId"] = r.CityCategory, ["topicId"] = r.PotholeTopic,
        ["address"] = "ул. Ленина, 10", ["latitude"] = (at ?? TestRegion.InsideA).Lat, ["longitude"] = (at ?? TestRegion.InsideA).Lon,
        ["text"] = text ?? "Глубокая яма на проезжей части у дома 10, машины объезжают по встречной полосе.",
        ["isPublic"] = true, ["publicationConsent"] = true,
        ["applicant"] = new Dictionary<string, object?> { ["kind"] = "person", ["lastName"] = "Иванова", ["firstName"] = "Мария", ["email"] = "maria@example.ru" },
    };

    public static Dictionary<string, object?> Subsidy(TestRegion r) => new()
    {
        ["type"] = "question", ["channel"] = "portal", ["categoryId"] = r.BusinessCategory, ["topicId"] = r.SubsidyTopic,
        ["text"] = "Как получить субсидию «Модернизация» на покупку станков? Какие документы нужны?",
        ["applicant"] = new Dictionary<string, object?>
        {
            ["kind"] = "organisation", ["organisationName"] = "ООО «Уралстанок»", ["inn"] = "7707083893", ["representativeName"] = "Петров Пётр",
            ["phone"] = "+7 343 200-00-00", ["email"] = "info@uralstanok.ru",
        },
    };

    public static Dictionary<string, object?> Housing(TestRegion r) => new()
    {
        ["type"] = "problem", ["channel"] = "portal", ["categoryId"] = r.CityCategory, ["topicId"] = r.HousingTopic,
        ["text"] = "Подрядчик капитального ремонта сорвал сроки замены кровли, в квартирах течёт с потолка.",
        ["applicant"] = new Dictionary<string, object?>
        {
            ["kind"] = "person", ["lastName"] = "Сидоров", ["firstName"] = "Иван", ["postalAddress"] = "620000, г. А, ул. Мира, 5, кв. 3",
        },
    };

    public static Dictionary<string, object?> With(this Dictionary<string, object?> body, string key, object? value)
    {
        var copy = new Dictionary<string, object?>(body) { [key] = value };
        return copy;
    }

    public static Dictionary<string, object?> Without(this Dictionary<string, object?> body, string key)
    {
        var copy = new Dictionary<string, object?>(body);
        copy.Remove(key);
        return copy;
    }
}

/// <summary>Drives appeals through their life over HTTP, as the people of the test region would.</summary>
public static class Scenario
{
    public static async Task<AppealView> SubmitAsync(this TestApp app, Dictionary<string, object?>? body = null, Persona by = Persona.Applicant, string? key = null)
    {
        var client = app.ClientAs(by);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/appeals") { Content = JsonContent.Create(body ?? Samples.Pothole(app.Region), options: HttpExtensions.Options) };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        var response = await client.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.Created)
            Assert.Fail($"Submit failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.ReadAsync<AppealView>();
    }

    public static async Task<AppealView> ActAsync(this TestApp app, Persona who, AppealView appeal, string action, object? body = null)
    {
        var payload = new Dictionary<string, object?> { ["version"] = appeal.Version };
        if (body is not null)
            foreach (var p in body.GetType().GetProperties()) payload[char.ToLowerInvariant(p.Name[0]) + p.Name[1..]] = p.GetValue(body);
        var response = await app.ClientAs(who).PostJsonAsync($"/api/v1/appeals/{appeal.Id}/{action}", payload);
        if (response.StatusCode != HttpStatusCode.OK)
            Assert.Fail($"{who} {action} on {appeal.Number} ({appeal.Status}): {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.ReadAsync<AppealView>();
    }

    public static async Task<AppealView> GetAsync(this TestApp app, Guid id, Persona who = Persona.CentreModerator) =>
        await (await app.ClientAs(who).GetAsync($"/api/v1/appeals/{id}")).ReadAsync<AppealView>();

    /// <summary>A pothole in territory A (municipality A), submitted by the applicant and brought to <paramref name="status"/>.</summary>
    public static async Task<AppealView> AppealInAsync(this TestApp app, AppealStatus status, Dictionary<string, object?>? body = null)
    {
        var a = await app.SubmitAsync(body);
        if (status == AppealStatus.Moderation) return a;
        if (status == AppealStatus.Clarification) return await app.ActAsync(Persona.CentreModerator, a, "clarification-request", new { question = "Уточните номер дома." });
        if (status == AppealStatus.Rejected) return await app.ActAsync(Persona.CentreModerator, a, "reject", new { ground = "spamOrAds" });
        a = await app.ActAsync(Persona.CentreModerator, a, "register");
        if (status == AppealStatus.Registered) return a;
        var (dispatcher, executor, controller) = Staff(app, a);
        a = await app.ActAsync(dispatcher, a, "assign", new { personId = app.Region.IdOf(executor) });
        if (status == AppealStatus.Assigned) return a;
        a = await app.ActAsync(executor, a, "start");
        if (status == AppealStatus.InWork) return a;
        if (status == AppealStatus.Redirected) return await app.ActAsync(executor, a, "redirect", new { organisationId = app.Region.Fns, reason = "Вопрос налогового контроля" });
        if (status == AppealStatus.LeftWithoutAnswer) return await app.ActAsync(controller, a, "leave-without-answer", new { ground = "obsceneOrThreats" });
        if (status == AppealStatus.Returned) return await app.ActAsync(controller, a, "return", new { comment = "Обжалуется решение суда" });
        if (status == AppealStatus.CorrespondenceStopped) return await app.ActAsync(controller, a, "stop-correspondence", new { comment = "Ответ дан трижды" });
        a = await app.ActAsync(executor, a, "answer", new { text = "Яма будет заделана до 1 декабря, работы включены в план.", result = "supportedMeasuresTaken" });
        if (status == AppealStatus.AnswerDraft) return a;
        a = await app.ActAsync(executor, a, "answer/submit");
        if (status == AppealStatus.AnswerReview) return a;
        a = await app.ActAsync(controller, a, "answer/approve");
        if (status == AppealStatus.AnswerSent) return a;
        if (status == AppealStatus.Closed) return await app.ActAsync(Persona.Applicant, a, "rate", new { score = 5 });
        throw new ArgumentOutOfRangeException(nameof(status), status, "No scenario for this status.");
    }

    public static (Persona Dispatcher, Persona Executor, Persona Controller) Staff(TestApp app, AppealView a) =>
        a.ExecutorOrganisationId == app.Region.MunB ? (Persona.MunBDispatcher, Persona.MunBExecutor, Persona.MunBController)
        : a.ExecutorOrganisationId == app.Region.MinInvest ? (Persona.MinInvestDispatcher, Persona.MinInvestExecutor, Persona.MinInvestController)
        : (Persona.MunADispatcher, Persona.MunAExecutor, Persona.MunAController);
}
