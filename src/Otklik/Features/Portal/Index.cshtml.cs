using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Otklik.Features.Portal;

public sealed class IndexModel : PageModel
{
    public void OnGet() { }
}
