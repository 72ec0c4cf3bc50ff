using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Knowledge;

public static class KnowledgeApi
{
    /// <summary>The knowledge base's services, the stale-article sweep (when workers run) and the search.</summary>
    public static IServiceCollection AddKnowledge(this IServiceCollection services, IConfiguration config)
    {
        Search.SearchIndexes.AddSearch(services);
        if (config.GetValue("Otklik:Workers", true)) services.AddHostedService<StaleArticleSweep>();
        return services;
    }

    public static void MapKnowledgeApi(this IEndpointRouteBuilder routes)
    {
        var kb = routes.MapGroup("/knowledge").WithTags("Knowledge");
        kb.MapGet("/search", PublicSearch).AllowAnonymous().Produces<List<PublicHit>>()
            .WithSummary("Searches the published articles (the portal's «Частые вопросы»)");
        kb.MapGet("/suggest", Suggest).AllowAnonymous().Produces<List<Suggestion>>()
            .WithSummary("Up to five published articles that may answer the text of an appeal being written");
        kb.MapPost("/suggest/{id:guid}/opened", SuggestionOpened).AllowAnonymous().Produces(StatusCodes.Status204NoContent)
            .WithSummary("Counts that a person opened a suggested article instead of sending the appeal");
        kb.MapGet("/articles", ListArticles).RequireRole(KnowledgeBase.Readers).Produces<List<ArticleView>>()
            .WithSummary("The articles (without q), or the search hits of q (KnowledgeBase.ArticleHit: id, title, fragment, category, topic, stale)");
        kb.MapGet("/articles/{id:guid}", GetArticle).RequireRole(KnowledgeBase.Readers).Produces<ArticleView>();
        kb.MapGet("/articles/{id:guid}/versions", ArticleVersions).RequireRole(KnowledgeBase.Readers).Produces<List<ArticleVersionView>>();
        kb.MapPost("/articles", CreateArticle).RequireRole(KnowledgeBase.Editors).Produces<ArticleView>(StatusCodes.Status201Created);
        kb.MapPut("/articles/{id:guid}", UpdateArticle).RequireRole(KnowledgeBase.Editors).Produces<ArticleView>();
        kb.MapGet("/stale", Stale).RequireRole(Role.Administrator).Produces<List<StaleArticles.Group>>()
            .WithSummary("The articles due for review, by owning organisation");
        kb.MapGet("/templates", ListTemplates).RequireRole(KnowledgeBase.Readers).Produces<List<TemplateView>>();
        kb.MapPost("/templates", CreateTemplate).RequireRole(KnowledgeBase.Editors).Produces<TemplateView>(StatusCodes.Status201Created);
        kb.MapPut("/templates/{id:guid}", UpdateTemplate).RequireRole(KnowledgeBase.Editors).Produces<TemplateView>();
        kb.MapDelete("/templates/{id:guid}", DeleteTemplate).RequireRole(KnowledgeBase.Editors).Produces(StatusCodes.Status204NoContent);
        kb.MapGet("/templates/{id:guid}/filled", FilledTemplate).RequireRole(KnowledgeBase.Readers).Produces<FilledText>()
            .WithSummary("The template's text filled in for an appeal (or without one) and the reader");
        kb.MapGet("/export.csv", ExportCsv).RequireRole(KnowledgeBase.Readers).Produces<Stream>(StatusCodes.Status200OK, "text/csv")
            .WithSummary("Every article as a CSV file (UTF-8)");
        kb.MapGet("/export.md", ExportMarkdown).RequireRole(KnowledgeBase.Readers).Produces<Stream>(StatusCodes.Status200OK, "text/markdown")
            .WithSummary("Every article as one Markdown file");
        kb.MapPost("/import", Import).RequireRole(KnowledgeBase.Editors).Produces<ImportCounts>()
            .WithSummary("Imports articles from CSV or Markdown in the body (by Content-Type): all rows or none");
        routes.MapPost("/appeals/{id:guid}/consultation", Consultation).WithTags("Appeals").RequireAuthorization().Produces<AppealView>()
            .WithSummary("Answers the appeal with a consultation from an article (or a text)");
    }

    // ---- Public ----

    /// <summary>A published article found by the portal's search.</summary>
    public sealed record PublicHit(Guid Id, string Title, string Fragment, string Category, string? Topic, bool Stale);

    /// <summary>An article offered while an appeal is written; <c>url</c> is its portal page.</summary>
    public sealed record Suggestion(Guid Id, string Title, string Fragment, string? Topic, string Url);

    public sealed record FilledText(string Text);

    public sealed record ArticleVersionView(int Number, DateTime ChangedAtUtc, Guid? ChangedById, string ChangedByName, string Changes);

    public sealed record ImportCounts(int Created, int Updated);

    static async Task<IResult> PublicSearch(string? q, AppDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (q is { Length: > Search.SearchQuery.MaxLength }) throw new InputException("q", "search.too_long", "Строка поиска длиннее 200 символов.");
        var hits = await KnowledgeBase.SearchAsync(db, q, publicOnly: true, anyWord: false, 20, KnowledgeBase.Today(clock), ct);
        return TypedResults.Ok(hits.Select(h => new PublicHit(h.Id, h.Title, h.Fragment, h.Category, h.Topic, h.Stale)));
    }

