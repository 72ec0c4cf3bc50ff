using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Otklik.Infrastructure;

namespace Otklik.Features.Errors;

/// <summary>
/// What a browser sees instead of a ProblemDetails body: an unknown address, a missing article, someone else's appeal,
/// a page the staff member's roles do not open, a server failure. The page is drawn in the frame of the site the person
/// was on (the office frame under /office, the portal frame elsewhere) with a way back. The API keeps JSON
/// (see <see cref="ErrorPages.WantsPage"/>).
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class ErrorPageModel : PageModel
{
    [FromRoute] public int Code { get; set; }

    public string OriginalPath { get; private set; } = "/";
    public bool Office => OriginalPath.StartsWith("/office", StringComparison.OrdinalIgnoreCase);
    public string Title { get; private set; } = "";
    public string Detail { get; private set; } = "";

    // Every method lands here: a re-executed POST to an unknown address is still shown as a page.
    public IActionResult OnGet() => Show();
    public IActionResult OnPost() => Show();

    IActionResult Show()
    {
        var reExecuted = HttpContext.Features.Get<IStatusCodeReExecuteFeature>();
        var failed = HttpContext.Features.Get<IExceptionHandlerPathFeature>();
        if (reExecuted is null && failed is null) return NotFound(); // opened directly: there is nothing to explain
        OriginalPath = reExecuted?.OriginalPath ?? failed?.Path ?? "/";
        var status = Code;
        string? detail = null;
        if (failed?.Error is { } error)
            (status, _, _, detail, _) = ProblemExceptionHandler.Describe(error, HttpContext);
        Response.StatusCode = status;
        (Title, Detail) = ErrorPages.Explain(status, OriginalPath, detail);
        ViewData["Title"] = Title;
        return Page();
    }
}
