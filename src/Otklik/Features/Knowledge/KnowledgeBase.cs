using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Features.Search;
using Otklik.Features.Mail;
using Otklik.Infrastructure;

namespace Otklik.Features.Knowledge;

/// <summary>
/// What the API and the staff pages share: checking and saving articles and templates within the editor's scope,
/// the searches, and answering a consultation from an article.
/// </summary>
public static class KnowledgeBase
{
    /// <summary>Who writes the knowledge base: content editors and administrators, within their organisation's subtree.</summary>
    public static readonly Role[] Editors = [Role.ContentEditor, Role.Administrator];

    /// <summary>Every staff role reads the whole knowledge base: an operator answers from any ministry's article.</summary>
    public static readonly Role[] Readers = [.. Enum.GetValues<Role>().Where(r => r != Role.Applicant)];

    public static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    public sealed record ArticleInput(int? Version, string? Title, string? Answer, string? LegalBasis, string? Links, Guid? CategoryId, Guid? TopicId,
        Guid? OwnerOrganisationId, DateOnly? ReviewOn, bool? IsPublished);

    /// <summary>Checks every field at once; a wrong value is refused with all the field errors (422).</summary>
    public static async Task<Article.Content> CheckAsync(AppDbContext db, ArticleInput r, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        void Text(string field, string? value, int max, bool required)
        {
            if (string.IsNullOrWhiteSpace(value)) { if (required) errors[field] = ["Поле обязательно для заполнения."]; }
            else if (value.Trim().Length > max) errors[field] = [$"Не длиннее {max} символов."];
        }
        Text("title", r.Title, 500, true);
        Text("answer", r.Answer, 20000, true);
        Text("legalBasis", r.LegalBasis, 4000, false);
        Text("links", r.Links, 4000, false);
        if (r.CategoryId is not { } categoryId || !await db.Categories.AnyAsync(c => c.Id == categoryId, ct))
            errors["categoryId"] = ["Выберите категорию из справочника."];
        else if (r.TopicId is { } topicId && !await db.Topics.AnyAsync(t => t.Id == topicId && t.CategoryId == categoryId, ct))
            errors["topicId"] = ["Тема не относится к выбранной категории."];
        if (r.OwnerOrganisationId is not { } owner || !await db.Organisations.AnyAsync(o => o.Id == owner, ct))
            errors["ownerOrganisationId"] = ["Выберите организацию-владельца из справочника."];
        if (r.ReviewOn is null) errors["reviewOn"] = ["Укажите дату пересмотра."];
        if (errors.Count > 0)
            throw new InputException(errors, "knowledge.invalid", "Статья заполнена с ошибками.", StatusCodes.Status422UnprocessableEntity);
        return new Article.Content(r.Title!.Trim(), r.Answer!.Trim(), Trim(r.LegalBasis), Trim(r.Links), r.CategoryId!.Value, r.TopicId,
            r.OwnerOrganisationId!.Value, r.ReviewOn!.Value, r.IsPublished ?? false);
    }

    static string? Trim(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim().Replace("\r\n", "\n");

    public static async Task<string> NameOfAsync(AppDbContext db, CurrentUser user, CancellationToken ct) =>
        user.Id is { } id && await db.Users.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, ct) is { } p
            ? string.Join(' ', new[] { p.LastName, p.FirstName, p.MiddleName }.Where(s => !string.IsNullOrWhiteSpace(s)))
            : "";

    public static Task<bool> MayEditAsync(CurrentUser user, Guid organisationId, CancellationToken ct) =>
        user.ReachesAsync(organisationId, ct, Editors);

    /// <summary>Creates (id null) or edits an article; 403 outside the editor's scope (both the old and the new owner), 409 on a stale version.</summary>
    public static async Task<(Article? Article, int Status)> SaveArticleAsync(AppDbContext db, CurrentUser user, Guid? id, ArticleInput r, DateTime now,
        CancellationToken ct)
    {
        Article? article = null;
        if (id is { } existing)
        {
            article = await db.Articles.SingleOrDefaultAsync(a => a.Id == existing, ct);
            if (article is null) return (null, 404);
            if (!await MayEditAsync(user, article.OwnerOrganisationId, ct)) return (null, 403);
            if (r.Version is null)
                throw new InputException("version", "field.required", "Укажите версию статьи, которую вы видели (поле version).", 422);
        }
        var content = await CheckAsync(db, r, ct);
        if (!await MayEditAsync(user, content.OwnerOrganisationId, ct)) return (null, 403);
        var name = await NameOfAsync(db, user, ct);
        if (article is null)
        {
            article = Article.Create(content, user.Id, name, now);
            db.Articles.Add(article);
        }
        else
        {
            if (article.Version != r.Version)
                throw new RuleException("concurrency.stale_version", $"Статью изменили (версия {article.Version}, у вас {r.Version}). Обновите страницу и повторите.");
            article.Edit(content, user.Id, name, now);
        }
        await db.SaveChangesAsync(ct);
        return (article, 200);
    }

