using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Deadlines;
using Otklik.Infrastructure;

namespace Otklik.Features.Routing;

public static class RoutingSetup
{
    public static IServiceCollection AddAutoRules(this IServiceCollection services) =>
        services.AddSingleton<RoutingRules>().AddScoped<AutoRouting>();
}

/// <summary>
/// The auto-rules for administrators at the region root: list, write, reorder, switch on and off, and try a rule over
/// the last 30 days before saving it. Every change bumps the rule set's version in the same transaction.
/// </summary>
public static class RoutingApi
{
    public static void MapRoutingApi(this IEndpointRouteBuilder routes)
    {
        var g = routes.MapGroup("/routing/rules").WithTags("Routing").RequireRegionAdministrator();
        g.MapGet("", List).Produces<List<RuleView>>();
        g.MapGet("/{id:guid}", Get).Produces<RuleView>();
        g.MapPost("", Create).Produces<RuleView>(StatusCodes.Status201Created);
        g.MapPut("/{id:guid}", Update).Produces<RuleView>();
        g.MapDelete("/{id:guid}", Delete).Produces(StatusCodes.Status204NoContent);
        g.MapPost("/reorder", Reorder).Produces<List<RuleView>>().WithSummary("Puts the rules given first, in the order given; the others follow in their order.");
        g.MapPost("/{id:guid}/enable", Enable).Produces<RuleView>();
        g.MapPost("/{id:guid}/disable", Disable).Produces<RuleView>();
        g.MapPost("/try", Try).Produces<RuleAdmin.TryResult>().WithSummary("Runs an unsaved rule over the appeals of the last 30 days: how many it matches and where they actually went.");
    }

    public sealed record RuleRequest(int? Version, string? Name, bool? Enabled, bool? Continue, RuleConditions? Conditions, RuleActions? Actions);
    public sealed record RuleView(Guid Id, int Position, string Name, bool Enabled, bool Continue, RuleConditions Conditions, RuleActions Actions,
        int Version, DateTime UpdatedAtUtc);
    public sealed record ReorderRequest(Guid[]? Ids);
    public sealed record VersionRequest(int? Version);
    public sealed record TryRequest(RuleConditions? Conditions, RuleActions? Actions);

    static RuleView View(RoutingRule r) => new(r.Id, r.Position, r.Name, r.Enabled, r.Continue, r.Conditions, r.Actions, r.Version, r.UpdatedAtUtc);

    static async Task<IResult> List(AppDbContext db, CancellationToken ct) =>
        TypedResults.Ok((await db.RoutingRules.AsNoTracking().OrderBy(r => r.Position).ToListAsync(ct)).Select(View).ToList());

