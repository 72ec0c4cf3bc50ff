using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Infrastructure;

namespace Otklik.Features.Knowledge;

/// <summary>What the appeal card shows of the knowledge base: the answer templates to insert, and the way to answer a consultation from an article.</summary>
public sealed record CardKnowledge(Guid AppealId, bool MayConsult, IReadOnlyList<AnswerTemplate> Templates, Guid? Chosen, string? Inserted)
{
    /// <summary>The answer form is being composed from the co-executors' parts: inserting a template keeps them.</summary>
    public bool Compose { get; init; }

    public static readonly CardKnowledge None = new(Guid.Empty, false, [], null, null);

    public static async Task<CardKnowledge> LoadAsync(AppDbContext db, CurrentUser user, Appeal appeal, bool mayAnswer, Guid? templateId, TimeProvider clock,
        CancellationToken ct)
    {
        var mayConsult = appeal.MayAnswerFromKnowledgeBase()
            && (await user.HoldsAsync(Duty.CloseAnswered, appeal, ct) || await user.HoldsAsync(Duty.Execute, appeal, ct));
        if (!mayAnswer) return new(appeal.Id, mayConsult, [], null, null);
        var topicId = appeal.TopicId;
        var templates = await db.AnswerTemplates.AsNoTracking()
            .Where(t => (t.TopicId == null || t.TopicId == topicId) && (t.CategoryId == null || t.CategoryId == appeal.CategoryId))
            .OrderBy(t => t.Name).ToListAsync(ct);
        var chosen = templates.FirstOrDefault(t => t.Id == templateId);
        var inserted = chosen is null ? null
            : await KnowledgeBase.FillAsync(chosen, appeal, await KnowledgeBase.NameOfAsync(db, user, ct), KnowledgeBase.Today(clock));
        return new(appeal.Id, mayConsult, templates, chosen?.Id, inserted);
    }

    /// <summary>The template goes after what the draft already says.</summary>
    public static string? Insert(string? draft, string? template) =>
        template is null ? draft : string.IsNullOrWhiteSpace(draft) ? template : draft.TrimEnd() + "\n\n" + template;
}
