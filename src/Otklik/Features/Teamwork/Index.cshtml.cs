using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Teamwork;

/// <summary>
/// «Рабочая группа»: what waits for the person — important announcements to confirm, chats with unread messages, tasks
/// by due day, shared folders — and the forms that start each of them. Opening it counts as having looked (no digest).
/// </summary>
[Authorize]
public sealed class IndexModel(TeamService team, AppDbContext db) : PageModel
{
    public IReadOnlyList<TeamworkApi.AnnouncementItem> Announcements { get; private set; } = [];
    public IReadOnlyList<Chat> Chats { get; private set; } = [];
    public IReadOnlyDictionary<Guid, int> Unread { get; private set; } = new Dictionary<Guid, int>();
    public IReadOnlyList<TeamworkApi.TaskView> Tasks { get; private set; } = [];
    public IReadOnlyList<SharedFolder> Folders { get; private set; } = [];
    public bool MayAuthor { get; private set; }
    public List<(Guid Id, string Name)> AuthorOrganisations { get; private set; } = [];
    public List<(Guid Id, string Name)> MyOrganisations { get; private set; } = [];
    public List<(Guid Id, string Name)> AllOrganisations { get; private set; } = [];
    public List<(Guid Id, string Name, string? Email)> Colleagues { get; private set; } = [];
    public DateOnly Today { get; private set; }

    /// <summary>Which form the errors belong to: announcement, chat, task or folder.</summary>
    public string? Form { get; private set; }
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();
    public string? ErrorFor(string form, string field) => Form == form && Errors.TryGetValue(field, out var e) ? string.Join(" ", e) : null;
    public string? Failure { get; private set; }

    // The forms' fields, kept after a refusal.
    [BindProperty] public string? Title { get; set; }
    [BindProperty] public string? Text { get; set; }
    [BindProperty] public bool Important { get; set; }
    [BindProperty] public List<Guid> OrganisationIds { get; set; } = [];
    [BindProperty] public List<Role> Roles { get; set; } = [];
    [BindProperty] public ChatKind Kind { get; set; } = ChatKind.Project;
    [BindProperty] public Guid? OrganisationId { get; set; }
    [BindProperty] public List<Guid> MemberIds { get; set; } = [];
    [BindProperty] public Guid? OwnerId { get; set; }
    [BindProperty] public DateOnly? DueOn { get; set; }
    [BindProperty] public string? Checklist { get; set; }
    [BindProperty] public Guid? ChatId { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await team.IsStaffAsync(ct)) return Forbid();
        await team.SeenAsync(ct);
        await LoadAsync(ct);
        return Page();
    }

    public Task<IActionResult> OnPostAnnouncementAsync(CancellationToken ct) => TryAsync("announcement", async () =>
    {
        var a = await team.PostAnnouncementAsync(new(Title, Text, Important, OrganisationIds, Roles), ct);
        return $"/office/teamwork/announcements/{a.Id}";
    }, ct);

    public Task<IActionResult> OnPostChatAsync(CancellationToken ct) => TryAsync("chat", async () =>
    {
        var c = await team.OpenChatAsync(new(Title, Kind, OrganisationId, MemberIds), ct);
        return $"/office/teamwork/chats/{c.Id}";
    }, ct);

    public Task<IActionResult> OnPostTaskAsync(CancellationToken ct) => TryAsync("task", async () =>
    {
        var items = (Checklist ?? "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var t = await team.CreateTaskAsync(new(Title, Text, OwnerId, DueOn, items, ChatId), ct);
        return $"/office/teamwork/tasks/{t.Id}";
    }, ct);

    public Task<IActionResult> OnPostFolderAsync(CancellationToken ct) => TryAsync("folder", async () =>
    {
        var f = await team.CreateFolderAsync(new(Title, OrganisationId, OrganisationIds, Roles), ct);
        return $"/office/teamwork/folders/{f.Id}";
    }, ct);

    async Task<IActionResult> TryAsync(string form, Func<Task<string>> act, CancellationToken ct)
    {
        if (!await team.IsStaffAsync(ct)) return Forbid();
        try { return Redirect(await act()); }
        catch (InputException e) { Form = form; Errors = e.Errors; Failure = "Проверьте форму: ошибки отмечены у полей."; Response.StatusCode = 422; }
        catch (RuleException e) { Form = form; Failure = e.Message; Response.StatusCode = 409; }
        db.ChangeTracker.Clear();
        await LoadAsync(ct);
        return Page();
    }

    async Task LoadAsync(CancellationToken ct)
    {
        Announcements = (await TeamworkApi.ListAsync(team, db, ct)).Take(20).ToList();
        Chats = await team.ChatsAsync(ct);
        Unread = await team.UnreadByChatAsync([.. Chats.Select(c => c.Id)], ct);
        var tasks = await team.TasksAsync(false, ct);
        var names = await team.NamesAsync(tasks.Select(t => t.OwnerId), ct);
        Today = DateOnly.FromDateTime(team.Now);
        Tasks = [.. tasks.Select(t => TeamworkApi.View(t, names.GetValueOrDefault(t.OwnerId, "—"), Today))];
        Folders = await team.FoldersAsync(ct);
        MayAuthor = await team.MayAuthorAsync(ct);
        if (MayAuthor) AuthorOrganisations = await team.OrganisationsAsync(await team.AuthorScopeAsync(ct), ct);
        MyOrganisations = await team.OrganisationsAsync(await team.ScopeAsync(ct), ct);
        if (MayAuthor) AllOrganisations = await team.OrganisationsAsync(db.Organisations.Select(o => o.Id).ToHashSet(), ct);
        Colleagues = await team.ColleaguesAsync(ct);
    }
}
