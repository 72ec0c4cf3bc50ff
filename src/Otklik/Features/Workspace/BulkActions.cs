using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Execution;
using Otklik.Features.Moderation;
using Otklik.Infrastructure;

namespace Otklik.Features.Workspace;

/// <summary>What a bulk action does to each selected appeal.</summary>
public enum BulkAction { Assign, SetExecutor, Tag, Merge, CloseAsDuplicate, Export }

/// <summary>An appeal of the selection, with the version the person saw (each is saved with its own version check).</summary>
public sealed record BulkItem(Guid? Id, int? Version);

/// <summary>
/// A bulk action on a selection. <c>personId</c>: assign; <c>organisationId</c>: set the executor organisation; <c>tag</c>:
/// tag; <c>targetAppealId</c> or <c>targetNumber</c>: the appeal the others are merged into (merge: by default the earliest
/// received of the selection; close as duplicate: required).
/// </summary>
public sealed record BulkRequest(BulkAction? Action, BulkItem[]? Items, Guid? PersonId = null, Guid? OrganisationId = null, string? Tag = null,
    Guid? TargetAppealId = null, string? TargetNumber = null);

public sealed record BulkDone(Guid Id, string Number);
/// <summary>An appeal the action was refused for, and why (the same message and field errors as the single action).</summary>
public sealed record BulkRefusal(Guid Id, string? Number, int Status, string Reason, IReadOnlyDictionary<string, string[]> Errors);
public sealed record BulkResult(BulkAction Action, string? TargetNumber, IReadOnlyList<BulkDone> Done, IReadOnlyList<BulkRefusal> Refused);

/// <summary>
/// Bulk actions on a selection of the list (the page and <c>POST /api/v1/appeals/bulk</c>): each appeal goes through the
/// same path as its single action — visibility, the duty, its version, the entity's rules — in its own transaction, so
/// one refusal stops nothing else, and the result names each refused appeal with the reason.
/// </summary>
public static class BulkActions
{
    public const int MaxItems = 200;

    public static async Task<BulkResult> RunAsync(IServiceScopeFactory scopes, AppDbContext db, CurrentUser user, BulkRequest r, CancellationToken ct)
    {
        var (action, items) = Check(r);
        var ids = items.Select(i => i.Id).ToList();
        var visible = await (await AppealAccess.VisibleAsync(db, user, ct)).AsNoTracking().Where(a => ids.Contains(a.Id))
            .Select(a => new { a.Id, a.Number, a.ReceivedAtUtc }).ToListAsync(ct);
        var numbers = visible.ToDictionary(a => a.Id, a => a.Number);

        Guid? target = null;
        string? targetNumber = null;
        if (action is BulkAction.Merge or BulkAction.CloseAsDuplicate)
        {
            (target, targetNumber) = await TargetAsync(db, user, r, ct);
            if (target is null && action == BulkAction.Merge && visible.Count > 0)
            {
                var earliest = visible.OrderBy(a => a.ReceivedAtUtc).ThenBy(a => a.Number, StringComparer.Ordinal).First();
                (target, targetNumber) = (earliest.Id, earliest.Number);
            }
            if (target is null)
                throw new InputException("targetNumber", "bulk.target_required", "Укажите номер обращения, дубликатами которого закрыть выбранные.", 422);
        }

        var done = new List<BulkDone>();
        var refused = new List<BulkRefusal>();
        foreach (var item in items)
        {
            // The main appeal of a merge stays as it is: the others are joined to it.
            if (item.Id == target) continue;
            // Each appeal in its own scope: its own context and change pipeline, so a refused one leaves nothing behind for the next.
            await using var scope = scopes.CreateAsyncScope();
            var changes = scope.ServiceProvider.GetRequiredService<AppealChanges>();
            var outcome = await changes.TryRunAsync(item.Id, item.Version, Per(action, changes, r, target, ct), ct);
            var number = numbers.GetValueOrDefault(item.Id);
            if (outcome.Succeeded) done.Add(new(item.Id, number!));
            else refused.Add(new(item.Id, number, outcome.Status, outcome.Message ?? "Действие не выполнено.", outcome.Errors));
        }
        return new(action, targetNumber, done, refused);
    }

    /// <summary>The request as a whole: a wrong one is refused before any appeal is touched.</summary>
    public static (BulkAction Action, List<(Guid Id, int Version)> Items) Check(BulkRequest r)
    {
        var e = new InputErrors();
        if (r.Action is not { } action || !Enum.IsDefined(action))
        {
            e.Add("action", "field.required", "Выберите действие.");
            action = default;
        }
        var items = r.Items ?? [];
        if (items.Length == 0) e.Add("items", "bulk.empty", "Отметьте обращения, к которым применить действие.");
        else if (items.Length > MaxItems) e.Add("items", "bulk.too_many", $"Не больше {MaxItems} обращений за раз.");
        else if (items.Any(i => i.Id is null || i.Version is null))
            e.Add("items", "bulk.item", "У каждого обращения укажите id и версию, которую вы видели (version).");
        else if (items.Select(i => i.Id).Distinct().Count() != items.Length) e.Add("items", "bulk.duplicate", "Обращение указано дважды.");
        switch (action)
        {
            case BulkAction.Assign when r.PersonId is null: e.Add("personId", "field.required", "Выберите специалиста."); break;
            case BulkAction.SetExecutor when r.OrganisationId is null: e.Add("organisationId", "field.required", "Выберите организацию-исполнителя."); break;
            case BulkAction.Tag when string.IsNullOrWhiteSpace(r.Tag): e.Add("tag", "field.required", "Напишите метку."); break;
            case BulkAction.CloseAsDuplicate when r.TargetAppealId is null && string.IsNullOrWhiteSpace(r.TargetNumber):
                e.Add("targetNumber", "field.required", "Укажите номер обращения, дубликатами которого закрыть выбранные."); break;
        }
        e.ThrowIfAny(StatusCodes.Status422UnprocessableEntity);
        return (action, [.. items.Select(i => (i.Id!.Value, i.Version!.Value))]);
    }

