using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Identity;
using Otklik.Features.Intake;
using Otklik.Infrastructure;

namespace Otklik.Features.Directory;

public static class DirectoryApi
{
    public static void MapDirectoryApi(this IEndpointRouteBuilder routes)
    {
        var orgs = routes.MapGroup("/organisations").WithTags("Directory");
        orgs.MapGet("", ListOrganisations).Produces<List<OrganisationView>>().AllowAnonymous();
        orgs.MapGet("/{id:guid}", GetOrganisation).Produces<OrganisationView>().AllowAnonymous();
        orgs.MapPost("", CreateOrganisation).Produces<OrganisationView>(StatusCodes.Status201Created).RequireRole(Role.Administrator);
        orgs.MapPut("/{id:guid}", UpdateOrganisation).Produces<OrganisationView>().RequireRole(Role.Administrator);

        var people = routes.MapGroup("/people").WithTags("Directory");
        people.MapGet("", ListPeople).Produces<List<PersonView>>().RequireRole(Role.Administrator, Role.Dispatcher, Role.Controller, Role.Moderator);
        people.MapPost("", CreatePerson).Produces<PersonView>(StatusCodes.Status201Created).RequireRole(Role.Administrator);
        people.MapPut("/{id:guid}/roles", SetRoles).Produces<PersonView>().RequireRole(Role.Administrator);
        people.MapPost("/{id:guid}/api-keys", CreateApiKey).Produces<ApiKeyView>(StatusCodes.Status201Created).RequireRole(Role.Administrator);
        people.MapGet("/{id:guid}/api-keys", ListApiKeys).Produces<List<ApiKeyInfo>>().RequireRole(Role.Administrator);
        people.MapDelete("/{id:guid}/api-keys/{keyId:guid}", RevokeApiKey).Produces(StatusCodes.Status204NoContent).RequireRole(Role.Administrator);
        people.MapPost("/{id:guid}/disable", DisablePerson).Produces(StatusCodes.Status204NoContent).RequireRole(Role.Administrator);
        people.MapPost("/{id:guid}/enable", EnablePerson).Produces(StatusCodes.Status204NoContent).RequireRole(Role.Administrator);

        var territories = routes.MapGroup("/territories").WithTags("Directory");
        territories.MapGet("", ListTerritories).Produces<List<TerritoryView>>().AllowAnonymous();
        territories.MapGet("/locate", Locate).Produces<TerritoryView>().AllowAnonymous();
        territories.MapGet("/{id:guid}", GetTerritory).Produces<TerritoryDetail>().AllowAnonymous();
        territories.MapPost("/import", ImportTerritories).RequireRegionAdministrator().Produces<TerritoriesImported>()
            .WithSummary("Imports territories from a GeoJSON FeatureCollection");

        var catalogue = routes.MapGroup("").WithTags("Catalogue");
        catalogue.MapGet("/categories", ListCategories).Produces<List<CategoryView>>().AllowAnonymous();
        catalogue.MapPost("/categories", CreateCategory).Produces<CategoryView>(StatusCodes.Status201Created).RequireRegionAdministrator();
        catalogue.MapPost("/topics", CreateTopic).Produces<TopicView>(StatusCodes.Status201Created).RequireRegionAdministrator();
        catalogue.MapPut("/topics/{id:guid}", UpdateTopic).Produces<TopicView>().RequireRegionAdministrator();
        catalogue.MapPut("/topics/{id:guid}/routes", SetTopicRoutes).Produces<RouteView[]>().RequireRegionAdministrator();
        catalogue.MapGet("/catalogue/grounds", () => TypedResults.Ok(Grounds.All.Values.Select(g => new { g.Ground, g.Title, g.Outcomes, g.NoticeWithinDays, g.Notice }))).AllowAnonymous();
        catalogue.MapGet("/catalogue/rework-reasons", () => TypedResults.Ok(Enum.GetValues<ReworkReason>().Select(r => new { reason = r, title = Labels.Of(r) }))).AllowAnonymous();
        catalogue.MapGet("/catalogue/statuses", () => TypedResults.Ok(Enum.GetValues<AppealStatus>().Select(s => new { status = s, title = Labels.Of(s), terminal = Appeal.Terminal.Contains(s) }))).AllowAnonymous();
    }

    // ---- Organisations ----

    public sealed record OrganisationView(Guid Id, string Name, string ShortName, OrganisationKind Kind, Guid? ParentId, string TimeZone,
        TimeOnly WorkdayStart, TimeOnly WorkdayEnd, TimeOnly? BreakStart, TimeOnly? BreakEnd, bool IsConnected, bool AnswersNeedApproval,
        bool SitsOnBusinessProtectionHq, int Version);

    static OrganisationView View(Organisation o) => new(o.Id, o.Name, o.ShortName, o.Kind, o.ParentId, o.TimeZone, o.WorkdayStart, o.WorkdayEnd,
        o.BreakStart, o.BreakEnd, o.IsConnected, o.AnswersNeedApproval, o.SitsOnBusinessProtectionHq, o.Version);