    static async Task<IResult> Get(Guid id, AppDbContext db, CancellationToken ct) =>
        await db.RoutingRules.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct) is { } rule ? TypedResults.Ok(View(rule)) : NotFound();

    static async Task<IResult> Create(RuleRequest r, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var rule = await RuleAdmin.CreateAsync(db, r, user.Id, clock.GetUtcNow().UtcDateTime, ct);
        return TypedResults.Created($"/api/v1/routing/rules/{rule.Id}", View(rule));
    }

    static async Task<IResult> Update(Guid id, RuleRequest r, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        await RuleAdmin.UpdateAsync(db, id, r, user.Id, clock.GetUtcNow().UtcDateTime, ct) is { } rule ? TypedResults.Ok(View(rule)) : NotFound();

    static async Task<IResult> Delete(Guid id, AppDbContext db, CancellationToken ct) =>
        await RuleAdmin.DeleteAsync(db, id, ct) ? TypedResults.NoContent() : NotFound();

    static async Task<IResult> Reorder(ReorderRequest r, AppDbContext db, CancellationToken ct)
    {
        await RuleAdmin.ReorderAsync(db, r.Ids ?? [], ct);
        return await List(db, ct);
    }

    static Task<IResult> Enable(Guid id, VersionRequest r, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        Switch(id, r, true, db, user, clock, ct);

    static Task<IResult> Disable(Guid id, VersionRequest r, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        Switch(id, r, false, db, user, clock, ct);

    static async Task<IResult> Switch(Guid id, VersionRequest r, bool enabled, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        await RuleAdmin.SwitchAsync(db, id, r.Version, enabled, user.Id, clock.GetUtcNow().UtcDateTime, ct) is { } rule ? TypedResults.Ok(View(rule)) : NotFound();

    static async Task<IResult> Try(TryRequest r, AppDbContext db, AutoRouting routing, DeadlineClocks clocks, OrganisationTree tree, TimeProvider clock,
        CancellationToken ct)
    {
        var conditions = r.Conditions ?? new RuleConditions();
        var actions = r.Actions ?? new RuleActions();
        var e = new InputErrors();
        await RuleAdmin.CheckAsync(db, e, conditions, actions, ct);
        e.ThrowIfAny(StatusCodes.Status422UnprocessableEntity);
        return TypedResults.Ok(await RuleAdmin.TryAsync(db, clocks, tree, conditions, actions, clock.GetUtcNow().UtcDateTime, ct));
    }

    static IResult NotFound() => TypedResults.Problem(title: "Не найдено", detail: "Такого правила нет.", statusCode: StatusCodes.Status404NotFound,
        extensions: new Dictionary<string, object?> { ["code"] = "routing.rule_not_found" });
}

/// <summary>The rule changes and the trial run, shared by the API and the administrator's page.</summary>
public static class RuleAdmin
{
    public const int TryDays = 30;

    public static async Task<RoutingRule> CreateAsync(AppDbContext db, RoutingApi.RuleRequest r, Guid? actorId, DateTime nowUtc, CancellationToken ct)
    {
        var (name, conditions, actions) = await ValidateAsync(db, r, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var last = await db.RoutingRules.MaxAsync(x => (int?)x.Position, ct) ?? 0;
        var rule = new RoutingRule
        {
            Id = Guid.CreateVersion7(new DateTimeOffset(nowUtc, TimeSpan.Zero)), Position = last + 1, Name = name, Enabled = r.Enabled ?? true,
            Continue = r.Continue ?? false, Conditions = conditions, Actions = actions, Version = 1, CreatedAtUtc = nowUtc, UpdatedAtUtc = nowUtc,
            UpdatedById = actorId,
        };
        db.RoutingRules.Add(rule);
        await db.SaveChangesAsync(ct);
        await RoutingRules.BumpAsync(db, ct);
        await tx.CommitAsync(ct);
        return rule;
    }

    public static async Task<RoutingRule?> UpdateAsync(AppDbContext db, Guid id, RoutingApi.RuleRequest r, Guid? actorId, DateTime nowUtc, CancellationToken ct)
    {
        var (name, conditions, actions) = await ValidateAsync(db, r, ct);
        return await ChangeAsync(db, id, r.Version, actorId, nowUtc, rule =>
        {
            (rule.Name, rule.Conditions, rule.Actions) = (name, conditions, actions);
            if (r.Enabled is { } enabled) rule.Enabled = enabled;
            if (r.Continue is { } go) rule.Continue = go;
        }, ct);
    }

    public static Task<RoutingRule?> SwitchAsync(AppDbContext db, Guid id, int? version, bool enabled, Guid? actorId, DateTime nowUtc, CancellationToken ct) =>
        ChangeAsync(db, id, version, actorId, nowUtc, rule => rule.Enabled = enabled, ct);

    static async Task<RoutingRule?> ChangeAsync(AppDbContext db, Guid id, int? version, Guid? actorId, DateTime nowUtc, Action<RoutingRule> change,
        CancellationToken ct)
    {
        if (version is null)
            throw new InputException("version", "field.required", "Укажите версию правила, которую вы видели (поле version).", StatusCodes.Status422UnprocessableEntity);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var rule = await db.RoutingRules.SingleOrDefaultAsync(x => x.Id == id, ct);
        if (rule is null) return null;
        if (rule.Version != version)
            throw new RuleException("concurrency.stale_version", $"Правило изменилось (версия {rule.Version}, у вас {version}). Обновите страницу и повторите.");
        change(rule);
        rule.Version++;
        (rule.UpdatedAtUtc, rule.UpdatedById) = (nowUtc, actorId);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException)
        {
            throw new RuleException("concurrency.stale_version", "Правило уже изменил другой администратор. Обновите страницу и повторите.");
        }
        await RoutingRules.BumpAsync(db, ct);
        await tx.CommitAsync(ct);
        return rule;
    }

    public static async Task<bool> DeleteAsync(AppDbContext db, Guid id, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.RoutingRules.Where(r => r.Id == id).ExecuteDeleteAsync(ct) == 0) return false;
        await RoutingRules.BumpAsync(db, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    public static async Task ReorderAsync(AppDbContext db, Guid[] ids, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var rules = await db.RoutingRules.OrderBy(r => r.Position).ToListAsync(ct);
        if (ids.Length == 0 || ids.Distinct().Count() != ids.Length || ids.Any(id => rules.All(r => r.Id != id)))
            throw new InputException("ids", "routing.reorder_ids", "Перечислите существующие правила, каждое один раз.", StatusCodes.Status422UnprocessableEntity);
        var ordered = ids.Select(id => rules.Single(r => r.Id == id)).Concat(rules.Where(r => !ids.Contains(r.Id))).ToList();
        for (var i = 0; i < ordered.Count; i++)
            if (ordered[i].Position != i + 1) { ordered[i].Position = i + 1; ordered[i].Version++; }
        await db.SaveChangesAsync(ct);
        await RoutingRules.BumpAsync(db, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Moves one rule a step up (-1) or down (+1): the page's buttons.</summary>
    public static async Task MoveAsync(AppDbContext db, Guid id, int step, CancellationToken ct)
    {
        var ids = await db.RoutingRules.AsNoTracking().OrderBy(r => r.Position).Select(r => r.Id).ToListAsync(ct);
        var i = ids.IndexOf(id);
        var j = i + step;
        if (i < 0 || j < 0 || j >= ids.Count) return;
        (ids[i], ids[j]) = (ids[j], ids[i]);
        await ReorderAsync(db, [.. ids], ct);
    }

    static async Task<(string Name, RuleConditions Conditions, RuleActions Actions)> ValidateAsync(AppDbContext db, RoutingApi.RuleRequest r, CancellationToken ct)
    {
        var e = new InputErrors();
        var name = r.Name?.Trim() ?? "";
        if (name.Length == 0) e.Add("name", "field.required", "Назовите правило.");
        else if (name.Length > 200) e.Add("name", "field.too_long", "Название — не длиннее 200 символов.");
        var conditions = r.Conditions ?? new RuleConditions();
        var actions = r.Actions ?? new RuleActions();
        await CheckAsync(db, e, conditions, actions, ct);
        e.ThrowIfAny(StatusCodes.Status422UnprocessableEntity);
        return (name, conditions with { Words = [.. conditions.Words.Select(w => w.Trim().ToLowerInvariant()).Distinct()] },
            actions with { Tag = string.IsNullOrWhiteSpace(actions.Tag) ? null : actions.Tag.Trim(), AnswerPolicy = Blank(actions.AnswerPolicy),
                PartPolicy = Blank(actions.PartPolicy) });
    }

    static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    /// <summary>The references exist, the organisations work in the system, the policies parse, the route is complete.</summary>
    public static async Task CheckAsync(AppDbContext db, InputErrors e, RuleConditions c, RuleActions a, CancellationToken ct)
    {
        if (c.CategoryIds.Length > 0 && await db.Categories.CountAsync(x => c.CategoryIds.Contains(x.Id), ct) != c.CategoryIds.Distinct().Count())
            e.Add("conditions.categoryIds", "catalogue.unknown_category", "Такой категории нет.");
        if (c.TopicIds.Length > 0 && await db.Topics.CountAsync(x => c.TopicIds.Contains(x.Id), ct) != c.TopicIds.Distinct().Count())
            e.Add("conditions.topicIds", "catalogue.unknown_topic", "Такой темы нет.");
        if (c.TerritoryIds.Length > 0 && await db.Territories.CountAsync(x => c.TerritoryIds.Contains(x.Id), ct) != c.TerritoryIds.Distinct().Count())
            e.Add("conditions.territoryIds", "catalogue.unknown_territory", "Такой территории нет.");
        if (c.Words.Length > 30) e.Add("conditions.words", "routing.words", "Не больше 30 слов.");
        else if (c.Words.Any(w => w.Trim().Length is < 2 or > 50))
            e.Add("conditions.words", "routing.words", "Каждое слово (основа слова) — от 2 до 50 букв.");

        var organisations = new[] { a.ExecutorOrganisationId, a.MunicipalityId }.OfType<Guid>().Concat(a.CoExecutorIds).Distinct().ToList();
        var connected = await db.Organisations.Where(o => organisations.Contains(o.Id) && o.IsConnected).Select(o => o.Id).ToListAsync(ct);
        if (a.ExecutorOrganisationId is { } ex && !connected.Contains(ex))
            e.Add("actions.executorOrganisationId", "routing.organisation", "Исполнитель должен быть организацией, работающей в системе.");
        if (a.CoExecutorIds.Any(x => !connected.Contains(x)))
            e.Add("actions.coExecutorIds", "routing.organisation", "Соисполнители должны быть организациями, работающими в системе.");
        else if (a.ExecutorOrganisationId is { } lead && a.CoExecutorIds.Contains(lead))
            e.Add("actions.coExecutorIds", "routing.co_executor_self", "Соисполнитель должен отличаться от основного исполнителя.");
        if (a.MunicipalityId is { } m && !connected.Contains(m))
            e.Add("actions.municipalityId", "routing.organisation", "Муниципалитет должен работать в системе.");
        if (a.Route == RouteKind.Several && a.CoExecutorIds.Length == 0)
            e.Add("actions.coExecutorIds", "routing.several_needs_co_executors", "Для маршрута «несколько организаций» укажите соисполнителей.");
        foreach (var (field, policy) in new[] { ("actions.answerPolicy", a.AnswerPolicy), ("actions.partPolicy", a.PartPolicy) })
            if (!string.IsNullOrWhiteSpace(policy) && !DeadlinePolicy.TryParse(policy.Trim(), out _, out var error))
                e.Add(field, "deadline.policy", error!);
        if (a.Tag is { } tag && (tag.Trim().Length > 50 || tag.Contains('|')))
            e.Add("actions.tag", "routing.tag", "Метка — до 50 символов, без знака «|».");
        if (!a.Routes && a.Kind is null && a.Priority is null && Blank(a.AnswerPolicy) is null && Blank(a.PartPolicy) is null && Blank(a.Tag) is null
            && a.Intake is null)
            e.Add("actions", "routing.no_action", "Правило ничего не делает: выберите хотя бы одно действие.");
    }

    public sealed record TryGroup(Guid? OrganisationId, string Name, int Count);

    public sealed record TryResult(int Days, int Scanned, int Matched, int Refused, IReadOnlyList<TryGroup> WentTo, IReadOnlyList<string> Examples,
        Guid? WouldGoTo, string? WouldGoToName);

    /// <summary>
    /// The rule, unsaved, over the appeals received in the last <see cref="TryDays"/> days: how many it would match (and
    /// refuse, for complaints against its executor), and where those appeals actually went, by executor organisation.
    /// The appeals are streamed: only the counts are kept.
    /// </summary>
    public static async Task<TryResult> TryAsync(AppDbContext db, DeadlineClocks clocks, OrganisationTree tree, RuleConditions c, RuleActions a,
        DateTime nowUtc, CancellationToken ct)
    {
        var set = new RuleSet(0, [new CompiledRule(new RoutingRule { Id = Guid.Empty, Name = "проверка", Conditions = c, Actions = a })]);
        var paths = await tree.PathsAsync(ct);
        var names = await db.Organisations.AsNoTracking().ToDictionaryAsync(o => o.Id, o => o.Name, ct);
        var (calendar, deadlineRules) = await clocks.LoadAsync(ct);
        var organisations = await db.Organisations.AsNoTracking().ToDictionaryAsync(o => o.Id, ct);
        var regionClocks = new Dictionary<Guid, DeadlineClock>();
        var since = nowUtc.AddDays(-TryDays);
        int scanned = 0, matched = 0, refused = 0;
        var wentTo = new Dictionary<Guid, int>();
        var unrouted = 0;
        var examples = new List<string>();
        var rows = db.Appeals.AsNoTracking().Where(x => x.ReceivedAtUtc >= since).OrderBy(x => x.ReceivedAtUtc)
            .Select(x => new
            {
                x.Number, x.CategoryId, x.TopicId, x.TerritoryId, x.Channel, ApplicantKind = x.Applicant.Kind, x.Regime, x.Kind, x.Text,
                x.ReceivedAtUtc, x.RespondentOrganisationId, x.OwnerOrganisationId, x.ExecutorOrganisationId,
            }).AsAsyncEnumerable();
        await foreach (var x in rows.WithCancellation(ct))
        {
            scanned++;
            if (!regionClocks.TryGetValue(x.OwnerOrganisationId, out var clock))
                regionClocks[x.OwnerOrganisationId] = clock = DeadlineClocks.For(calendar, deadlineRules, organisations.GetValueOrDefault(x.OwnerOrganisationId));
            var facts = AutoRouting.FactsOf(x.CategoryId, x.TopicId, x.TerritoryId, x.Channel, x.ApplicantKind, x.Regime, x.Kind, x.Text, x.ReceivedAtUtc,
                x.RespondentOrganisationId, clock);
            var d = RoutingEngine.Evaluate(set, facts, paths);
            if (!d.Matched) continue;
            matched++;
            if (d.Refusals.Count > 0) refused++;
            if (x.ExecutorOrganisationId is { } went) wentTo[went] = wentTo.GetValueOrDefault(went) + 1;
            else unrouted++;
            if (examples.Count < 10) examples.Add(x.Number);
        }
        var groups = wentTo.Select(g => new TryGroup(g.Key, names.GetValueOrDefault(g.Key, "—"), g.Value))
            .Append(new TryGroup(null, "Ещё не направлено (модерация)", unrouted)).Where(g => g.Count > 0)
            .OrderByDescending(g => g.Count).ThenBy(g => g.Name, StringComparer.Ordinal).ToList();
        return new TryResult(TryDays, scanned, matched, refused, groups, examples, a.ExecutorOrganisationId,
            a.ExecutorOrganisationId is { } target ? names.GetValueOrDefault(target) : null);
    }
}
