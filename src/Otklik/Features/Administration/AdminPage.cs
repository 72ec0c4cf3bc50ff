using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Administration;

/// <summary>
/// An administration screen. It runs the API's own operations in-process (DirectoryApi, CalendarApi…), so a page
/// grants exactly what the API grants, with the same escalation rules; a refusal comes back as the API's ProblemDetails
/// and is shown next to the field it names, in Russian.
/// </summary>
[Authorize]
public abstract class AdminPage(AppDbContext db, CurrentUser user) : PageModel
{
    protected AppDbContext Db => db;
    protected CurrentUser Me => user;

    /// <summary>Territories, the catalogue, the calendar and the rules serve the whole region: only its administrator changes them.</summary>
    protected virtual bool RegionOnly => false;

    public bool IsRegionAdministrator { get; private set; }
    public Dictionary<string, string> Errors { get; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>A refusal not tied to one field (a broken rule, no right to the organisation).</summary>
    public string? Message { get; protected set; }

    public string? ErrorFor(string field) => Errors.GetValueOrDefault(field);

    /// <summary>The error under a field, with the id its input names in aria-describedby.</summary>
    public IHtmlContent ErrorTag(string field) => ErrorFor(field) is { } e
        ? new HtmlString($"<span id=\"{IdOf(field)}-error\" class=\"field-error\">{System.Net.WebUtility.HtmlEncode(e)}</span>")
        : HtmlString.Empty;

    public string? DescribedBy(string field) => ErrorFor(field) is null ? null : IdOf(field) + "-error";

    static string IdOf(string field) => field.Replace('.', '-').Replace('[', '-').Replace("]", "", StringComparison.Ordinal);

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var ct = HttpContext.RequestAborted;
        IsRegionAdministrator = await user.IsRegionAdministratorAsync(ct);
        if (!await user.HasRoleAsync(Role.Administrator, ct) || (RegionOnly && !IsRegionAdministrator)) { context.Result = Forbid(); return; }
        await next();
    }

    /// <summary>
    /// Runs one API operation; true when it succeeded. A refusal (ProblemDetails, a field error, a broken rule) fills
    /// <see cref="Errors"/> and <see cref="Message"/>, sets the page's status to the API's and leaves nothing tracked.
    /// </summary>
    protected async Task<bool> CallAsync(Func<Task<IResult>> operation)
    {
        try
        {
            var result = await operation();
            if (result is ProblemHttpResult problem)
            {
                if (problem.ProblemDetails.Extensions.TryGetValue("errors", out var errors) && errors is IDictionary<string, string[]> fields)
                    foreach (var (field, messages) in fields) Errors[field] = messages[0];
                Message = problem.ProblemDetails.Detail;
                Response.StatusCode = problem.StatusCode;
                db.ChangeTracker.Clear();
                return false;
            }
            return true;
        }
        catch (InputException e)
        {
            foreach (var (field, messages) in e.Errors) Errors[field] = messages[0];
            if (e.Errors.Count == 0) Message = e.Message;
            Response.StatusCode = e.Status;
        }
        catch (RuleException e)
        {
            Message = e.Message;
            Response.StatusCode = StatusCodes.Status409Conflict;
        }
        catch (DbUpdateConcurrencyException)
        {
            Message = "Данные уже изменил другой сотрудник. Обновите страницу и повторите.";
            Response.StatusCode = StatusCodes.Status409Conflict;
        }
        db.ChangeTracker.Clear();
        return false;
    }

    /// <summary>The organisations the person administers (their Administrator roles' scope), in tree order, with their depth.</summary>
    protected async Task<IReadOnlyList<(Organisation Org, int Depth)>> ScopedOrganisationsAsync(CancellationToken ct)
    {
        var scope = (await user.ScopeAsync(ct, Role.Administrator)).ToList();
        var orgs = await db.Organisations.AsNoTracking().Where(o => scope.Contains(o.Id)).OrderBy(o => o.Path).ToListAsync(ct);
        var top = orgs.Count == 0 ? 0 : orgs.Min(o => o.Path.Count(c => c == '/'));
        return OrderAsTree(orgs).Select(o => (o, o.Path.Count(c => c == '/') - top)).ToList();
    }

    /// <summary>Parents before children, siblings by name (the path holds ids, so ordering by it alone would scatter names).</summary>
    static IEnumerable<Organisation> OrderAsTree(List<Organisation> orgs)
    {
        var ids = orgs.Select(o => o.Id).ToHashSet();
        var children = orgs.ToLookup(o => o.ParentId is { } p && ids.Contains(p) ? o.ParentId : null);
        IEnumerable<Organisation> Walk(Guid? parent) =>
            children[parent].OrderBy(o => o.Name, StringComparer.CurrentCulture).SelectMany(o => Walk(o.Id).Prepend(o));
        return Walk(null);
    }
}