    public sealed record TemplateInput(int? Version, string? Name, string? Body, Guid? CategoryId, Guid? TopicId, Guid? OwnerOrganisationId);

    public static async Task<(AnswerTemplate? Template, int Status)> SaveTemplateAsync(AppDbContext db, CurrentUser user, Guid? id, TemplateInput r, DateTime now,
        CancellationToken ct)
    {
        AnswerTemplate? template = null;
        if (id is { } existing)
        {
            template = await db.AnswerTemplates.SingleOrDefaultAsync(t => t.Id == existing, ct);
            if (template is null) return (null, 404);
            if (!await MayEditAsync(user, template.OwnerOrganisationId, ct)) return (null, 403);
            if (r.Version is null)
                throw new InputException("version", "field.required", "Укажите версию шаблона, которую вы видели (поле version).", 422);
        }
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(r.Name) || r.Name.Trim().Length > 300) errors["name"] = ["Название обязательно, не длиннее 300 символов."];
        if (string.IsNullOrWhiteSpace(r.Body) || r.Body.Length > 20000) errors["body"] = ["Текст шаблона обязателен, не длиннее 20000 символов."];
        else if (Placeholders.Unknown(r.Body) is { Count: > 0 } unknown)
            errors["body"] = [$"Неизвестные подстановки: {string.Join(", ", unknown.Select(u => "{" + u + "}"))}. Доступны: " +
                string.Join(", ", Placeholders.Described.Keys.Select(k => "{" + k + "}")) + "."];
        if (r.CategoryId is { } categoryId && !await db.Categories.AnyAsync(c => c.Id == categoryId, ct)) errors["categoryId"] = ["Категории нет в справочнике."];
        if (r.TopicId is { } topicId && !await db.Topics.AnyAsync(t => t.Id == topicId, ct)) errors["topicId"] = ["Темы нет в справочнике."];
        if (r.OwnerOrganisationId is not { } owner || !await db.Organisations.AnyAsync(o => o.Id == owner, ct))
            errors["ownerOrganisationId"] = ["Выберите организацию-владельца из справочника."];
        if (errors.Count > 0) throw new InputException(errors, "knowledge.invalid", "Шаблон заполнен с ошибками.", StatusCodes.Status422UnprocessableEntity);
        if (!await MayEditAsync(user, r.OwnerOrganisationId!.Value, ct)) return (null, 403);
        if (template is null)
        {
            template = new AnswerTemplate { Id = Guid.CreateVersion7(new DateTimeOffset(now, TimeSpan.Zero)), AuthorId = user.Id };
            db.AnswerTemplates.Add(template);
        }
        else if (template.Version != r.Version)
            throw new RuleException("concurrency.stale_version", $"Шаблон изменили (версия {template.Version}, у вас {r.Version}). Обновите страницу и повторите.");
        (template.Name, template.Body, template.CategoryId, template.TopicId, template.OwnerOrganisationId) =
            (r.Name!.Trim(), r.Body!.Replace("\r\n", "\n").Trim(), r.CategoryId, r.TopicId, r.OwnerOrganisationId!.Value);
        template.UpdatedAtUtc = now;
        template.Version++;
        await db.SaveChangesAsync(ct);
        return (template, 200);
    }

    /// <summary>The template for an appeal or an article: the topic's own first, then the category's, then a general one.</summary>
    public static async Task<AnswerTemplate?> TemplateForAsync(AppDbContext db, Guid categoryId, Guid? topicId, CancellationToken ct) =>
        (await db.AnswerTemplates.AsNoTracking()
            .Where(t => (topicId != null && t.TopicId == topicId) || (t.TopicId == null && (t.CategoryId == categoryId || t.CategoryId == null)))
            .ToListAsync(ct))
        .OrderBy(t => t.TopicId is not null ? 0 : t.CategoryId is not null ? 1 : 2).ThenBy(t => t.Name, StringComparer.Ordinal).FirstOrDefault();

    /// <summary>The answer a consultation gets from an article when no template fits.</summary>
    public const string DefaultAnswer = "Уважаемый(ая) {ИмяЗаявителя}!\n\nПо Вашему обращению № {Номер} сообщаем.\n\n{ОтветСтатьи}\n\n{ПравовоеОснование}\n\n{Исполнитель}, {Дата}";

    /// <summary>The answer to an appeal filled from an article (and its topic's template), by the person answering, today.</summary>
    public static async Task<string> AnswerTextAsync(AppDbContext db, Appeal appeal, Article article, string executorName, DateOnly today, CancellationToken ct)
    {
        var template = await TemplateForAsync(db, article.CategoryId, article.TopicId, ct);
        var body = template is not null && template.Body.Contains("{" + Placeholders.ArticleAnswer + "}") ? template.Body : DefaultAnswer;
        return Collapse(Placeholders.Fill(body, Placeholders.For(appeal, executorName, today, article), dropLonelyEmpty: true));
    }

    /// <summary>Dropped placeholder lines (an article without a legal basis) leave no run of blank lines behind.</summary>
    static string Collapse(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\n{3,}", "\n\n").Trim();

    public static Task<string> FillAsync(AnswerTemplate template, Appeal appeal, string executorName, DateOnly today) =>
        Task.FromResult(Collapse(Placeholders.Fill(template.Body, Placeholders.For(appeal, executorName, today, null))));

    /// <summary>
    /// The operator answers a simple consultation from an article: the answer is filled (or edited text given), sent and
    /// the appeal closed, the article linked in its history; the article's usage is counted in the same transaction.
    /// </summary>
    public static AppealAction Consult(AppealChanges c, Guid? articleId, string? text, TimeProvider clock, CancellationToken ct) => new(
        async appeal => await c.User.HoldsAsync(Duty.CloseAnswered, appeal, ct) || await c.User.HoldsAsync(Duty.Execute, appeal, ct),
        async (appeal, now) =>
        {
            var article = articleId is { } id ? await c.Db.Articles.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct) : null;
            if (article is null) throw new InputException("articleId", "knowledge.unknown_article", "Выберите статью базы знаний.", 422);
            if (text is not null) AppealsApi.CheckText("text", text, 20000);
            var answer = text?.Trim() ?? await AnswerTextAsync(c.Db, appeal, article, await NameOfAsync(c.Db, c.User, ct), Today(clock), ct);
            appeal.AnswerFromKnowledgeBase(article.Id, article.Title, answer, c.User.RequiredId, now);
            await c.Db.Articles.Where(a => a.Id == article.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.UsageCount, a => a.UsageCount + 1), ct);
            c.Db.Outbox.Add(OutboxMessage.Create(MessageTypes.Answered, new { appeal.Id, appeal.Number, appeal.Applicant.Email, article = article.Id }, appeal.Id, now));
        });

    public sealed record ArticleHit(Guid Id, string Title, string Fragment, Guid CategoryId, string Category, Guid? TopicId, string? Topic, bool Stale,
        bool IsPublished, int UsageCount);

    /// <summary>Searches the articles (published only for the public) and adds what a result shows: category, topic, staleness.</summary>
    public static async Task<IReadOnlyList<ArticleHit>> SearchAsync(AppDbContext db, string? q, bool publicOnly, bool anyWord, int limit, DateOnly today,
        CancellationToken ct)
    {
        var query = anyWord ? SearchQuery.AnyWords(q) : SearchQuery.Parse(q);
        var hits = await SearchIndexes.For(db).SearchAsync(db, SearchKind.Article, publicOnly, query, limit, anyWord, ct);
        if (hits.Count == 0) return [];
        var ids = hits.Select(h => h.EntityId).ToList();
        var articles = await db.Articles.AsNoTracking().Where(a => ids.Contains(a.Id))
            .Select(a => new { a.Id, a.CategoryId, a.TopicId, a.ReviewOn, a.IsPublished, a.UsageCount }).ToDictionaryAsync(a => a.Id, ct);
        var names = await CatalogueNamesAsync(db, ct);
        return [.. hits.Where(h => articles.ContainsKey(h.EntityId)).Select(h =>
        {
            var a = articles[h.EntityId];
            return new ArticleHit(h.EntityId, h.Title, h.FragmentHtml, a.CategoryId, names.GetValueOrDefault(a.CategoryId) ?? "", a.TopicId,
                a.TopicId is { } t ? names.GetValueOrDefault(t) : null, a.ReviewOn < today, a.IsPublished, a.UsageCount);
        })];
    }

    /// <summary>Names of categories and topics by id (a handful of rows).</summary>
    public static async Task<Dictionary<Guid, string>> CatalogueNamesAsync(AppDbContext db, CancellationToken ct)
    {
        var names = await db.Categories.AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        foreach (var t in await db.Topics.AsNoTracking().Select(t => new { t.Id, t.Name }).ToListAsync(ct)) names[t.Id] = t.Name;
        return names;
    }
}