    static async Task<IResult> Suggest(string? text, AppDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (text is { Length: > 5000 }) text = text[..5000];
        var hits = await KnowledgeBase.SearchAsync(db, text, publicOnly: true, anyWord: true, 5, KnowledgeBase.Today(clock), ct);
        return TypedResults.Ok(hits.Select(h => new Suggestion(h.Id, h.Title, h.Fragment, h.Topic, $"/faq/{h.Id}")));
    }

    /// <summary>A person opened a suggestion instead of sending the appeal (a beacon from suggest.js): counted per article.</summary>
    static async Task<IResult> SuggestionOpened(Guid id, AppDbContext db, CancellationToken ct) =>
        await db.Articles.Where(a => a.Id == id && a.IsPublished).ExecuteUpdateAsync(s => s.SetProperty(a => a.SuggestionOpens, a => a.SuggestionOpens + 1), ct) == 0
            ? NotFound() : TypedResults.NoContent();

    // ---- Articles ----

    public sealed record ArticleView(Guid Id, string Title, string Answer, string? LegalBasis, string? Links, Guid CategoryId, Guid? TopicId,
        Guid OwnerOrganisationId, string AuthorName, DateOnly ReviewOn, bool IsPublished, bool Stale, int UsageCount, int SuggestionOpens,
        DateTime UpdatedAtUtc, int Version);

    static ArticleView View(Article a, DateOnly today) => new(a.Id, a.Title, a.Answer, a.LegalBasis, a.Links, a.CategoryId, a.TopicId,
        a.OwnerOrganisationId, a.AuthorName, a.ReviewOn, a.IsPublished, a.IsStale(today), a.UsageCount, a.SuggestionOpens, a.UpdatedAtUtc, a.Version);

    static async Task<IResult> ListArticles(string? q, bool? stale, Guid? organisationId, AppDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var today = KnowledgeBase.Today(clock);
        if (!string.IsNullOrWhiteSpace(q))
        {
            if (q.Length > Search.SearchQuery.MaxLength) throw new InputException("q", "search.too_long", "Строка поиска длиннее 200 символов.");
            return TypedResults.Ok(await KnowledgeBase.SearchAsync(db, q, publicOnly: false, anyWord: false, 50, today, ct));
        }
        var query = db.Articles.AsNoTracking();
        if (stale is { } s) query = s ? query.Where(a => a.ReviewOn < today) : query.Where(a => a.ReviewOn >= today);
        if (organisationId is { } org) query = query.Where(a => a.OwnerOrganisationId == org);
        return TypedResults.Ok((await query.OrderBy(a => a.Title).Take(500).ToListAsync(ct)).Select(a => View(a, today)));
    }

