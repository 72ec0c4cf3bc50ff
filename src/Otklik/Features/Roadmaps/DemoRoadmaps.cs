using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Deadlines;
using Otklik.Features.DemoRegion;
using Otklik.Features.Directory;

namespace Otklik.Features.Roadmaps;

/// <summary>
/// The roadmaps of the demo region: templates for two complaint topics (connection to utility networks, administrative
/// pressure on business); the ТехноПарк Исеть complaint with an approved roadmap whose first step is overdue; the
/// СтройДорСервис complaint escalated to the Business Protection HQ, whose decision became steps of two ministries.
/// Played through the entities' methods on the demo appeals, like the rest of the demo.
/// </summary>
static class DemoRoadmaps
{
    public static void Add(AppDbContext db, DemoDirectory d, DateTime nowUtc, WorkingCalendar calendar, IReadOnlyList<DeadlineRule> rules)
    {
        var clocks = new Dictionary<Guid, DeadlineClock>();
        DeadlineClock ClockOf(Guid id) => clocks.TryGetValue(id, out var c) ? c : clocks[id] = DeadlineClocks.For(calendar, rules, d.OrganisationOf(id));

        var grid = RoadmapTemplate.Create(d.Topic("grid-connection").Id, "Жалоба на подключение к сетям",
        [
            new("Запросить у ресурсоснабжающей организации причины отказа и срок выдачи технических условий", null, "working-days:3"),
            new("Провести совещание с заявителем, администрацией и ресурсоснабжающей организацией", null, "working-days:7"),
            new("Выдать технические условия и подтвердить заявителю", d.Uralgrad.Id, "working-days:10"),
        ], DemoIds.Of("roadmap-template:grid-connection"));
        var pressure = RoadmapTemplate.Create(d.Topic("pressure").Id, "Жалоба на административное давление",
        [
            new("Запросить у органа, на действия которого жалуется заявитель, материалы проверок", null, "working-days:5"),
            new("Рассмотреть жалобу на рабочей группе Штаба по защите бизнеса", d.MinInvest.Id, "working-days:10"),
            new("Сообщить заявителю о принятых мерах", null, "working-days:3"),
        ], DemoIds.Of("roadmap-template:pressure"));
        db.RoadmapTemplates.AddRange(grid, pressure);

        // ТехноПарк Исеть: the template applied eight days ago and approved the same day; the first step has run out.
        var technopark = db.Appeals.Local.Single(a => a.ChannelMessageId == "20261102.4471@technopark-iset.example.com");
        var executor = d.PersonFor(Role.Executor, d.OrganisationOf(technopark.ExecutorOrganisationId!.Value));
        var controller = d.PersonFor(Role.Controller, d.OrganisationOf(technopark.ExecutorOrganisationId!.Value));
        var at = Before(technopark.History[^1].AtUtc.AddHours(2), nowUtc);
        var steps = technopark.ApplyRoadmapTemplate(grid, executor, at, ClockOf);
        technopark.AddRoadmapStep(new StepDraft("Проверить соблюдение МУП «Водоканал» сроков рассмотрения заявок на подключение",
            d.HousingInspection.Id, null, null, "working-days:15"), executor, Before(at.AddMinutes(20), nowUtc), ClockOf(d.HousingInspection.Id));
        technopark.ApproveRoadmap(controller, Before(at.AddHours(3), nowUtc), ClockOf);
        technopark.ReportRoadmapStep(steps[1].Id, StepStatus.InWork, "Совещание назначено, приглашения направлены.", executor, Before(at.AddDays(1), nowUtc));

        // СтройДорСервис: unpaid state contract; the ministry's controller took it to the HQ, which bound two ministries.
        var contract = db.Appeals.Local.Single(a => a.Applicant.Inn == "6682199355" && a.TopicId == d.Topic("contract-payments").Id);
        var escalatedAt = Before(contract.History[^1].AtUtc.AddHours(1), nowUtc.AddMinutes(-2));
        contract.EscalateToHq("Оплата по принятому контракту задержана больше двух месяцев; нужна координация заказчика и финансового органа.",
            d.PersonFor(Role.Controller, d.OrganisationOf(contract.ExecutorOrganisationId!.Value)), escalatedAt);
        var decidedAt = Before(escalatedAt.AddHours(20), nowUtc.AddMinutes(-1));
        var zone = TimeZones.Find(DemoDirectory.Zone);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(decidedAt, zone));
        contract.RecordHqDecision(today,
            "Министерству транспорта подтвердить приёмку работ и направить платёжные документы; Министерству инвестиций проконтролировать оплату и сообщить заявителю.",
            [d.MinTransport.Id, d.MinInvest.Id], today.AddDays(10), today, d.AccountOf("hq").Id, decidedAt, ClockOf);
    }

    static DateTime Before(DateTime at, DateTime limit) => at < limit ? at : limit;
}