    static async Task<(Guid?, string?)> TargetAsync(AppDbContext db, CurrentUser user, BulkRequest r, CancellationToken ct)
    {
        if (r.TargetAppealId is null && string.IsNullOrWhiteSpace(r.TargetNumber)) return (null, null);
        var number = r.TargetNumber?.Trim();
        var found = await (await AppealAccess.VisibleAsync(db, user, ct)).AsNoTracking()
            .Where(a => r.TargetAppealId != null ? a.Id == r.TargetAppealId : a.Number == number)
            .Select(a => new { a.Id, a.Number }).SingleOrDefaultAsync(ct);
        if (found is null)
            throw new InputException(r.TargetAppealId is null ? "targetNumber" : "targetAppealId", "moderation.unknown_target",
                "Обращение для объединения не найдено.", 422);
        return (found.Id, found.Number);
    }

    static AppealAction Per(BulkAction action, AppealChanges c, BulkRequest r, Guid? target, CancellationToken ct) => action switch
    {
        BulkAction.Assign => ExecutionActions.Assign(c, r.PersonId, ct),
        BulkAction.SetExecutor => new(Holds(c, ct, Duty.Moderate), ModerationApi.Routing(c, r.OrganisationId, "Выбор исполнителя для нескольких обращений", ct)),
        BulkAction.Tag => new(Holds(c, ct, Duty.Moderate, Duty.Dispatch, Duty.Control), (appeal, now) =>
        {
            appeal.AddTag(r.Tag, c.User.RequiredId, now);
            return Task.CompletedTask;
        }),
        BulkAction.Merge or BulkAction.CloseAsDuplicate => new(Holds(c, ct, Duty.Moderate), ModerationApi.Merging(c, target, ct)),
        _ => throw new InputException("action", "bulk.action", "Это действие не применяется к обращениям по одному.", 422),
    };

    static Func<Appeal, Task<bool>> Holds(AppealChanges c, CancellationToken ct, params Duty[] duties) => async appeal =>
    {
        foreach (var duty in duties)
            if (await c.User.HoldsAsync(duty, appeal, ct)) return true;
        return false;
    };

    /// <summary>The selection as the list shows it, for an export: only what the person may see, in the list's order.</summary>
    public static async IAsyncEnumerable<AppealRow> RowsAsync(AppDbContext db, CurrentUser user, IReadOnlyCollection<Guid> ids, ListDirectory directory,
        DateTime nowUtc, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var selected = (await AppealAccess.VisibleAsync(db, user, ct)).AsNoTracking().Where(a => ids.Contains(a.Id));
        var (rows, _) = await AppealsListRows.PageAsync(db, selected, ListSort.Received, null, MaxItems, directory, nowUtc, ct);
        foreach (var row in rows) yield return row;
    }
}

/// <summary><c>POST /api/v1/appeals/bulk</c>: the list's bulk actions for integrations; <c>export</c> answers with the selection as CSV.</summary>
public static class BulkApi
{
    public static RouteHandlerBuilder MapBulkApi(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/appeals/bulk", Run).WithTags("Appeals").WithName("BulkAppeals").RequireAuthorization().Produces<BulkResult>()
            .WithSummary("Runs one action over selected appeals, each on its own: what was done and what was refused (the export action answers a CSV file)")
            // The export action answers the same 200 with a CSV file: the document lists both bodies.
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                if (operation.Responses?.TryGetValue("200", out var ok) == true && ok.Content is { } content)
                    content["text/csv"] = new Microsoft.OpenApi.OpenApiMediaType { Schema = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.String, Format = "binary" } };
                return Task.CompletedTask;
            });

    static async Task<IResult> Run(BulkRequest r, AppDbContext db, CurrentUser user, IServiceScopeFactory scopes, TimeProvider clock,
        Audit.AuditTrail audit, HttpContext http, CancellationToken ct)
    {
        if (!await user.IsStaffAsync(ct)) return AppealChanges.Forbidden();
        if (r.Action != BulkAction.Export) return TypedResults.Ok(await BulkActions.RunAsync(scopes, db, user, r, ct));
        var (_, items) = BulkActions.Check(r);
        var directory = await ListDirectory.LoadAsync(db, ct);
        var zone = await directory.ZoneOfAsync(user, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var rows = new List<AppealRow>();
        await foreach (var row in BulkActions.RowsAsync(db, user, [.. items.Select(i => i.Id)], directory, now, ct)) rows.Add(row);
        audit.Record(http, user, Audit.AuditKind.AppealExport, null, $"api selection csv: {rows.Count} of {items.Count}", rows.Count);
        return TypedResults.Stream(stream => ExportCsv.WriteAsync(stream, ExportColumn.For(zone), rows.ToAsyncEnumerable(), CancellationToken.None),
            "text/csv; charset=utf-8", $"obrashcheniya-vybrannye-{TimeZoneInfo.ConvertTimeFromUtc(now, zone):yyyy-MM-dd-HHmm}.csv");
    }
}