    static async Task<IResult> GetArticle(Guid id, AppDbContext db, TimeProvider clock, CancellationToken ct) =>
        await db.Articles.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct) is { } a ? TypedResults.Ok(View(a, KnowledgeBase.Today(clock))) : NotFound();

    static async Task<IResult> ArticleVersions(Guid id, AppDbContext db, CancellationToken ct)
    {
        if (!await db.Articles.AnyAsync(a => a.Id == id, ct)) return NotFound();
        return TypedResults.Ok(await db.ArticleVersions.AsNoTracking().Where(v => v.ArticleId == id).OrderByDescending(v => v.Number)
            .Select(v => new ArticleVersionView(v.Number, v.ChangedAtUtc, v.ChangedById, v.ChangedByName, v.Changes)).ToListAsync(ct));
    }

    static async Task<IResult> CreateArticle(KnowledgeBase.ArticleInput r, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var (article, status) = await KnowledgeBase.SaveArticleAsync(db, user, null, r, clock.GetUtcNow().UtcDateTime, ct);
        return article is null ? Refused(status) : TypedResults.Created($"/api/v1/knowledge/articles/{article.Id}", View(article, KnowledgeBase.Today(clock)));
    }

    static async Task<IResult> UpdateArticle(Guid id, KnowledgeBase.ArticleInput r, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var (article, status) = await KnowledgeBase.SaveArticleAsync(db, user, id, r, clock.GetUtcNow().UtcDateTime, ct);
        return article is null ? Refused(status) : TypedResults.Ok(View(article, KnowledgeBase.Today(clock)));
    }

    /// <summary>The administrator's view: stale articles of the organisations in their scope, grouped by organisation.</summary>
    static async Task<IResult> Stale(AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(await StaleArticles.LoadAsync(db, user, KnowledgeBase.Today(clock), ct));

    // ---- Templates ----

    public sealed record TemplateView(Guid Id, string Name, string Body, Guid? CategoryId, Guid? TopicId, Guid OwnerOrganisationId, DateTime UpdatedAtUtc, int Version);

    static TemplateView View(AnswerTemplate t) => new(t.Id, t.Name, t.Body, t.CategoryId, t.TopicId, t.OwnerOrganisationId, t.UpdatedAtUtc, t.Version);

    static async Task<IResult> ListTemplates(Guid? categoryId, Guid? topicId, AppDbContext db, CancellationToken ct)
    {
        var query = db.AnswerTemplates.AsNoTracking();
        if (categoryId is { } c) query = query.Where(t => t.CategoryId == c || t.CategoryId == null);
        if (topicId is { } topic) query = query.Where(t => t.TopicId == topic || t.TopicId == null);
        return TypedResults.Ok((await query.OrderBy(t => t.Name).ToListAsync(ct)).Select(View));
    }

    static async Task<IResult> CreateTemplate(KnowledgeBase.TemplateInput r, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var (template, status) = await KnowledgeBase.SaveTemplateAsync(db, user, null, r, clock.GetUtcNow().UtcDateTime, ct);
        return template is null ? Refused(status) : TypedResults.Created($"/api/v1/knowledge/templates/{template.Id}", View(template));
    }

    static async Task<IResult> UpdateTemplate(Guid id, KnowledgeBase.TemplateInput r, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var (template, status) = await KnowledgeBase.SaveTemplateAsync(db, user, id, r, clock.GetUtcNow().UtcDateTime, ct);
        return template is null ? Refused(status) : TypedResults.Ok(View(template));
    }

    static async Task<IResult> DeleteTemplate(Guid id, AppDbContext db, CurrentUser user, CancellationToken ct)
    {
        var template = await db.AnswerTemplates.SingleOrDefaultAsync(t => t.Id == id, ct);
        if (template is null) return NotFound();
        if (!await KnowledgeBase.MayEditAsync(user, template.OwnerOrganisationId, ct)) return Refused(403);
        db.AnswerTemplates.Remove(template);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    /// <summary>The template filled for an appeal the caller sees (404 otherwise), to paste into an answer draft.</summary>
    static async Task<IResult> FilledTemplate(Guid id, Guid? appealId, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var template = await db.AnswerTemplates.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, ct);
        if (template is null) return NotFound();
        var appeal = appealId is { } a ? await db.Appeals.AsNoTracking().Include(x => x.Parts).SingleOrDefaultAsync(x => x.Id == a, ct) : null;
        if (appeal is null || !await AppealAccess.CanSeeAsync(user, appeal, ct)) return AppealChanges.NotFound();
        return TypedResults.Ok(new FilledText(await KnowledgeBase.FillAsync(template, appeal, await KnowledgeBase.NameOfAsync(db, user, ct), KnowledgeBase.Today(clock))));
    }

    // ---- Import and export ----

    static async Task<IResult> ExportCsv(AppDbContext db, CancellationToken ct) =>
        TypedResults.File(await KnowledgeFiles.CsvAsync(db, ct), "text/csv; charset=utf-8", "knowledge.csv");

    static async Task<IResult> ExportMarkdown(AppDbContext db, CancellationToken ct) =>
        TypedResults.File(System.Text.Encoding.UTF8.GetBytes(await KnowledgeFiles.MarkdownAsync(db, ct)), "text/markdown; charset=utf-8", "knowledge.md");

    /// <summary>CSV or Markdown in the body (by Content-Type); all rows or none: the first broken row is named with its number.</summary>
    static async Task<IResult> Import(HttpRequest request, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body, System.Text.Encoding.UTF8);
        // The file is read as text, not bound as JSON: its control characters are stripped here, as a form's are.
        var text = InputGuard.Strip(await reader.ReadToEndAsync(ct));
        var markdown = request.ContentType?.Contains("markdown", StringComparison.OrdinalIgnoreCase) == true;
        var result = await KnowledgeFiles.ImportAsync(db, user, text, markdown, clock.GetUtcNow().UtcDateTime, ct);
        return result.Forbidden is { } why
            ? TypedResults.Problem(title: "Недостаточно прав", detail: why, statusCode: 403, extensions: new Dictionary<string, object?> { ["code"] = "auth.forbidden" })
            : TypedResults.Ok(new ImportCounts(result.Created, result.Updated));
    }

    // ---- Consultation ----

    public sealed record ConsultationRequest(int? Version, Guid? ArticleId, string? Text);

    static Task<IResult> Consultation(Guid id, ConsultationRequest r, AppealChanges changes, TimeProvider clock, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, KnowledgeBase.Consult(changes, r.ArticleId, r.Text, clock, ct), ct);

    static IResult NotFound() => TypedResults.Problem(title: "Не найдено", detail: "Статья или шаблон не найдены.", statusCode: 404,
        extensions: new Dictionary<string, object?> { ["code"] = "knowledge.not_found" });

    static IResult Refused(int status) => status == 404 ? NotFound() : TypedResults.Problem(title: "Недостаточно прав",
        detail: "Ваши полномочия не распространяются на организацию-владельца.", statusCode: 403,
        extensions: new Dictionary<string, object?> { ["code"] = "auth.forbidden" });
}
