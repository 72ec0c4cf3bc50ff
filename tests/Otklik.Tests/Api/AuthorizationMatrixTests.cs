using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Roadmaps;
using static Otklik.Features.Appeals.AppealStatus;
using static Otklik.Tests.Infrastructure.AccessMatrix;
using static Otklik.Tests.Infrastructure.Persona;

namespace Otklik.Tests.Api;

/// <summary>
/// Every endpoint of /api/v1 × every caller (anonymous and each persona of the test region) → the status the table says.
/// The appeal is always in the state where the action is legal, so a refusal is about who calls, never about the state.
/// The rules: anonymous → 401; whoever cannot see the appeal → 404 (its existence is not revealed); whoever sees it but
/// lacks the duty → 403; the duty → 200. Directory changes → 403 for non-administrators and outside the administrator's scope.
/// </summary>
public sealed class AuthorizationMatrixTests(AppPool pool) : IClassFixture<AppPool>
{
    const string Api = "/api/v1";

    // A pothole in territory A. The centre owns (moderates) it; once registered it goes to municipality A.
    // The analyst and the administrator hold their roles at the region root, so their scope reaches everything.
    static readonly Persona[] CentreSees = [Applicant, CentreOperator, CentreModerator, CentreAnalyst, RegionAdmin];
    static readonly Persona[] MunASees = [.. CentreSees, MunADispatcher, MunAExecutor, MunAController];
    static readonly Persona[] MunAExecutes = [MunADispatcher, MunAExecutor];
    // A subsidy question: the ministry of investment answers it; its specialist sits in a department under the ministry.
    static readonly Persona[] MinInvestSees = [.. CentreSees, MinInvestDispatcher, MinInvestExecutor, MinInvestController];