    static async Task<IResult> ListOrganisations(AppDbContext db, CancellationToken ct) =>
        TypedResults.Ok((await db.Organisations.AsNoTracking().OrderBy(o => o.Path).ToListAsync(ct)).Select(View));

    static async Task<IResult> GetOrganisation(Guid id, AppDbContext db, CancellationToken ct) =>
        await db.Organisations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == id, ct) is { } o ? TypedResults.Ok(View(o)) : NotFound("Организация не найдена.");

    public sealed record OrganisationRequest(int? Version, string? Name, string? ShortName, OrganisationKind? Kind, Guid? ParentId, string? TimeZone,
        TimeOnly? WorkdayStart, TimeOnly? WorkdayEnd, TimeOnly? BreakStart, TimeOnly? BreakEnd, bool? IsConnected, bool? AnswersNeedApproval,
        bool? SitsOnBusinessProtectionHq, bool? AdditionalCentre = null);

    internal static async Task<IResult> CreateOrganisation(OrganisationRequest r, AppDbContext db, CurrentUser user, OrganisationTree tree, CancellationToken ct)
    {
        CheckOrganisation(r);
        var regionAdministrator = await user.IsRegionAdministratorAsync(ct);
        Organisation? parent = null;
        if (r.ParentId is { } parentId)
        {
            parent = await db.Organisations.SingleOrDefaultAsync(o => o.Id == parentId, ct)
                ?? throw new InputException("parentId", "directory.unknown_organisation", "Вышестоящей организации нет в справочнике.", 422);
            if (!await user.ReachesAsync(parentId, ct, Role.Administrator)) return Forbidden();
        }
        else if (!regionAdministrator)
            return Forbidden();
        if (!regionAdministrator)
        {
            // A centre of management owns new appeals of every territory, a region is a root of scope, HQ membership reaches
            // escalated complaints of every organisation: none of these is a municipality's to create.
            if (r.Kind is OrganisationKind.CentreOfManagement or OrganisationKind.Region) return ScopeChangeForbidden("kind");
            if (r.SitsOnBusinessProtectionHq == true) return ScopeChangeForbidden("sitsOnBusinessProtectionHq");
        }
        var id = Guid.CreateVersion7();
        if (r.Kind == OrganisationKind.CentreOfManagement && parent is not null)
            await DirectoryRules.CheckOneCentreAsync(db, parent.Path, id, r.AdditionalCentre, ct);
        var org = Organisation.Create(id, r.Name!, r.ShortName ?? "", r.Kind!.Value, parent, r.TimeZone ?? parent?.TimeZone ?? "Europe/Moscow",
            r.IsConnected ?? true, r.SitsOnBusinessProtectionHq ?? false);
        Apply(org, r);
        db.Organisations.Add(org);
        await db.SaveChangesAsync(ct);
        tree.Invalidate();
        return TypedResults.Created($"/api/v1/organisations/{org.Id}", View(org));
    }

    internal static async Task<IResult> UpdateOrganisation(Guid id, OrganisationRequest r, AppDbContext db, CurrentUser user,
        Deadlines.DeadlineClocks clocks, TimeProvider clock, CancellationToken ct)
    {
        var org = await db.Organisations.SingleOrDefaultAsync(o => o.Id == id, ct);
        if (org is null) return NotFound("Организация не найдена.");
        if (!await user.ReachesAsync(id, ct, Role.Administrator)) return Forbidden();
        CheckOrganisation(r);
        if (DirectoryRules.ScopeChangeOf(org, r.Kind!.Value, r.ParentId, r.SitsOnBusinessProtectionHq) is { } field
            && !await user.IsRegionAdministratorAsync(ct))
            return ScopeChangeForbidden(field);
        if (r.Version != org.Version) throw new RuleException("concurrency.stale_version", "Организацию уже изменили. Обновите данные и повторите.");
        if (r.ParentId != org.ParentId) throw new RuleException("directory.move", "Перенос организации в другое подчинение пока не поддерживается.");
        if (r.Kind == OrganisationKind.CentreOfManagement && org.Kind != OrganisationKind.CentreOfManagement)
            await DirectoryRules.CheckOneCentreAsync(db, org.Path, org.Id, r.AdditionalCentre, ct);
        // HQ membership is held only at organisations on the HQ: one leaves it after its members do.
        if (r.SitsOnBusinessProtectionHq == false && org.SitsOnBusinessProtectionHq
            && await db.RoleAssignments.AnyAsync(x => x.Role == Role.HqMember && x.OrganisationId == id, ct))
            throw new RuleException("directory.hq_members_remain", "У организации есть члены Штаба по защите бизнеса: сначала снимите с них членство.");
        db.Entry(org).Property(o => o.Version).OriginalValue = org.Version;
        var hoursBefore = (org.TimeZone, org.WorkdayStart, org.WorkdayEnd, org.BreakStart, org.BreakEnd);
        org.Update(r.Name!, r.ShortName ?? "", r.Kind!.Value, r.TimeZone ?? org.TimeZone, r.IsConnected ?? org.IsConnected,
            r.SitsOnBusinessProtectionHq ?? org.SitsOnBusinessProtectionHq);
        Apply(org, r);
        await db.SaveChangesAsync(ct);
        // Deadlines are counted in the organisation's zone and hours: when those change, open appeals are counted again.
        if (hoursBefore != (org.TimeZone, org.WorkdayStart, org.WorkdayEnd, org.BreakStart, org.BreakEnd))
            await Deadlines.CalendarApi.RecomputeOpenAppealsAsync(db, clocks, clock.GetUtcNow().UtcDateTime, ct);
        return TypedResults.Ok(View(org));
    }

    static void CheckOrganisation(OrganisationRequest r)
    {
        var e = new InputErrors();
        if (string.IsNullOrWhiteSpace(r.Name)) e.Add("name", "field.required", "Укажите название.");
        SubmitRules.CheckOptional(e, "name", r.Name, 300);
        SubmitRules.CheckOptional(e, "shortName", r.ShortName, 100);
        if (r.Kind is null) e.Add("kind", "field.required", "Укажите вид организации.");
        if (r.TimeZone is { } tz && !TimeZones.IsValid(tz)) e.Add("timeZone", "organisation.time_zone", $"Неизвестный часовой пояс «{tz}».");
        e.ThrowIfAny(StatusCodes.Status422UnprocessableEntity);
    }

    static void Apply(Organisation org, OrganisationRequest r)
    {
        if (r.WorkdayStart is not null || r.WorkdayEnd is not null)
            org.SetWorkingHours(r.WorkdayStart ?? org.WorkdayStart, r.WorkdayEnd ?? org.WorkdayEnd, r.BreakStart, r.BreakEnd);
        if (r.AnswersNeedApproval is { } approval) org.SetAnswersNeedApproval(approval);
    }

    // ---- People ----

    public sealed record RoleRequest(Role? Role, Guid? OrganisationId);
    public sealed record PersonRequest(string? Email, string? LastName, string? FirstName, string? MiddleName, string? Position, string? Password, RoleRequest[]? Roles);
    public sealed record PersonView(Guid Id, string FullName, string? Email, string? Position, IReadOnlyList<RoleRequest> Roles, bool Disabled = false);

    static async Task<IResult> ListPeople(AppDbContext db, CurrentUser user, Guid? organisationId, [FromQuery(Name = "role")] string? roleName, CancellationToken ct)
    {
        var role = QueryValues.Enum<Role>("role", roleName);
        var scope = await user.ScopeAsync(ct, Role.Administrator, Role.Dispatcher, Role.Controller, Role.Moderator);
        var ids = scope.ToList();
        var query = db.RoleAssignments.AsNoTracking().Where(r => r.OrganisationId != null && ids.Contains(r.OrganisationId.Value));
        if (organisationId is { } org) query = query.Where(r => r.OrganisationId == org);
        if (role is { } rl) query = query.Where(r => r.Role == rl);
        var personIds = await query.Select(r => r.PersonId).Distinct().ToListAsync(ct);
        var people = await db.Users.AsNoTracking().Where(p => personIds.Contains(p.Id)).Include(p => p.Roles).OrderBy(p => p.LastName).ToListAsync(ct);
        return TypedResults.Ok(people.Select(p => new PersonView(p.Id, p.FullName, p.Email, p.Position,
            [.. p.Roles.Select(r => new RoleRequest(r.Role, r.OrganisationId))], p.DisabledAtUtc is not null)));
    }

    internal static async Task<IResult> CreatePerson(PersonRequest r, AppDbContext db, CurrentUser user, UserManager<Person> users, TimeProvider clock, CancellationToken ct)
    {
        var e = new InputErrors();
        if (string.IsNullOrWhiteSpace(r.Email)) e.Add("email", "field.required", "Укажите адрес электронной почты.");
        if (string.IsNullOrWhiteSpace(r.LastName)) e.Add("lastName", "field.required", "Укажите фамилию.");
        if (string.IsNullOrWhiteSpace(r.FirstName)) e.Add("firstName", "field.required", "Укажите имя.");
        foreach (var (f, v) in new[] { ("lastName", r.LastName), ("firstName", r.FirstName), ("middleName", r.MiddleName), ("position", r.Position) })
            SubmitRules.CheckOptional(e, f, v, 200);
        e.ThrowIfAny(StatusCodes.Status422UnprocessableEntity);
        var (roles, refused) = await CheckRolesAsync(r.Roles ?? [], [], db, user, ct);
        if (refused is not null) return refused;
        var person = new Person
        {
            Id = Guid.CreateVersion7(), UserName = r.Email!.Trim(), Email = r.Email.Trim(), EmailConfirmed = true, LastName = r.LastName!.Trim(),
            FirstName = r.FirstName!.Trim(), MiddleName = r.MiddleName?.Trim(), Position = r.Position?.Trim(), CreatedAtUtc = clock.GetUtcNow().UtcDateTime,
            Roles = roles,
        };
        var result = string.IsNullOrEmpty(r.Password) ? await users.CreateAsync(person) : await users.CreateAsync(person, r.Password);
        if (!result.Succeeded)
            throw new InputException(new Dictionary<string, string[]>
            {
                [result.Errors.Any(x => x.Code.Contains("Password", StringComparison.Ordinal)) ? "password" : "email"] = [.. result.Errors.Select(x => IdentityMessage(x))],
            }, "directory.person_invalid", IdentityMessage(result.Errors.First()), 422);
        return TypedResults.Created($"/api/v1/people/{person.Id}", new PersonView(person.Id, person.FullName, person.Email, person.Position,
            [.. roles.Select(x => new RoleRequest(x.Role, x.OrganisationId))]));
    }

    static string IdentityMessage(IdentityError e) => e.Code switch
    {
        "DuplicateUserName" or "DuplicateEmail" => "Пользователь с таким адресом уже есть.",
        "InvalidEmail" or "InvalidUserName" => "Неверный адрес электронной почты.",
        var c when c.StartsWith("Password", StringComparison.Ordinal) => "Пароль слишком простой: не меньше 8 символов, с цифрой, строчной и заглавной буквой.",
        _ => e.Description,
    };

    internal static async Task<IResult> SetRoles(Guid id, RoleRequest[] roles, AppDbContext db, CurrentUser user, AccessCache access, CancellationToken ct)
    {
        var person = await db.Users.Include(p => p.Roles).SingleOrDefaultAsync(p => p.Id == id, ct);
        if (person is null) return NotFound("Сотрудник не найден.");
        if (!IsStaff(person)) return Forbidden(CitizenAccount);
        foreach (var old in person.Roles)
            if (old.OrganisationId is { } o && !await user.ReachesAsync(o, ct, Role.Administrator)) return Forbidden();
        var (checkedRoles, refused) = await CheckRolesAsync(roles, person.Roles, db, user, ct);
        if (refused is not null) return refused;
        await DirectoryRules.CheckRegionKeepsAnAdministratorAsync(db, person, checkedRoles, ct);
        db.RoleAssignments.RemoveRange(person.Roles);
        foreach (var r in checkedRoles) r.PersonId = id;
        db.RoleAssignments.AddRange(checkedRoles);
        await db.SaveChangesAsync(ct);
        access.Forget(id);
        return TypedResults.Ok(new PersonView(person.Id, person.FullName, person.Email, person.Position,
            [.. checkedRoles.Select(x => new RoleRequest(x.Role, x.OrganisationId))]));
    }

    /// <summary>
    /// Administrators manage staff: people with a role at an organisation. A citizen's account is the citizen's alone —
    /// a staff role or an API key given to it would let an administrator act as the citizen and read their appeals.
    /// </summary>
    static bool IsStaff(Person person) => person.Roles.Any(r => r.OrganisationId is not null);

    /// <summary>
    /// Validates requested roles (422) and whether the administrator may give them (a refusal): every role only at an
    /// organisation the administrator's own scope reaches, so never above it; HQ membership, which reaches every complaint
    /// escalated to the HQ whatever organisation it is held at, only by the region's administrator (given or taken back)
    /// and only at an organisation that sits on the HQ. <paramref name="current"/> are the person's roles before.
    /// </summary>
    static async Task<(List<RoleAssignment> Roles, IResult? Refused)> CheckRolesAsync(RoleRequest[] requested, IReadOnlyList<RoleAssignment> current,
        AppDbContext db, CurrentUser user, CancellationToken ct)
    {
        var e = new InputErrors();
        var result = new List<RoleAssignment>();
        var at = new List<int>();
        for (var i = 0; i < requested.Length; i++)
        {
            if (requested[i] is null) { e.Add($"roles[{i}]", "field.required", "Укажите роль и организацию."); continue; }
            var (role, org) = (requested[i].Role, requested[i].OrganisationId);
            if (role is null) { e.Add($"roles[{i}].role", "field.required", "Укажите роль."); continue; }
            if (role == Role.Applicant) { if (org is not null) e.Add($"roles[{i}].organisationId", "directory.applicant_org", "Роль заявителя не привязана к организации."); }
            else if (org is null) e.Add($"roles[{i}].organisationId", "field.required", "Роль сотрудника привязывается к организации.");
            else if (!await db.Organisations.AnyAsync(o => o.Id == org, ct)) e.Add($"roles[{i}].organisationId", "directory.unknown_organisation", "Такой организации нет.");
            if (result.Any(x => x.Role == role && x.OrganisationId == org)) continue;
            result.Add(new RoleAssignment { Id = Guid.CreateVersion7(), Role = role.Value, OrganisationId = org });
            at.Add(i);
        }
        e.ThrowIfAny(StatusCodes.Status422UnprocessableEntity);
        foreach (var r in result)
            if (r.OrganisationId is { } o && !await user.ReachesAsync(o, ct, Role.Administrator)) return ([], Forbidden());

        var hqBefore = current.Where(x => x.Role == Role.HqMember).Select(x => x.OrganisationId).ToHashSet();
        var added = result.Select((r, k) => (r, k)).Where(x => x.r.Role == Role.HqMember && !hqBefore.Contains(x.r.OrganisationId)).ToList();
        var removed = hqBefore.Except(result.Where(x => x.Role == Role.HqMember).Select(x => x.OrganisationId)).Any();
        if (added.Count == 0 && !removed) return (result, null);
        if (!await user.IsRegionAdministratorAsync(ct))
            return ([], RoleAboveScope(added.Count > 0 ? $"roles[{at[added[0].k]}].role" : "roles"));
        foreach (var (r, k) in added)
            if (!await db.Organisations.AnyAsync(o => o.Id == r.OrganisationId && o.SitsOnBusinessProtectionHq, ct))
                e.Add($"roles[{at[k]}].organisationId", "directory.not_on_hq", "Членом Штаба по защите бизнеса может быть только сотрудник организации, входящей в Штаб.");
        e.ThrowIfAny(StatusCodes.Status422UnprocessableEntity);
        return (result, null);
    }

    /// <param name="Scope">A machine's key for one job (<see cref="Identity.ApiScopes.All"/>); none: the key acts as its person.</param>
    public sealed record ApiKeyRequest(string? Name, string? Scope = null);
    public sealed record ApiKeyView(Guid Id, string Name, string Prefix, string Secret);

    internal static async Task<IResult> CreateApiKey(Guid id, ApiKeyRequest r, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var person = await db.Users.Include(p => p.Roles).SingleOrDefaultAsync(p => p.Id == id, ct);
        if (person is null) return NotFound("Сотрудник не найден.");
        if (!IsStaff(person)) return Forbidden(CitizenAccount);
        foreach (var role in person.Roles)
            if (role.OrganisationId is { } o && !await user.ReachesAsync(o, ct, Role.Administrator)) return Forbidden();
        // A key acts as its person: one for an HQ member would carry the HQ's reach to whoever holds the key.
        if (person.Roles.Any(x => x.Role == Role.HqMember) && !await user.IsRegionAdministratorAsync(ct)) return RoleAboveScope("personId");
        var e = new InputErrors();
        if (string.IsNullOrWhiteSpace(r.Name)) e.Add("name", "field.required", "Назовите ключ: для какой интеграции он выдан.");
        SubmitRules.CheckOptional(e, "name", r.Name, 200);
        if (r.Scope is not null && !ApiScopes.All.Contains(r.Scope))
            e.Add("scope", "apikey.unknown_scope", $"Область ключа — одна из: {string.Join(", ", ApiScopes.All)}.");
        e.ThrowIfAny(StatusCodes.Status422UnprocessableEntity);
        var (key, secret) = ApiKeys.Create(id, r.Name!.Trim(), clock.GetUtcNow().UtcDateTime, scope: r.Scope);
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/people/{id}/api-keys/{key.Id}", new ApiKeyView(key.Id, key.Name, key.Prefix, secret));
    }

    public sealed record ApiKeyInfo(Guid Id, string Name, string Prefix, DateTime CreatedAtUtc, DateTime? RevokedAtUtc);

    /// <summary>
    /// The refusal for an administrator who may not manage <paramref name="person"/>: a citizen's account, or a member of
    /// staff with a role outside the administrator's scope (the same test as for roles and keys); null when they may.
    /// </summary>
    static async Task<IResult?> RefuseUnlessManagedAsync(Person? person, CurrentUser user, CancellationToken ct)
    {
        if (person is null) return NotFound("Сотрудник не найден.");
        if (!IsStaff(person)) return Forbidden(CitizenAccount);
        foreach (var role in person.Roles)
            if (role.OrganisationId is { } o && !await user.ReachesAsync(o, ct, Role.Administrator)) return Forbidden();
        return null;
    }

    internal static async Task<IResult> ListApiKeys(Guid id, AppDbContext db, CurrentUser user, CancellationToken ct)
    {
        var person = await db.Users.AsNoTracking().Include(p => p.Roles).SingleOrDefaultAsync(p => p.Id == id, ct);
        if (await RefuseUnlessManagedAsync(person, user, ct) is { } refused) return refused;
        return TypedResults.Ok(await db.ApiKeys.AsNoTracking().Where(k => k.PersonId == id).OrderByDescending(k => k.CreatedAtUtc)
            .Select(k => new ApiKeyInfo(k.Id, k.Name, k.Prefix, k.CreatedAtUtc, k.RevokedAtUtc)).ToListAsync(ct));
    }

    /// <summary>
    /// Revokes a key. Every node reads a key from the database on every request (AccessCache.KeyOwnerAsync), so the next
    /// request with it is refused everywhere, not after a cache's lifetime.
    /// </summary>
    internal static async Task<IResult> RevokeApiKey(Guid id, Guid keyId, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var person = await db.Users.Include(p => p.Roles).SingleOrDefaultAsync(p => p.Id == id, ct);
        if (await RefuseUnlessManagedAsync(person, user, ct) is { } refused) return refused;
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == keyId && k.PersonId == id, ct);
        if (key is null) return NotFound("Ключ не найден.");
        key.RevokedAtUtc ??= clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Disables a member of staff: no sign-in, every session ended (a new security stamp, checked on every request), every
    /// key revoked. The roles stay for the record and come back with <see cref="EnablePerson"/>; a region's last
    /// administrator cannot be disabled.
    /// </summary>
    internal static async Task<IResult> DisablePerson(Guid id, AppDbContext db, CurrentUser user, UserManager<Person> users, AccessCache access,
        TimeProvider clock, CancellationToken ct)
    {
        var person = await db.Users.Include(p => p.Roles).SingleOrDefaultAsync(p => p.Id == id, ct);
        if (await RefuseUnlessManagedAsync(person, user, ct) is { } refused) return refused;
        if (person!.Roles.Any(x => x.Role == Role.HqMember) && !await user.IsRegionAdministratorAsync(ct)) return RoleAboveScope("personId");
        if (id == user.Id) throw new RuleException("directory.disable_self", "Нельзя отключить собственную учётную запись.");
        await DirectoryRules.CheckRegionKeepsAnAdministratorAsync(db, person, [], ct);
        var now = clock.GetUtcNow().UtcDateTime;
        person.DisabledAtUtc ??= now;
        await db.ApiKeys.Where(k => k.PersonId == id && k.RevokedAtUtc == null).ExecuteUpdateAsync(u => u.SetProperty(k => k.RevokedAtUtc, now), ct);
        var result = await users.UpdateSecurityStampAsync(person); // saves the person too
        if (!result.Succeeded) throw new RuleException("directory.person_invalid", result.Errors.First().Description);
        access.Forget(id);
        return TypedResults.NoContent();
    }

    internal static async Task<IResult> EnablePerson(Guid id, AppDbContext db, CurrentUser user, AccessCache access, CancellationToken ct)
    {
        var person = await db.Users.Include(p => p.Roles).SingleOrDefaultAsync(p => p.Id == id, ct);
        if (await RefuseUnlessManagedAsync(person, user, ct) is { } refused) return refused;
        if (person!.Roles.Any(x => x.Role == Role.HqMember) && !await user.IsRegionAdministratorAsync(ct)) return RoleAboveScope("personId");
        person.DisabledAtUtc = null;
        await db.SaveChangesAsync(ct);
        access.Forget(id);
        return TypedResults.NoContent();
    }

    // ---- Territories ----

    public sealed record TerritoryView(Guid Id, string Name, string Code, Guid? OrganisationId, Guid? ModeratorOrganisationId);
    public sealed record TerritoryDetail(Guid Id, string Name, string Code, Guid? OrganisationId, Guid? ModeratorOrganisationId, JsonElement Boundary);

    static async Task<IResult> ListTerritories(AppDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await db.Territories.AsNoTracking().Where(t => t.Kind == TerritoryKind.Municipality).OrderBy(t => t.Name)
            .Select(t => new TerritoryView(t.Id, t.Name, t.Code, t.OrganisationId, t.ModeratorOrganisationId)).ToListAsync(ct));

    static async Task<IResult> GetTerritory(Guid id, AppDbContext db, CancellationToken ct) =>
        await db.Territories.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, ct) is { } t
            ? TypedResults.Ok(new TerritoryDetail(t.Id, t.Name, t.Code, t.OrganisationId, t.ModeratorOrganisationId, JsonDocument.Parse(t.BoundaryGeoJson).RootElement))
            : NotFound("Территория не найдена.");

    static async Task<IResult> Locate(double? latitude, double? longitude, AppDbContext db, TerritoryLocator locator, CancellationToken ct)
    {
        var e = new InputErrors();
        if (latitude is null) e.Add("latitude", "field.required", "Укажите широту.");
        if (longitude is null) e.Add("longitude", "field.required", "Укажите долготу.");
        SubmitRules.CheckLocation(e, latitude, longitude);
        e.ThrowIfAny();
        var id = await locator.LocateAsync(latitude!.Value, longitude!.Value, ct);
        if (id is null) return NotFound("Точка не попадает ни в одну территорию.");
        return TypedResults.Ok(await db.Territories.AsNoTracking().Where(t => t.Id == id)
            .Select(t => new TerritoryView(t.Id, t.Name, t.Code, t.OrganisationId, t.ModeratorOrganisationId)).SingleAsync(ct));
    }

    /// <summary>
    /// Imports a GeoJSON FeatureCollection; each feature's properties give <c>code</c> (required), <c>name</c> and optionally
    /// <c>organisationId</c> and <c>moderatorOrganisationId</c>. Territories are matched by code. All features or none.
    /// </summary>
    public sealed record TerritoriesImported(int Imported);

    internal static async Task<IResult> ImportTerritories(JsonElement collection, AppDbContext db, TerritoryLocator locator, CancellationToken ct)
    {
        var e = new InputErrors();
        if (collection.ValueKind != JsonValueKind.Object || !collection.TryGetProperty("type", out var type) || type.GetString() != "FeatureCollection"
            || !collection.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
            throw new InputException("type", "territory.geojson", "Ожидается GeoJSON FeatureCollection.", 422);
        var orgIds = await db.Organisations.Select(o => o.Id).ToListAsync(ct);
        var parsed = new List<(string Code, string Name, string Boundary, Guid? Org, Guid? Moderator)>();
        var i = 0;
        foreach (var f in features.EnumerateArray())
        {
            var at = $"features[{i++}]";
            if (!f.TryGetProperty("properties", out var props) || props.ValueKind != JsonValueKind.Object)
            { e.Add($"{at}.properties", "field.required", "У объекта нет свойств."); continue; }
            var code = props.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()!.Trim() : "";
            var name = props.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()!.Trim() : "";
            if (code.Length is 0 or > 50) e.Add($"{at}.properties.code", "field.required", "Укажите код территории (до 50 символов).");
            if (name.Length is 0 or > 300) e.Add($"{at}.properties.name", "field.required", "Укажите название территории (до 300 символов).");
            Guid? Org(string prop)
            {
                if (!props.TryGetProperty(prop, out var v) || v.ValueKind == JsonValueKind.Null) return null;
                if (v.ValueKind == JsonValueKind.String && Guid.TryParse(v.GetString(), out var g) && orgIds.Contains(g)) return g;
                e.Add($"{at}.properties.{prop}", "directory.unknown_organisation", "Такой организации нет в справочнике.");
                return null;
            }
            var org = Org("organisationId");
            var moderator = Org("moderatorOrganisationId");
            if (!f.TryGetProperty("geometry", out var geometry)) { e.Add($"{at}.geometry", "field.required", "Нет геометрии."); continue; }
            try
            {
                var shape = TerritoryLocator.ParseBoundary(geometry.GetRawText(), $"{at}.geometry");
                parsed.Add((code, name, TerritoryLocator.Write(shape), org, moderator));
            }
            catch (InputException x) { e.Add($"{at}.geometry", x.Code, x.Message); }
        }
        if (parsed.Select(p => p.Code).Distinct().Count() != parsed.Count) e.Add("features", "territory.duplicate_code", "Коды территорий повторяются.");
        e.ThrowIfAny(StatusCodes.Status422UnprocessableEntity);

        var existing = await db.Territories.ToDictionaryAsync(t => t.Code, ct);
        if (parsed.FirstOrDefault(p => existing.GetValueOrDefault(p.Code)?.Kind == TerritoryKind.Drawn) is { Code: { } drawnCode })
            throw new InputException("features", "territory.drawn_code", $"Код {drawnCode} занят территорией, нарисованной на карте.", StatusCodes.Status422UnprocessableEntity);
        foreach (var p in parsed)
        {
            if (!existing.TryGetValue(p.Code, out var t))
                db.Territories.Add(t = new Territory { Id = Guid.CreateVersion7(), Code = p.Code });
            (t.Name, t.BoundaryGeoJson, t.OrganisationId, t.ModeratorOrganisationId) = (p.Name, p.Boundary, p.Org ?? t.OrganisationId, p.Moderator ?? t.ModeratorOrganisationId);
            t.Version++;
        }
        await db.SaveChangesAsync(ct);
        locator.Invalidate();
        return TypedResults.Ok(new TerritoriesImported(parsed.Count));
    }

    // ---- Categories and topics ----

    public sealed record TopicView(Guid Id, Guid CategoryId, string Name, AppealKind DefaultKind, LegalRegime DefaultRegime, bool IsActive, IReadOnlyList<RouteView> Routes);
    public sealed record RouteView(Guid? TerritoryId, Guid OrganisationId);
    public sealed record CategoryView(Guid Id, string Name, ApplicantAudience Audience, bool IsActive, IReadOnlyList<TopicView> Topics);

    static async Task<IResult> ListCategories(AppDbContext db, [FromQuery(Name = "audience")] string? audienceName, CancellationToken ct)
    {
        var audience = QueryValues.Enum<ApplicantAudience>("audience", audienceName);
        var query = db.Categories.AsNoTracking().Include(c => c.Topics).ThenInclude(t => t.Routes).AsSplitQuery();
        if (audience is { } a) query = query.Where(c => c.Audience == a);
        var categories = await query.OrderBy(c => c.SortOrder).ThenBy(c => c.Name).ToListAsync(ct);
        return TypedResults.Ok(categories.Select(c => new CategoryView(c.Id, c.Name, c.Audience, c.IsActive,
            [.. c.Topics.OrderBy(t => t.Name).Select(TopicViewOf)])));
    }

    static TopicView TopicViewOf(Topic t) => new(t.Id, t.CategoryId, t.Name, t.DefaultKind, t.DefaultRegime, t.IsActive,
        [.. t.Routes.Select(r => new RouteView(r.TerritoryId, r.OrganisationId))]);

    public sealed record CategoryRequest(string? Name, ApplicantAudience? Audience, int? SortOrder);

    internal static async Task<IResult> CreateCategory(CategoryRequest r, AppDbContext db, CancellationToken ct)
    {
        var e = new InputErrors();
        if (string.IsNullOrWhiteSpace(r.Name)) e.Add("name", "field.required", "Укажите название категории.");
        SubmitRules.CheckOptional(e, "name", r.Name, 200);
        if (r.Audience is null) e.Add("audience", "field.required", "Укажите, для кого категория: граждане или бизнес.");
        e.ThrowIfAny(StatusCodes.Status422UnprocessableEntity);
        var c = new Category { Id = Guid.CreateVersion7(), Name = r.Name!.Trim(), Audience = r.Audience!.Value, SortOrder = r.SortOrder ?? 0 };
        db.Categories.Add(c);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/categories/{c.Id}", new CategoryView(c.Id, c.Name, c.Audience, c.IsActive, []));
    }

    public sealed record TopicRequest(Guid? CategoryId, string? Name, AppealKind? DefaultKind, LegalRegime? DefaultRegime, bool? IsActive);

    internal static async Task<IResult> CreateTopic(TopicRequest r, AppDbContext db, CancellationToken ct)
    {
        await CheckTopicAsync(r, db, ct);
        var t = new Topic { Id = Guid.CreateVersion7(), CategoryId = r.CategoryId!.Value, Name = r.Name!.Trim(), DefaultKind = r.DefaultKind!.Value, DefaultRegime = r.DefaultRegime!.Value, IsActive = r.IsActive ?? true };
        db.Topics.Add(t);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/topics/{t.Id}", TopicViewOf(t));
    }

    static async Task<IResult> UpdateTopic(Guid id, TopicRequest r, AppDbContext db, CancellationToken ct)
    {
        var t = await db.Topics.Include(x => x.Routes).SingleOrDefaultAsync(x => x.Id == id, ct);
        if (t is null) return NotFound("Тема не найдена.");
        await CheckTopicAsync(r, db, ct);
        (t.CategoryId, t.Name, t.DefaultKind, t.DefaultRegime, t.IsActive) = (r.CategoryId!.Value, r.Name!.Trim(), r.DefaultKind!.Value, r.DefaultRegime!.Value, r.IsActive ?? t.IsActive);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(TopicViewOf(t));
    }

    static async Task CheckTopicAsync(TopicRequest r, AppDbContext db, CancellationToken ct)
    {
        var e = new InputErrors();
        if (string.IsNullOrWhiteSpace(r.Name)) e.Add("name", "field.required", "Укажите название темы.");
        SubmitRules.CheckOptional(e, "name", r.Name, 300);
        if (r.DefaultKind is null) e.Add("defaultKind", "field.required", "Укажите вид обращения по умолчанию.");
        if (r.DefaultRegime is null) e.Add("defaultRegime", "field.required", "Укажите правовой режим по умолчанию.");
        if (r.CategoryId is not { } cat || !await db.Categories.AnyAsync(c => c.Id == cat, ct)) e.Add("categoryId", "catalogue.unknown_category", "Такой категории нет.");
        e.ThrowIfAny(StatusCodes.Status422UnprocessableEntity);
    }

    internal static async Task<IResult> SetTopicRoutes(Guid id, RouteView[] routes, AppDbContext db, CancellationToken ct)
    {
        var t = await db.Topics.Include(x => x.Routes).SingleOrDefaultAsync(x => x.Id == id, ct);
        if (t is null) return NotFound("Тема не найдена.");
        var e = new InputErrors();
        for (var i = 0; i < routes.Length; i++)
        {
            var (territory, org) = (routes[i].TerritoryId, routes[i].OrganisationId);
            if (!await db.Organisations.AnyAsync(o => o.Id == org && o.IsConnected, ct)) e.Add($"[{i}].organisationId", "directory.unknown_organisation", "Такой организации нет в системе.");
            if (territory is { } tid && !await db.Territories.AnyAsync(x => x.Id == tid, ct)) e.Add($"[{i}].territoryId", "catalogue.unknown_territory", "Такой территории нет.");
        }
        if (routes.GroupBy(r => r.TerritoryId).Any(g => g.Count() > 1)) e.Add("routes", "catalogue.duplicate_route", "Для одной территории может быть только один маршрут.");
        e.ThrowIfAny(StatusCodes.Status422UnprocessableEntity);
        // Old routes go before new ones land (the unique index on topic + territory), in one transaction.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.TopicRoutes.RemoveRange(t.Routes);
        await db.SaveChangesAsync(ct);
        db.TopicRoutes.AddRange(routes.Select(r => new TopicRoute { Id = Guid.CreateVersion7(), TopicId = id, TerritoryId = r.TerritoryId, OrganisationId = r.OrganisationId }));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(routes);
    }

    static IResult NotFound(string detail) => TypedResults.Problem(title: "Не найдено", detail: detail, statusCode: 404,
        extensions: new Dictionary<string, object?> { ["code"] = "not_found" });

    const string CitizenAccount = "Это учётная запись заявителя: администратор управляет только учётными записями сотрудников.";

    static IResult ScopeChangeForbidden(string field) => ForbiddenField(field, "directory.scope_change",
        "Вид организации, её подчинение и участие в Штабе по защите бизнеса меняет только администратор региона.");

    static IResult RoleAboveScope(string field) => ForbiddenField(field, "directory.role_above_scope",
        "Членство в Штабе по защите бизнеса назначает и снимает только администратор региона.");

    static IResult ForbiddenField(string field, string code, string detail) => TypedResults.Problem(title: "Недостаточно прав", detail: detail, statusCode: 403,
        extensions: new Dictionary<string, object?> { ["code"] = code, ["errors"] = new Dictionary<string, string[]> { [field] = [detail] } });

    static IResult Forbidden(string detail = "Ваши полномочия не распространяются на эту организацию.") => TypedResults.Problem(title: "Недостаточно прав", detail: detail,
        statusCode: 403, extensions: new Dictionary<string, object?> { ["code"] = "auth.forbidden" });
}