    static IReadOnlyList<Line> Matrix(TestRegion r) =>
    [
        // ---- Reading appeals: whoever sees the appeal gets 200, every other signed-in caller 404 ----
        new Line("GET", $"{Api}/appeals", "searched by its number: listed exactly for those who see it", Expect.SignedIn(200),
            AppealIn(InWork), NoBody) { Query = "?q={number}", Check = Lists(MunASees) },
        Read("/appeals/{id:guid}", "in moderation, not routed yet", AppealIn(Moderation), CentreSees),
        Read("/appeals/{id:guid}", "in work at МО А", AppealIn(InWork), MunASees),
        Read("/appeals/by-number/{number}", "in work at МО А", AppealIn(InWork), MunASees),
        Read("/appeals/{id:guid}/history", "in work at МО А", AppealIn(InWork), MunASees),
        Read("/appeals/{id:guid}", "Мининвест, assigned to a specialist of its department", SubsidyIn(InWork), MinInvestSees),
        new Line("GET", $"{Api}/attachments/{{id:guid}}", "photo of an appeal in work at МО А", Expect.Everyone(404).With(200, MunASees),
            PhotoOfAppeal(r), NoBody),

        // ---- The dashboard: every staff role that sees appeals gets the counts of what it sees ----
        new Line("GET", $"{Api}/stats/dashboard", "counts of what the caller sees",
            Expect.SignedIn(200).With(403, Applicant, OtherApplicant, NoRoles, ContentEditor), Setup.None, NoBody),
        new Line("GET", $"{Api}/stats/overview", "the analytics dashboard over what the caller sees",
            Expect.SignedIn(200).With(403, Applicant, OtherApplicant, NoRoles, ContentEditor), Setup.None, NoBody),
        new Line("GET", $"{Api}/stats/ranking", "the executors' ranking over what the caller sees",
            Expect.SignedIn(200).With(403, Applicant, OtherApplicant, NoRoles, ContentEditor), Setup.None, NoBody),

        // ---- Moderation: the moderator of the owning centre ----
        new Line("GET", $"{Api}/appeals/{{id:guid}}/proposed-route", "Moderation",
            Expect.SignedIn(404).With(403, CentreSees).With(200, CentreModerator), AppealIn(Moderation), NoBody),
        new Line("GET", $"{Api}/appeals/{{id:guid}}/likely-duplicates", "Moderation",
            Expect.SignedIn(404).With(403, CentreSees).With(200, CentreModerator), AppealIn(Moderation), NoBody),
        new Line("GET", $"{Api}/queues/counters", "the caller's own queues", Expect.SignedIn(200), Setup.None, NoBody),
        new Line("GET", $"{Api}/executors/load", "the caller's own organisations", Expect.SignedIn(403).With(200, MunADispatcher, MunBDispatcher, MinInvestDispatcher),
            Setup.None, NoBody),
        new Line("GET", $"{Api}/appeals/export.csv", "what the caller sees",
            Expect.SignedIn(200).With(403, Applicant, OtherApplicant, NoRoles, ContentEditor), Setup.None, NoBody),
        new Line("GET", $"{Api}/appeals/export.xlsx", "what the caller sees",
            Expect.SignedIn(200).With(403, Applicant, OtherApplicant, NoRoles, ContentEditor), Setup.None, NoBody),
        Act("clarification-request", Moderation, CentreSees, [CentreModerator], new { question = "Уточните номер дома." }),
        Act("clarification", Clarification, CentreSees, [Applicant], new { text = "Дом 10, напротив второго подъезда." }),
        Act("clarification-delivered", Clarification, CentreSees, [CentreModerator], new { how = "Вопрос передан по телефону." }),
        Act("reject", Moderation, CentreSees, [CentreModerator], new { ground = "spamOrAds" }),
        Act("reclassify", Moderation, CentreSees, [CentreModerator], new { address = "ул. Ленина, 12" }),
        Act("route", Moderation, CentreSees, [CentreModerator], new { organisationId = r.MunA }),
        Act("register", Moderation, CentreSees, [CentreModerator]),
        Act("merge", TwoAppealsInModeration, CentreSees, [CentreModerator], t => new { targetAppealId = t.OtherId }),
        Act("public-text", Moderation, CentreSees, [CentreModerator], new { text = "Глубокая яма на проезжей части у дома ***." }),
        Act("public-unmasked", Moderation, CentreSees, [CentreModerator], new { fragments = new[] { "ул. Ленина" } }),
        // Bulk actions answer 200 to any staff caller: each appeal is refused or done inside the result, by the single action's rules.
        new Line("POST", $"{Api}/appeals/bulk", "tag an appeal in moderation: done only for the moderator, refused in the result for the rest",
            Expect.SignedIn(200).With(403, Applicant, OtherApplicant, NoRoles), AppealIn(Moderation),
            Json(t => new { action = "tag", tag = "проверка", items = new[] { new { id = t.Id, version = t.Version } } })) { Check = BulkDoneFor([CentreModerator]) },

        // ---- Execution: the dispatcher, executors and controller of the executor organisation ----
        Act("assign", Registered, MunASees, [MunADispatcher], new { personId = r.IdOf(MunAExecutor) }),
        Act("start", Assigned, MunASees, MunAExecutes),
        Act("start", SubsidyIn(Assigned), MinInvestSees, [MinInvestDispatcher, MinInvestExecutor]),
        Act("steps", InWork, MunASees, MunAExecutes, new { note = "Выезд на место, яма сфотографирована." }),
        Act("redirect", InWork, MunASees, [.. MunAExecutes, CentreModerator], new { organisationId = r.MinHousing, reason = "Дорога областного значения." }),
        Act("extend", InWork, MunASees, [MunAController], new { days = 10, reason = "Нужна экспертиза покрытия." }),
        // Only the head extends; the executor asks for it, and the head may also decline the request.
        Act("extension-request", InWork, MunASees, MunAExecutes, new { days = 10, reason = "Нужна экспертиза покрытия." }),
        Act("extension-request/decline", ExtensionRequested, MunASees, [MunAController], new { reason = "Экспертиза не требуется." }),
        // The clock stops while the executor waits for the applicant; the applicant's answer (or the executor) restarts it.
        Act("pause", InWork, MunASees, MunAExecutes, new { request = "Пришлите фото ямы с привязкой к номеру дома." }),
        Act("resume", PausedInWork, MunASees, [Applicant, .. MunAExecutes], new { note = "Фото приложено, дом 10." }),
        Act("co-executors", InWork, MunASees, MunAExecutes, new { organisationId = r.MinInvest, task = "Сообщите, есть ли дорога в программе ремонта." }),
        // The part belongs to the co-executor (Мининвест): only its dispatcher or executors complete it. The ministry's specialist
        // sits in a department below the ministry, so the ministry-level part is out of their reach.
        Act("co-executors/{partId:guid}/complete", PartAtMinInvest(r), [.. MunASees, MinInvestDispatcher, MinInvestController], [MinInvestDispatcher],
            new { result = "Дорога включена в программу ремонта 2027 года." }),
        Act("answer", InWork, MunASees, MunAExecutes, new { text = "Яма будет заделана до 1 декабря.", result = "supportedMeasuresTaken" }),
        Act("answer/submit", AnswerDraft, MunASees, MunAExecutes),
        Act("answer/approve", AnswerReview, MunASees, [MunAController]),
        Act("answer/return", AnswerReview, MunASees, [MunAController], new { reasons = new[] { "noEvidence" } }),
        Act("leave-without-answer", InWork, MunASees, [MunAController], new { ground = "obsceneOrThreats" }),
        Act("return", InWork, MunASees, [MunAController], new { comment = "Обжалуется решение суда." }),
        Act("stop-correspondence", InWork, MunASees, [MunAController], new { comment = "Ответ по существу дан трижды." }),
        // The document exchange (ADR 0044): the executor or the centre's moderator sends a package; with no document system
        // configured here the change is refused as a rule (409) after the duty check, and the gateway's notices are 404.
        new Line("POST", $"{Api}/appeals/{{id:guid}}/document-packages", "in work at МО А, no document system configured",
            Expect.SignedIn(404).With(403, MunASees).With(409, [.. MunAExecutes, CentreModerator]), AppealIn(InWork),
            Json(t => WithVersion(t, new { recipient = "Министерство транспорта", note = "По компетенции." }))) { ActsOnAppeal = true },
        Read("/appeals/{id:guid}/document-packages", "in work at МО А", AppealIn(InWork), MunASees),
        new Line("POST", $"{Api}/msed/notices", "no document system configured", Expect.Everyone(404), Setup.None,
            Json(_ => new { packageId = Guid.NewGuid(), kind = "registered", registrationNumber = "1", registeredOn = "2026-12-07" })),

        // ---- Complaint roadmaps: the executor builds, the controller approves, the step's owner reports ----
        Read("/appeals/{id:guid}/roadmap", "complaint in work at МО А", ComplaintInWork, MunASees),
        Act("roadmap/steps", ComplaintInWork, MunASees, MunAExecutes,
            new { title = "Запросить у подрядчика график работ", ownerOrganisationId = r.MunA, policy = "working-days:2" }),
        new Line("PUT", $"{Api}/appeals/{{id:guid}}/roadmap/steps/{{stepId:guid}}", ComplaintWithStep.Name,
            Expect.SignedIn(404).With(403, MunASees).With(200, MunAExecutes), ComplaintWithStep,
            Json(t => WithVersion(t, new { title = "Запросить график и смету", ownerOrganisationId = r.MunA, policy = "working-days:3" }))) { ActsOnAppeal = true },
        Act("roadmap/steps/{stepId:guid}/cancel", ComplaintWithStep, MunASees, MunAExecutes, new { reason = "Подрядчик сам прислал график." }),
        Act("roadmap/order", ComplaintWithStep, MunASees, MunAExecutes, t => new { stepIds = new[] { t.PartId } }),
        Act("roadmap/apply-template", ComplaintAndTemplate(r), MunASees, MunAExecutes, t => new { templateId = t.OtherId }),
        Act("roadmap/approve", ComplaintWithStep, MunASees, [MunAController]),
        Act("roadmap/reopen", ComplaintApproved, MunASees, [.. MunAExecutes, MunAController], new { reason = "Сменился подрядчик." }),
        // The owner of the step (here МО А itself: its dispatcher, executor or controller) reports it.
        Act("roadmap/steps/{stepId:guid}/report", ComplaintApproved, MunASees, [.. MunAExecutes, MunAController],
            new { status = "done", result = "Акт осмотра составлен." }),

        // ---- The Business Protection HQ: the executor's controller or the centre escalates; HQ members see it and decide ----
        Read("/appeals/{id:guid}/hq", "complaint in work at МО А", ComplaintInWork, MunASees),
        Read("/appeals/{id:guid}/hq", "complaint escalated to the HQ", ComplaintEscalated, [.. MunASees, HqMember]),
        Read("/appeals/{id:guid}/roadmap", "complaint escalated to the HQ", ComplaintEscalated, [.. MunASees, HqMember]),
        Act("hq", ComplaintInWork, MunASees, [MunAController, CentreModerator, CentreAnalyst], new { reason = "Давление на бизнес со стороны проверяющих." }),
        Act("hq/decisions", ComplaintEscalated, [.. MunASees, HqMember], [HqMember],
            new { date = DateOnly.FromDateTime(TestApp.Start.UtcDateTime), text = "Городу Б выдать ордер на работы.", organisationIds = new[] { r.MunB } }),
        new Line("GET", $"{Api}/hq/complaints", "", Expect.SignedIn(403).With(200, HqMember), ComplaintEscalated, NoBody),

        // ---- Roadmap templates: staff read them, the region's administrator keeps them ----
        new Line("GET", $"{Api}/roadmap-templates", "", Expect.SignedIn(200).With(403, Applicant, OtherApplicant, NoRoles), Setup.None, NoBody),
        new Line("GET", $"{Api}/roadmap-templates/{{id:guid}}", "", Expect.SignedIn(200).With(403, Applicant, OtherApplicant, NoRoles),
            RoadmapTemplate(r), NoBody),
        Admin("POST", "/roadmap-templates", "", Setup.None, _ => NewRoadmapTemplate(r), 201, RegionAdmin),
        Admin("PUT", "/roadmap-templates/{id:guid}", "", RoadmapTemplate(r), t => NewRoadmapTemplate(r, t.Version), 200, RegionAdmin),
        new Line("DELETE", $"{Api}/roadmap-templates/{{id:guid}}", "", Expect.SignedIn(403).With(204, RegionAdmin), RoadmapTemplate(r), NoBody),

        // ---- After the answer: the applicant rates it; the centre closes it if they don't ----
        Act("rate", AnswerSent, MunASees, [Applicant], new { score = 5 }),
        Act("close", AnswerSent, MunASees, [CentreModerator, CentreOperator]),

        // ---- Intake: who may submit depends on the legal regime and the channel ----
        Submit("business consultation: anonymous allowed", Expect.Everyone(201), Samples.Subsidy(r)),
        Submit("59-ФЗ обращение: identification required", Expect.SignedIn(201) with { Anonymous = 422 }, Samples.Housing(r)),
        Submit("hotline channel: operator or integration only", Expect.Everyone(409).With(201, CentreOperator, RegionAdmin, MunBAdmin),
            Samples.Pothole(r).With("channel", "hotline")),
        new Line("POST", $"{Api}/attachments", "a photo", Expect.Everyone(201), Setup.None, _ => Photo()),
        // The operator's applicant lookup: an operator of a call-taking organisation (the centre) only.
        new Line("GET", $"{Api}/applicants/lookup", "by the full e-mail address", Expect.SignedIn(403).With(200, CentreOperator), Setup.None, NoBody)
            { Query = "?q=maria@example.ru" },

        // ---- Channels (issue 18): an incident collector's batch takes a key of the incidents scope, which no persona's key has ----
        new Line("POST", $"{Api}/incidents/posts", "a batch of one post", Expect.SignedIn(403), Setup.None,
            Json(_ => new { callbackUrl = "https://collector.example/answers", posts = new[] { new { network = "vk", postId = "1", authorPublicId = "id1",
                text = "Открытый люк на улице Ленина у дома 12, опасно вечером.", categoryId = r.CityCategory } } })),
        // The PBX's incoming call: a key of the telephony scope only.
        new Line("POST", $"{Api}/telephony/calls", "a call from a whole number", Expect.SignedIn(403), Setup.None,
            Json(_ => new { callId = "1795000000.1", callerNumber = "89120000000" })),
        // The platforms' webhooks are open to anyone and checked by the platform's own secret (none here): 404 while the bot
        // and the community are not configured, as in this app.
        new Line("POST", $"{Api}/telegram/webhook", "no bot configured", Expect.Everyone(404), Setup.None, Json(_ => new { update_id = 1 })),
        new Line("POST", $"{Api}/vk/callback", "no community configured", Expect.Everyone(404), Setup.None, Json(_ => new { type = "confirmation", group_id = 1 })),
        // The outside platforms' API answers only for a configured platform, by its own key (none here): 404 for everyone (ADR 0043).
        new Line("POST", $"{Api}/platforms/{{platform}}/messages", "no platform configured", Expect.Everyone(404), Setup.None,
            Json(_ => new { messageId = "1", text = "Яма на дороге у дома 12 по улице Ленина." })) { Path = $"{Api}/platforms/pos/messages" },
        new Line("GET", $"{Api}/platforms/{{platform}}/messages/{{messageId}}", "no platform configured", Expect.Everyone(404), Setup.None, NoBody)
            { Path = $"{Api}/platforms/pos/messages/1" },

        // ---- Sign-in ----
        new Line("POST", $"{Api}/auth/login", "the moderator's e-mail and password", Expect.Everyone(200), Setup.None,
            Json(_ => new { email = "centremoderator@test.example", password = TestRegion.Password })),
        new Line("POST", $"{Api}/auth/logout", "", Expect.Everyone(204), Setup.None, NoBody),
        new Line("GET", $"{Api}/auth/me", "", Expect.SignedIn(200), Setup.None, NoBody),

        // ---- Notices: each person's own list, nobody else's ----
        new Line("GET", $"{Api}/notifications", "", Expect.SignedIn(200), Setup.None, NoBody),
        new Line("GET", $"{Api}/notifications/unread", "", Expect.SignedIn(200), Setup.None, NoBody),
        new Line("POST", $"{Api}/notifications/{{id:long}}/read", "a notice that is not the caller's", Expect.SignedIn(404), Setup.None, NoBody)
            { Path = $"{Api}/notifications/987654321/read" },
        new Line("POST", $"{Api}/notifications/read-all", "", Expect.SignedIn(200), Setup.None, NoBody),
        new Line("GET", $"{Api}/notifications/settings", "", Expect.SignedIn(200), Setup.None, NoBody),
        new Line("PUT", $"{Api}/notifications/settings", "the deadline notices as a digest", Expect.SignedIn(200), Setup.None,
            Json(_ => new { deadline = "digest" })),

        // ---- Web push: the server's public key for everyone; each person's own browsers and setting (ADR 0040) ----
        new Line("GET", $"{Api}/push/key", "", Expect.Everyone(200), Setup.None, NoBody),
        new Line("GET", $"{Api}/push/settings", "", Expect.SignedIn(200), Setup.None, NoBody),
        new Line("PUT", $"{Api}/push/settings", "notifications off", Expect.SignedIn(200), Setup.None, Json(_ => new { enabled = false })),
        new Line("POST", $"{Api}/push/subscriptions", "a subscription with a key that is no P-256 point", Expect.SignedIn(400), Setup.None,
            Json(_ => new { endpoint = "https://push.example/abc", keys = new { p256dh = "AAAA", auth = "AAAAAAAAAAAAAAAAAAAAAA" } })),
        new Line("DELETE", $"{Api}/push/subscriptions", "an endpoint the caller never subscribed", Expect.SignedIn(204), Setup.None, NoBody)
            { Query = "?endpoint=https%3A%2F%2Fpush.example%2Fnone" },

        // ---- Directory and catalogue reads: public ----
        Public("/organisations"),
        Public("/organisations/{id:guid}", Setup.Fixed("МО А", r.MunA)),
        Public("/territories"),
        Public("/territories/locate", Setup.None, "?latitude=56.85&longitude=60.25"),
        Public("/territories/{id:guid}", Setup.Fixed("territory A", r.TerritoryA)),
        Public("/categories"),
        Public("/catalogue/grounds"),
        Public("/catalogue/rework-reasons"),
        Public("/catalogue/statuses"),

        // ---- The address register: the search and the nearest address are public (rate-limited per address); the import is the region's ----
        Public("/addresses/search", Setup.None, "?q=%D0%9B%D0%B5%D0%BD%D0%B8%D0%BD%D0%B0%205"),
        new Line("GET", $"{Api}/addresses/nearest", "a point in the ocean: nobody is refused, nothing is near", Expect.Everyone(404), Setup.None, NoBody)
            { Query = "?lat=0&lon=-30" },
        Admin("PUT", "/organisations/{id:guid}/profile", "МО Б's public page: the administrators whose scope holds it", Setup.Fixed("МО Б", r.MunB),
            _ => new { about = "Благоустройство, дороги и дворы города Б.", address = "г. Б, пл. Ленина, 1", phone = "+7 343 000-00-00" }, 200, RegionAdmin, MunBAdmin),
        new Line("GET", $"{Api}/nearby-appeals", "open potholes near a point of territory A", Expect.Everyone(200), Setup.None, NoBody)
            { Query = $"?lat=56.85&lon=60.25&topicId={r.PotholeTopic}" },
        new Line("POST", $"{Api}/nearby-appeals/{{number}}/support", "«Я тоже» for a published pothole: anyone signed in, once each",
            Expect.SignedIn(200), PublishedPothole(r), NoBody),
        new Line("POST", $"{Api}/addresses/import", "a CSV of one house", Expect.SignedIn(403).With(200, RegionAdmin), Setup.None,
            _ => new StringContent("settlement;street;house;lat;lon\nг. Матрицеград;улица Ленина;1;56.8;60.2\n", System.Text.Encoding.UTF8, "text/csv")),

        // ---- The working calendar, the calculator and the deadline rules: public reads ----
        Public("/calendar"),
        Public("/calendar/{year:int}") with { Path = $"{Api}/calendar/2026" },
        Public("/calendar/due", Setup.None, "?policy=working-days:2&from=2026-03-06T10:00:00%2B05:00&timeZone=Asia/Yekaterinburg"),
        Public("/deadline-rules"),

        // ---- ...and their changes: an administrator at the region root only ----
        new Line("PUT", $"{Api}/calendar/{{year:int}}", "2027 from an xmlcalendar document", Expect.SignedIn(403).With(200, RegionAdmin), Setup.None,
            _ => Deadlines.CalendarApiTests.Xml(Deadlines.CalendarApiTests.Year2027)) { Path = $"{Api}/calendar/2027" },
        Admin("PUT", "/calendar/regional-days/{date}", "a regional day off", Setup.None, _ => new { kind = "dayOff", note = "День республики" }, 200, RegionAdmin)
            with { Path = $"{Api}/calendar/regional-days/{RegionalDate}" },
        new Line("DELETE", $"{Api}/calendar/regional-days/{{date}}", "a regional day off", Expect.SignedIn(403).With(204, RegionAdmin), RegionalDay, NoBody)
            { Path = $"{Api}/calendar/regional-days/{RegionalDate}" },
        Admin("POST", "/deadline-rules", "for a new topic", Topic(r), t => new { stage = "answer", topicId = t.Id, policy = "working-days:3" }, 201, RegionAdmin),
        Admin("PUT", "/deadline-rules/{id:guid}", "a rule of a new topic", Rule(r), t => new { stage = "answer", topicId = t.OtherId, policy = "working-days:4" }, 200, RegionAdmin),
        new Line("DELETE", $"{Api}/deadline-rules/{{id:guid}}", "a rule of a new topic", Expect.SignedIn(403).With(204, RegionAdmin), Rule(r), NoBody),

        // ---- Directory changes: administrators, within their organisation's subtree ----
        Admin("POST", "/organisations", "under МО А", Setup.None, _ => NewOrganisation(r.MunA), 201, RegionAdmin),
        Admin("POST", "/organisations", "under МО Б", Setup.None, _ => NewOrganisation(r.MunB), 201, RegionAdmin, MunBAdmin),
        Admin("POST", "/organisations", "a new root", Setup.None, _ => NewOrganisation(null), 201, RegionAdmin),
        Admin("PUT", "/organisations/{id:guid}", "the fund", Organisation(r.Fund, "the fund"),
            t => SameOrganisation(t, "Фонд поддержки предпринимательства", "Фонд", "fund", r.Region), 200, RegionAdmin),
        Admin("PUT", "/organisations/{id:guid}", "МО Б itself", Organisation(r.MunB, "МО Б"),
            t => SameOrganisation(t, "Администрация города Б", "Город Б", "municipality", r.Region), 200, RegionAdmin, MunBAdmin),
        new Line("GET", $"{Api}/people", "listed within the caller's scope",
            Expect.SignedIn(403).With(200, RegionAdmin, MunBAdmin, CentreModerator, MinInvestDispatcher, MinInvestController,
                MunADispatcher, MunAController, MunBDispatcher, MunBController), Setup.None, NoBody) { Check = PeopleWithinMunB(r) },
        Admin("POST", "/people", "an executor of МО А", Setup.None, _ => NewPerson(r.MunA), 201, RegionAdmin),
        Admin("POST", "/people", "an executor of МО Б", Setup.None, _ => NewPerson(r.MunB), 201, RegionAdmin, MunBAdmin),
        Admin("PUT", "/people/{id:guid}/roles", "МО Б executor given a role at МО А", ExecutorOf(r.MunB, "МО Б"),
            _ => Roles(("executor", r.MunB), ("executor", r.MunA)), 200, RegionAdmin),
        Admin("PUT", "/people/{id:guid}/roles", "МО Б executor given another role in МО Б", ExecutorOf(r.MunB, "МО Б"),
            _ => Roles(("executor", r.MunB), ("dispatcher", r.MunB)), 200, RegionAdmin, MunBAdmin),
        Admin("PUT", "/people/{id:guid}/roles", "МО А executor moved to МО Б", ExecutorOf(r.MunA, "МО А"),
            _ => Roles(("executor", r.MunB)), 200, RegionAdmin),
        // A citizen's account is the citizen's own: no administrator turns it into staff (and then into a key that acts as them).
        Admin("PUT", "/people/{id:guid}/roles", "a citizen's account made staff of МО Б", Citizen, _ => Roles(("executor", r.MunB)), 200),
        Admin("POST", "/people/{id:guid}/api-keys", "for an executor of МО А", ExecutorOf(r.MunA, "МО А"), _ => new { name = "Интеграция" }, 201, RegionAdmin),
        Admin("POST", "/people/{id:guid}/api-keys", "for an executor of МО Б", ExecutorOf(r.MunB, "МО Б"), _ => new { name = "Интеграция" }, 201, RegionAdmin, MunBAdmin),
        Admin("POST", "/people/{id:guid}/api-keys", "for a citizen: nobody may act as them", Citizen, _ => new { name = "Интеграция" }, 201),
        new Line("GET", $"{Api}/people/{{id:guid}}/api-keys", "of an executor of МО Б", Expect.SignedIn(403).With(200, RegionAdmin, MunBAdmin),
            ExecutorOf(r.MunB, "МО Б"), NoBody),
        new Line("DELETE", $"{Api}/people/{{id:guid}}/api-keys/{{keyId:guid}}", "of an executor of МО А", Expect.SignedIn(403).With(204, RegionAdmin),
            ExecutorWithKey(r.MunA, "МО А"), NoBody),
        new Line("DELETE", $"{Api}/people/{{id:guid}}/api-keys/{{keyId:guid}}", "of an executor of МО Б", Expect.SignedIn(403).With(204, RegionAdmin, MunBAdmin),
            ExecutorWithKey(r.MunB, "МО Б"), NoBody),
        Admin("POST", "/people/{id:guid}/disable", "an executor of МО А", ExecutorOf(r.MunA, "МО А"), _ => new { }, 204, RegionAdmin),
        Admin("POST", "/people/{id:guid}/disable", "an executor of МО Б", ExecutorOf(r.MunB, "МО Б"), _ => new { }, 204, RegionAdmin, MunBAdmin),
        Admin("POST", "/people/{id:guid}/disable", "a citizen: not staff", Citizen, _ => new { }, 204),
        Admin("POST", "/people/{id:guid}/enable", "an executor of МО А", ExecutorOf(r.MunA, "МО А"), _ => new { }, 204, RegionAdmin),
        Admin("POST", "/people/{id:guid}/enable", "an executor of МО Б", ExecutorOf(r.MunB, "МО Б"), _ => new { }, 204, RegionAdmin, MunBAdmin),

        // ---- Escalation through the directory (issue 14): what an organisation is, and which roles are given where ----
        // Changing what an organisation is (kind, parent, HQ membership) is the region administrator's alone; the municipal
        // administrator edits only the harmless fields of its subtree. One centre of management unless said otherwise.
        Admin("PUT", "/organisations/{id:guid}", "МО Б made the centre of management", Organisation(r.MunB, "МО Б"),
            t => SameOrganisation(t, "Администрация города Б", "Город Б", "centreOfManagement", r.Region), 409, RegionAdmin),
        Admin("PUT", "/organisations/{id:guid}", "a department of МО Б renamed", DepartmentOfMunB(r),
            t => SameOrganisation(t, "Отдел дорожного хозяйства", "Дороги", "department", r.MunB), 200, RegionAdmin, MunBAdmin),
        Admin("PUT", "/organisations/{id:guid}", "a department of МО Б made the centre of management", DepartmentOfMunB(r),
            t => SameOrganisation(t, "Отдел благоустройства", "Благоустройство", "centreOfManagement", r.MunB), 409, RegionAdmin),
        Admin("PUT", "/organisations/{id:guid}", "a department of МО Б made a second centre, said explicitly", DepartmentOfMunB(r),
            t => SameOrganisation(t, "Отдел благоустройства", "Благоустройство", "centreOfManagement", r.MunB, additionalCentre: true), 200, RegionAdmin),
        Admin("PUT", "/organisations/{id:guid}", "a department of МО Б made a fund", DepartmentOfMunB(r),
            t => SameOrganisation(t, "Отдел благоустройства", "Благоустройство", "fund", r.MunB), 200, RegionAdmin),
        Admin("PUT", "/organisations/{id:guid}", "a department of МО Б put on the HQ", DepartmentOfMunB(r),
            t => SameOrganisation(t, "Отдел благоустройства", "Благоустройство", "department", r.MunB, sitsOnHq: true), 200, RegionAdmin),
        // Moving is refused to everyone (not supported yet): the municipal administrator is refused before the move is looked at.
        Admin("PUT", "/organisations/{id:guid}", "a department of МО Б moved under МО А", DepartmentOfMunB(r),
            t => SameOrganisation(t, "Отдел благоустройства", "Благоустройство", "department", r.MunA), 409, RegionAdmin),
        Admin("POST", "/organisations", "a centre of management under МО Б", Setup.None,
            _ => NewOrganisation(r.MunB, "centreOfManagement"), 409, RegionAdmin),
        Admin("POST", "/organisations", "a second centre under МО Б, said explicitly", Setup.None,
            _ => NewOrganisation(r.MunB, "centreOfManagement", additionalCentre: true), 201, RegionAdmin),
        Admin("POST", "/organisations", "a body on the HQ under МО Б", Setup.None, _ => NewOrganisation(r.MunB, sitsOnHq: true), 201, RegionAdmin),
        // Every staff role given inside the municipal administrator's scope, beside it and above it, to a new person and to an
        // existing one. HQ membership reaches every escalated complaint, so only the region administrator gives it, and only
        // at an organisation that sits on the HQ (none of these does).
        .. RoleGrants(r),
        Admin("POST", "/people", "an HQ member of the tax office (on the HQ)", Setup.None, _ => PersonWith(("hqMember", r.Fns)), 201, RegionAdmin),
        Admin("POST", "/people", "an HQ member of an HQ body under МО Б", HqBodyUnderMunB(r), t => PersonWith(("hqMember", t.Id)), 201, RegionAdmin),
        Admin("PUT", "/people/{id:guid}/roles", "МО Б executor made an HQ member of an HQ body under МО Б", ExecutorAndHqBody(r, member: false),
            t => Roles(("executor", r.MunB), ("hqMember", t.OtherId!.Value)), 200, RegionAdmin),
        Admin("PUT", "/people/{id:guid}/roles", "an HQ member under МО Б loses the membership", ExecutorAndHqBody(r, member: true),
            _ => Roles(("executor", r.MunB)), 200, RegionAdmin),
        Admin("POST", "/people/{id:guid}/api-keys", "for an HQ member under МО Б: the key would act as the HQ", ExecutorAndHqBody(r, member: true),
            _ => new { name = "Интеграция" }, 201, RegionAdmin),
        // The region keeps an administrator: the last one cannot step down or be taken down (409 for itself, 403 for the rest).
        Admin("PUT", "/people/{id:guid}/roles", "the last region administrator left with no role", Setup.Fixed("the region administrator", r.IdOf(RegionAdmin)),
            _ => Roles(), 409, RegionAdmin),
        Admin("PUT", "/people/{id:guid}/roles", "the last region administrator moved to the centre", Setup.Fixed("the region administrator", r.IdOf(RegionAdmin)),
            _ => Roles(("administrator", r.Centre)), 409, RegionAdmin),

        // ---- The knowledge base: anyone searches the published articles; every staff role reads it all; content editors and
        // administrators write it within their organisation's subtree (the centre's articles here); administrators see what is stale ----
        // ---- The business portal (issue 23): the catalogue and the register are public; a register is posted by the fund's keepers ----
        Public("/business/measures", Setup.None, "?q=" + Uri.EscapeDataString("субсидия")),
        new Line("GET", $"{Api}/business/measures/{{id:guid}}", "an unknown measure: nobody finds it", Expect.Everyone(404), Setup.None, NoBody),
        Public("/business/recipients", Setup.None, "?q=6670000014"),
        Public("/business/items", Setup.None, "?section=News"),
        Admin("POST", "/business/items", "a news item of the fund", Setup.None, _ => new { section = "News", organisationId = r.Fund, title = "Новость фонда", body = "Текст." },
            201, RegionAdmin),
        // ---- The support network's workspace (issue 23.6): its lines live beside its tests ----
        .. Teamwork.TeamworkMatrix.Lines(r),
        // ---- Public discussions (issue 22.5): anyone reads the list and a discussion; nothing unpublished is in them ----
        Public("/discussions", Setup.None),
        new Line("GET", $"{Api}/discussions/{{id:guid}}", "an unknown discussion: nobody finds it", Expect.Everyone(404), Setup.None, NoBody),
        new Line("POST", $"{Api}/business/recipients/uploads", "the fund's register of a month", Expect.SignedIn(403).With(200, RegionAdmin), Setup.None,
            _ => RecipientRegisterFile(r)),
        Public("/knowledge/search", Setup.None, "?q=" + Uri.EscapeDataString("субсидия")),
        Public("/knowledge/suggest", Setup.None, "?text=" + Uri.EscapeDataString("как получить субсидию на оборудование")),
        new Line("POST", $"{Api}/knowledge/suggest/{{id:guid}}/opened", "a published article", Expect.Everyone(204), Article(r), NoBody),
        new Line("GET", $"{Api}/knowledge/articles", "", Expect.SignedIn(403).With(200, Staff), Setup.None, NoBody),
        new Line("GET", $"{Api}/knowledge/articles/{{id:guid}}", "", Expect.SignedIn(403).With(200, Staff), Article(r), NoBody),
        new Line("GET", $"{Api}/knowledge/articles/{{id:guid}}/versions", "", Expect.SignedIn(403).With(200, Staff), Article(r), NoBody),
        Admin("POST", "/knowledge/articles", "owned by the centre", Setup.None, _ => NewArticle(r, null), 201, ContentEditor, RegionAdmin),
        Admin("PUT", "/knowledge/articles/{id:guid}", "owned by the centre", Article(r), _ => NewArticle(r, 1), 200, ContentEditor, RegionAdmin),
        Admin("GET", "/knowledge/stale", "", Setup.None, _ => new { }, 200, RegionAdmin, MunBAdmin) with { Body = NoBody },
        // The personal-data audit trail: the region administrator (and a security officer at the region root, tested in PersonalDataAuditTests).
        new Line("GET", $"{Api}/audit", "the whole trail", Expect.SignedIn(403).With(200, RegionAdmin), Setup.None, NoBody),
        new Line("GET", $"{Api}/knowledge/templates", "", Expect.SignedIn(403).With(200, Staff), Setup.None, NoBody),
        Admin("POST", "/knowledge/templates", "owned by the centre", Setup.None, _ => NewTemplate(r, null), 201, ContentEditor, RegionAdmin),
        Admin("PUT", "/knowledge/templates/{id:guid}", "owned by the centre", Template(r), _ => NewTemplate(r, 1), 200, ContentEditor, RegionAdmin),
        new Line("DELETE", $"{Api}/knowledge/templates/{{id:guid}}", "owned by the centre", Expect.SignedIn(403).With(204, ContentEditor, RegionAdmin),
            Template(r), NoBody),
        // The target's part id carries the appeal the template is filled for: whoever sees that appeal gets it filled.
        new Line("GET", $"{Api}/knowledge/templates/{{id:guid}}/filled", "for an appeal in work at МО А",
            Expect.SignedIn(403).With(404, Staff).With(200, [.. MunASees.Intersect(Staff)]), TemplateAndAppeal(r), NoBody) { Query = "?appealId={partId:guid}" },
        new Line("GET", $"{Api}/knowledge/export.csv", "", Expect.SignedIn(403).With(200, Staff), Setup.None, NoBody),
        new Line("GET", $"{Api}/knowledge/export.md", "", Expect.SignedIn(403).With(200, Staff), Setup.None, NoBody),
        new Line("POST", $"{Api}/knowledge/import", "one article of the centre", Expect.SignedIn(403).With(200, ContentEditor, RegionAdmin), Setup.None,
            _ => new StringContent("Вопрос;Ответ;Категория;Организация;Пересмотреть до\r\nКак получить субсидию?;Через Фонд.;Меры поддержки;Центр управления регионом;2027-06-01\r\n",
                System.Text.Encoding.UTF8, "text/csv")),
        // A question answered from an article while still in moderation: the owning centre's operator or moderator.
        Act("consultation", Consultation(r), CentreSees, [CentreOperator, CentreModerator],
            t => new { articleId = t.OtherId }),

        // ---- Region-wide things (territories, catalogue, routing): an administrator at the region root only ----
        Admin("POST", "/territories/import", "a new territory", Setup.None, _ => NewTerritory(), 200, RegionAdmin),
        Admin("POST", "/categories", "", Setup.None, _ => new { name = "Экспорт", audience = "business" }, 201, RegionAdmin),
        Admin("POST", "/topics", "", Setup.None, _ => NewTopic(r), 201, RegionAdmin),
        Admin("PUT", "/topics/{id:guid}", "", Topic(r), _ => NewTopic(r), 200, RegionAdmin),
        Admin("PUT", "/topics/{id:guid}/routes", "МО Б's territory to МО Б", Topic(r),
            _ => new[] { new { territoryId = r.TerritoryB, organisationId = r.MunB } }, 200, RegionAdmin),

        // ---- Auto-rules: an administrator at the region root only. The rules made here match no appeal (a word no text has). ----
        new Line("GET", $"{Api}/routing/rules", "", Expect.SignedIn(403).With(200, RegionAdmin), Setup.None, NoBody),
        new Line("GET", $"{Api}/routing/rules/{{id:guid}}", "", Expect.SignedIn(403).With(200, RegionAdmin), RoutingRule, NoBody),
        Admin("POST", "/routing/rules", "a rule matching nothing", Setup.None, _ => HarmlessRule(r), 201, RegionAdmin),
        Admin("PUT", "/routing/rules/{id:guid}", "renamed", RoutingRule, t => HarmlessRule(r, t.Version, "Переименованное правило"), 200, RegionAdmin),
        new Line("DELETE", $"{Api}/routing/rules/{{id:guid}}", "", Expect.SignedIn(403).With(204, RegionAdmin), RoutingRule, NoBody),
        Admin("POST", "/routing/rules/reorder", "one rule moved to the top", RoutingRule, t => new { ids = new[] { t.Id } }, 200, RegionAdmin),
        Admin("POST", "/routing/rules/{id:guid}/enable", "", RoutingRule, t => new { version = t.Version }, 200, RegionAdmin),
        Admin("POST", "/routing/rules/{id:guid}/disable", "", RoutingRule, t => new { version = t.Version }, 200, RegionAdmin),
        Admin("POST", "/routing/rules/try", "over the last 30 days", Setup.None,
            _ => new { conditions = new { categoryIds = new[] { r.CityCategory } }, actions = new { executorOrganisationId = r.MunB } }, 200, RegionAdmin),

        // ---- Open311 GeoReport v2: public reads; a report needs the api_key of an Open311 system, which no person's key is ----
        Open311("GET", "/discovery.{format}", "", 200, "/discovery.xml"),
        Open311("GET", "/services.{format}", "", 200, "/services.json"),
        Open311("GET", "/services/{code}.{format}", "the pothole topic", 200, $"/services/{r.PotholeTopic}.xml"),
        Open311("GET", "/requests.{format}", "the last 90 days", 200, "/requests.xml"),
        Open311("GET", "/requests/{id}.{format}", "an unknown number", 404, "/requests/2026-999999.xml"),
        Open311("GET", "/tokens/{token}.{format}", "an unknown token", 404, $"/tokens/{Guid.Empty:N}.xml"),
        Open311("POST", "/requests.{format}", "no api_key: the caller's bearer key or cookie is not an Open311 key", 403, "/requests.xml") with
        {
            Body = _ => new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["service_code"] = r.PotholeTopic.ToString(), ["lat"] = "56.85", ["long"] = "60.25", ["description"] = "Яма у дома 10",
                ["first_name"] = "Мария", ["email"] = "maria@example.ru",
            }),
        },
    ];

    static Line Open311(string method, string route, string why, int status, string path) =>
        new(method, Features.Open311.Open311Api.Root + route, why, Expect.Everyone(status), Setup.None, NoBody) { Path = Features.Open311.Open311Api.Root + path };

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Every_endpoint_answers_every_caller_as_the_matrix_says(Engine engine)
    {
        var app = await pool.For(engine);
        var failures = await RunAsync(app, Matrix(app.Region));
        Assert.True(failures.Count == 0, $"{failures.Count} cells differ from the matrix:\n" + string.Join("\n", failures));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_matrix_lists_every_api_endpoint(Engine engine)
    {
        var app = await pool.For(engine);
        var routed = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith(Api + "/", StringComparison.Ordinal) == true
                || e.RoutePattern.RawText?.StartsWith(Features.Open311.Open311Api.Root + "/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["ANY"]).Select(m => $"{m} {e.RoutePattern.RawText!.TrimEnd('/')}"))
            .ToHashSet();
        // A group's own route ("" under "/appeals") comes out with a trailing slash; the request matches either way.
        var listed = Matrix(app.Region).Select(l => $"{l.Method} {l.Route.TrimEnd('/')}").ToHashSet();

        Assert.True(routed.Count > 40, $"Found only {routed.Count} endpoints under {Api}: " + string.Join(", ", routed));
        var missing = routed.Except(listed).Order().ToList();
        Assert.True(missing.Count == 0, "Endpoints missing from the authorization matrix (add a line for each):\n" + string.Join("\n", missing));
        var stale = listed.Except(routed).Order().ToList();
        Assert.True(stale.Count == 0, "Matrix lines for endpoints the app no longer has:\n" + string.Join("\n", stale));
    }

    // ---- How lines are written ----

    static Line Read(string route, string @case, Setup setup, Persona[] sees) =>
        new("GET", Api + route, @case, Expect.SignedIn(404).With(200, sees), setup, NoBody);

    static Line Act(string action, AppealStatus state, Persona[] sees, Persona[] may, object? fields = null) =>
        Act(action, AppealIn(state), sees, may, _ => fields);

    static Line Act(string action, Setup setup, Persona[] sees, Persona[] may, object? fields = null) =>
        Act(action, setup, sees, may, _ => fields);

    static Line Act(string action, Setup setup, Persona[] sees, Persona[] may, Func<Target, object?> fields) =>
        new("POST", $"{Api}/appeals/{{id:guid}}/{action}", setup.Name, Expect.SignedIn(404).With(403, sees).With(200, may), setup,
            Json(t => WithVersion(t, fields(t)))) { ActsOnAppeal = true };

    static Dictionary<string, object?> WithVersion(Target t, object? fields)
    {
        var body = new Dictionary<string, object?> { ["version"] = t.Version };
        foreach (var p in fields?.GetType().GetProperties() ?? []) body[p.Name] = p.GetValue(fields);
        return body;
    }

    static Line Submit(string @case, Expect expect, Dictionary<string, object?> body) =>
        new("POST", $"{Api}/appeals", @case, expect, Setup.None, Json(_ => body));

    static Line Public(string route, Setup? setup = null, string query = "") =>
        new("GET", Api + route, "", Expect.Everyone(200), setup ?? Setup.None, NoBody) { Query = query };

    static Line Admin(string method, string route, string @case, Setup setup, Func<Target, object> body, int success, params Persona[] may) =>
        new(method, Api + route, @case, Expect.SignedIn(403).With(success, may), setup, Json(body));

    // ---- The knowledge base ----

    static readonly Persona[] Staff = [.. Enum.GetValues<Persona>().Except([Applicant, OtherApplicant, NoRoles])];

    static object NewArticle(TestRegion r, int? version) => new
    {
        version, title = "Как получить субсидию «Модернизация»?", answer = "Заявку подают в Фонд.", categoryId = r.BusinessCategory,
        ownerOrganisationId = r.Centre, reviewOn = "2027-06-01", isPublished = true,
    };

    static object NewTemplate(TestRegion r, int? version) => new
    {
        version, name = "Ответ по субсидии", body = "Уважаемый(ая) {ИмяЗаявителя}! По обращению № {Номер} сообщаем: {ОтветСтатьи}", categoryId = r.BusinessCategory,
        ownerOrganisationId = r.Centre,
    };

    static Setup Article(TestRegion r) => new("an article of the centre", app => CreateAsync(app, "/knowledge/articles", NewArticle(r, null)));

    static Setup Template(TestRegion r) => new("a template of the centre", app => CreateAsync(app, "/knowledge/templates", NewTemplate(r, null)));

    static Setup TemplateAndAppeal(TestRegion r) => new("a template and an appeal in work at МО А", async app =>
    {
        var template = await CreateAsync(app, "/knowledge/templates", NewTemplate(r, null));
        return template with { PartId = (await app.AppealInAsync(InWork)).Id };
    });

    static Setup Consultation(TestRegion r) => new("a subsidy question in moderation and an article", async app =>
    {
        var article = await CreateAsync(app, "/knowledge/articles", NewArticle(r, null));
        return Of(await app.AppealInAsync(Moderation, Samples.Subsidy(app.Region))) with { OtherId = article.Id };
    });

    // ---- Targets ----

    static Setup PublishedPothole(TestRegion r) => new("a published pothole in work", async app =>
        Of(await app.AppealInAsync(InWork, Portal.PublicSupport.Published(r, 7, "Яма у дома 8 на улице Восьмой, колёса пробиты."))));

    static Setup AppealIn(AppealStatus state) => new(state.ToString(), async app => Of(await app.AppealInAsync(state)));

    static Setup SubsidyIn(AppealStatus state) =>
        new($"Мининвест {state}", async app => Of(await app.AppealInAsync(state, Samples.Subsidy(app.Region))));

    static readonly Setup TwoAppealsInModeration = new("Moderation, with a second appeal to merge into", async app =>
    {
        var duplicate = await app.AppealInAsync(Moderation);
        var original = await app.AppealInAsync(Moderation);
        return Of(duplicate) with { OtherId = original.Id };
    });

    static readonly Setup PausedInWork = new("InWork, clock paused", async app =>
        Of(await app.ActAsync(MunAExecutor, await app.AppealInAsync(InWork), "pause", new { request = "Уточните номер дома." })));

    static readonly Setup ExtensionRequested = new("InWork, extension requested", async app =>
        Of(await app.ActAsync(MunAExecutor, await app.AppealInAsync(InWork), "extension-request", new { days = 10, reason = "Нужна экспертиза." })));

    const string RegionalDate = "2027-08-30";

    static readonly Setup RegionalDay = new("a regional day off", async app =>
    {
        await app.ClientAs(RegionAdmin).PutJsonAsync($"{Api}/calendar/regional-days/{RegionalDate}", new { kind = "dayOff", note = "День республики" })
            .Expect(HttpStatusCode.OK);
        return new Target(Guid.Empty);
    });

    static Setup Rule(TestRegion r) => new("a deadline rule of a new topic", async app =>
    {
        var topic = await CreateAsync(app, "/topics", NewTopic(r));
        var rule = await CreateAsync(app, "/deadline-rules", new { stage = "answer", topicId = topic.Id, policy = "working-days:3" });
        return rule with { OtherId = topic.Id };
    });

    static readonly Setup RoutingRule = new("a switched-off auto-rule", async app =>
        await CreateAsync(app, "/routing/rules", HarmlessRule(app.Region)) with { Version = 1 });

    /// <summary>Switched off, and even when switched on it matches no appeal: the shared app's routing stays as it was.</summary>
    static object HarmlessRule(TestRegion r, int? version = null, string name = "Правило матрицы доступа") => new
    {
        version, name, enabled = false,
        conditions = new { words = new[] { "матрицадоступаникогда" } },
        actions = new { executorOrganisationId = r.MunB, tag = "матрица" },
    };

    static Setup PartAtMinInvest(TestRegion r) => new("InWork, part at Мининвест", async app =>
    {
        var a = await app.AppealInAsync(InWork);
        a = await app.ActAsync(MunAExecutor, a, "co-executors", new { organisationId = r.MinInvest, task = "Есть ли дорога в программе ремонта?" });
        return Of(a);
    });

    static Setup PhotoOfAppeal(TestRegion r) => new("photo of an appeal in work", async app =>
    {
        var upload = await app.ClientAs(Applicant).PostAsync($"{Api}/attachments", Photo()).Expect(HttpStatusCode.Created);
        var photo = (await upload.ReadAsync<JsonElement>()).GetProperty("id").GetGuid();
        await app.AppealInAsync(InWork, Samples.Pothole(r).With("attachmentIds", new[] { photo }));
        return new Target(photo);
    });

    static readonly Setup ComplaintInWork = new("complaint in work at МО А", async app => Of(await app.ComplaintInWorkAsync()));

    static readonly Setup ComplaintWithStep = new("complaint with a draft roadmap step", async app =>
    {
        var a = await app.ComplaintInWorkAsync();
        var map = await app.RoadmapAsync(MunAExecutor, a.Id, "roadmap/steps",
            new { title = "Проверить подрядчика", ownerOrganisationId = app.Region.MunA, policy = "working-days:2" });
        return new Target(a.Id, a.Number, map.Version, map.Steps[0].Id);
    });

    static readonly Setup ComplaintApproved = new("complaint with an approved roadmap", async app =>
    {
        var (a, step) = await app.ApprovedRoadmapAsync();
        return new Target(a.Id, a.Number, await VersionOf(app, a.Id), step.Id);
    });

    static readonly Setup ComplaintEscalated = new("complaint escalated to the HQ", async app =>
    {
        var a = await app.ComplaintInWorkAsync();
        await app.RoadmapCallAsync(MunAController, a.Id, "hq", new { version = a.Version, reason = "Давление на бизнес." }).Expect(HttpStatusCode.OK);
        return new Target(a.Id, a.Number, await VersionOf(app, a.Id));
    });

    static Setup ComplaintAndTemplate(TestRegion r) => new("complaint in work and a roadmap template", async app =>
    {
        var template = await CreateAsync(app, "/roadmap-templates", NewRoadmapTemplate(r));
        return Of(await app.ComplaintInWorkAsync()) with { OtherId = template.Id };
    });

    static Setup RoadmapTemplate(TestRegion r) => new("a roadmap template", async app => (await CreateAsync(app, "/roadmap-templates", NewRoadmapTemplate(r))) with { Version = 1 });

    static object NewRoadmapTemplate(TestRegion r, int? version = null) => new
    {
        version, topicId = r.HousingTopic, name = "Срыв сроков капитального ремонта",
        steps = new object[] { new { title = "Запросить объяснения у подрядчика", policy = "working-days:2" } },
    };

    static Task<int> VersionOf(TestApp app, Guid id) =>
        app.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.Appeals.Where(x => x.Id == id).Select(x => x.Version)));

    static Target Of(AppealView a) => new(a.Id, a.Number, a.Version, a.Parts.FirstOrDefault()?.Id);

    static Setup Organisation(Guid id, string name) => new($"organisation {name}", async app =>
    {
        var org = await (await app.Anonymous().GetAsync($"{Api}/organisations/{id}").Expect(HttpStatusCode.OK)).ReadAsync<JsonElement>();
        return new Target(id, Version: org.GetProperty("version").GetInt32());
    });

    static Setup ExecutorOf(Guid organisation, string name) =>
        new($"executor of {name}", app => CreateAsync(app, "/people", NewPerson(organisation)));

    static readonly Setup Citizen = new("a citizen", app => CreateAsync(app, "/people", NewPerson(null)));

    /// <summary>A new executor with an API key: the target's id is the person, its PartId the key.</summary>
    static Setup ExecutorWithKey(Guid organisation, string name) => new($"executor of {name} with a key", async app =>
    {
        var person = await CreateAsync(app, "/people", NewPerson(organisation));
        var key = await CreateAsync(app, $"/people/{person.Id}/api-keys", new { name = "Интеграция" });
        return person with { PartId = key.Id };
    });

    static Setup Topic(TestRegion r) => new("a topic", app => CreateAsync(app, "/topics", NewTopic(r)));

    static async Task<Target> CreateAsync(TestApp app, string route, object body)
    {
        var created = await app.ClientAs(RegionAdmin).PostJsonAsync(Api + route, body).Expect(HttpStatusCode.Created);
        return new Target((await created.ReadAsync<JsonElement>()).GetProperty("id").GetGuid());
    }

    // ---- Bodies ----

    static object NewOrganisation(Guid? parent, string kind = "department", bool? sitsOnHq = null, bool? additionalCentre = null) => new
    {
        name = "Отдел благоустройства", shortName = "Благоустройство", kind, parentId = parent, sitsOnBusinessProtectionHq = sitsOnHq, additionalCentre,
    };

    static object SameOrganisation(Target t, string name, string shortName, string kind, Guid parent, bool? sitsOnHq = null, bool? additionalCentre = null) =>
        new { version = t.Version, name, shortName, kind, parentId = parent, timeZone = "Asia/Yekaterinburg", sitsOnBusinessProtectionHq = sitsOnHq, additionalCentre };

    /// <summary>Each staff role at МО Б (inside МО Б's administrator's scope), МО А (beside it) and the region root (above it).</summary>
    static IEnumerable<Line> RoleGrants(TestRegion r)
    {
        foreach (var role in Enum.GetValues<Role>().Where(x => x != Role.Applicant))
        {
            var name = JsonNamingPolicy.CamelCase.ConvertName(role.ToString());
            foreach (var (at, where, inMunB) in new[] { (r.MunB, "МО Б", true), (r.MunA, "МО А", false), (r.Region, "the region root", false) })
            {
                Expect Grant(int success) => role == Role.HqMember ? Expect.SignedIn(403).With(422, RegionAdmin)
                    : inMunB ? Expect.SignedIn(403).With(success, RegionAdmin, MunBAdmin) : Expect.SignedIn(403).With(success, RegionAdmin);
                yield return new Line("POST", $"{Api}/people", $"a new {name} at {where}", Grant(201), Setup.None, Json(_ => PersonWith((name, at))));
                yield return new Line("PUT", $"{Api}/people/{{id:guid}}/roles", $"МО Б executor also made {name} at {where}", Grant(200),
                    ExecutorOf(r.MunB, "МО Б"), Json(_ => Roles(("executor", r.MunB), (name, at))));
            }
        }
    }

    static Setup DepartmentOfMunB(TestRegion r) => new("a new department of МО Б", async app =>
    {
        var created = await CreateAsync(app, "/organisations", NewOrganisation(r.MunB));
        return await Organisation(created.Id, "").MakeAsync(app);
    });

    static Setup HqBodyUnderMunB(TestRegion r) => new("an HQ body under МО Б", app => CreateAsync(app, "/organisations", NewOrganisation(r.MunB, sitsOnHq: true)));

    /// <summary>An executor of МО Б (the target) and an HQ body under МО Б (its other id); when <paramref name="member"/>, the executor sits on the HQ there.</summary>
    static Setup ExecutorAndHqBody(TestRegion r, bool member) => new($"an executor of МО Б{(member ? " on the HQ" : "")} and an HQ body under МО Б", async app =>
    {
        var body = await CreateAsync(app, "/organisations", NewOrganisation(r.MunB, sitsOnHq: true));
        var person = await CreateAsync(app, "/people", member ? PersonWith(("executor", r.MunB), ("hqMember", body.Id)) : PersonWith(("executor", r.MunB)));
        return person with { OtherId = body.Id };
    });

    static object NewPerson(Guid? organisation) => new
    {
        email = $"p{Guid.NewGuid():N}@test.example", lastName = "Новиков", firstName = "Олег",
        roles = new[] { organisation is null ? new { role = "applicant", organisationId = organisation } : new { role = "executor", organisationId = organisation } },
    };

    static object PersonWith(params (string Role, Guid Organisation)[] roles) => new
    {
        email = $"p{Guid.NewGuid():N}@test.example", lastName = "Новиков", firstName = "Олег", roles = Roles(roles),
    };

    static object Roles(params (string Role, Guid Organisation)[] roles) =>
        roles.Select(x => new { role = x.Role, organisationId = x.Organisation }).ToArray();

    static object NewTopic(TestRegion r) =>
        new { categoryId = r.BusinessCategory, name = "Экспортная поддержка", defaultKind = "complexConsultation", defaultRegime = "businessConsultation" };

    /// <summary>A square far east of both municipalities, so importing it moves no appeal's routing.</summary>
    static object NewTerritory() => JsonSerializer.Deserialize<JsonElement>("""
        {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"T-M","name":"Посёлок М"},
         "geometry":{"type":"Polygon","coordinates":[[[63.0,56.7],[63.5,56.7],[63.5,57.0],[63.0,57.0],[63.0,56.7]]]}}]}
        """);

    static HttpContent RecipientRegisterFile(TestRegion r)
    {
        var file = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(
            "Получатель;ИНН;Форма поддержки;Вид поддержки;Размер поддержки, руб.;Дата решения\nИП Белова К. И.;500100732259;Финансовая;Микрозаём;300000;15.11.2026\n"));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        return new MultipartFormDataContent { { new StringContent(r.Fund.ToString()), "organisationId" }, { new StringContent("2026-11"), "month" }, { file, "file", "reestr.csv" } };
    }

    static HttpContent Photo()
    {
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0];
        var file = new ByteArrayContent(png);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return new MultipartFormDataContent { { file, "file", "yama.png" } };
    }

    // ---- Checks of what a successful answer holds ----

    /// <summary>A bulk action went through for exactly those who hold the duty; everyone else finds the appeal refused in the result.</summary>
    static Func<Persona?, Target, string, string?> BulkDoneFor(Persona[] may) => (caller, t, body) =>
    {
        var root = JsonDocument.Parse(body).RootElement;
        var done = root.GetProperty("done").EnumerateArray().Any(i => i.GetProperty("id").GetGuid() == t.Id);
        var refused = root.GetProperty("refused").EnumerateArray().Any(i => i.GetProperty("id").GetGuid() == t.Id);
        var should = caller is { } p && may.Contains(p);
        return done == should && refused != should ? null : should ? "the bulk action was refused to a caller with the duty" : "the bulk action went through for a caller without the duty";
    };

    /// <summary>The list, filtered by the appeal's number, holds it exactly for those who see it.</summary>
    static Func<Persona?, Target, string, string?> Lists(Persona[] sees) => (caller, t, body) =>
    {
        var listed = JsonDocument.Parse(body).RootElement.GetProperty("items").EnumerateArray().Any(i => i.GetProperty("id").GetGuid() == t.Id);
        var should = caller is { } p && sees.Contains(p);
        return listed == should ? null : should ? "the list does not hold the appeal" : "the list shows an appeal the caller must not see";
    };

    /// <summary>Staff of municipality B list only people who hold a role there.</summary>
    static Func<Persona?, Target, string, string?> PeopleWithinMunB(TestRegion r) => (caller, _, body) =>
    {
        if (caller is not (MunBAdmin or MunBDispatcher or MunBController)) return null;
        var people = JsonDocument.Parse(body).RootElement.EnumerateArray().ToList();
        if (!people.Any(p => p.GetProperty("id").GetGuid() == r.IdOf(MunBExecutor)))
            return "the list lacks the executor of МО Б";
        var outsiders = people.Where(p => !p.GetProperty("roles").EnumerateArray()
                .Any(x => x.GetProperty("organisationId").ValueKind == JsonValueKind.String && x.GetProperty("organisationId").GetGuid() == r.MunB))
            .Select(p => p.GetProperty("fullName").GetString()).ToList();
        return outsiders.Count == 0 ? null : "lists people outside МО Б: " + string.Join(", ", outsiders);
    };
}
