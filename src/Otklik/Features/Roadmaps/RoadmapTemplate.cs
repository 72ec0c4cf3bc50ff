using Otklik.Features.Deadlines;
using Otklik.Infrastructure;

namespace Otklik.Features.Roadmaps;

/// <summary>
/// A step of a template: what to do, who owns it (null: the complaint's executor) and a relative deadline. Steps are
/// chained: a step's deadline counts from when the steps before it are due, unless it runs in parallel with the step
/// before it (then both count from the same start).
/// </summary>
public sealed record TemplateStepDraft(string? Title, Guid? OwnerOrganisationId, string? Policy, bool Parallel = false);

/// <summary>The usual roadmap of a topic's complaints; applying it to a complaint adds its steps to the roadmap.</summary>
public sealed class RoadmapTemplate
{
    RoadmapTemplate() { }

    public const int MaxName = 300;

    public Guid Id { get; private set; }
    public Guid TopicId { get; private set; }
    public string Name { get; private set; } = "";
    public int Version { get; private set; }
    public List<RoadmapTemplateStep> Steps { get; private set; } = [];

    public static RoadmapTemplate Create(Guid topicId, string? name, IReadOnlyList<TemplateStepDraft> steps, Guid? id = null)
    {
        var t = new RoadmapTemplate { Id = id ?? Guid.CreateVersion7() };
        t.Update(topicId, name, steps);
        return t;
    }

    /// <summary>Replaces the name, the topic and every step; all inputs are checked before anything changes.</summary>
    public void Update(Guid topicId, string? name, IReadOnlyList<TemplateStepDraft> steps)
    {
        var e = new InputErrors();
        if (string.IsNullOrWhiteSpace(name)) e.Add("name", "field.required", "Укажите название шаблона.");
        else if (name.Trim().Length > MaxName) e.Add("name", "field.too_long", $"Не длиннее {MaxName} символов.");
        if (steps.Count == 0) e.Add("steps", "roadmap.template_empty", "В шаблоне должен быть хотя бы один шаг.");
        if (steps.Count > Roadmap.MaxSteps) e.Add("steps", "roadmap.too_many_steps", $"В шаблоне не больше {Roadmap.MaxSteps} шагов.");
        for (var i = 0; i < steps.Count; i++)
        {
            var s = steps[i];
            if (string.IsNullOrWhiteSpace(s.Title)) e.Add($"steps[{i}].title", "field.required", "Опишите, что нужно сделать на этом шаге.");
            else if (s.Title.Trim().Length > RoadmapStep.MaxTitle) e.Add($"steps[{i}].title", "field.too_long", $"Не длиннее {RoadmapStep.MaxTitle} символов.");
            if (!DeadlinePolicy.TryParse(s.Policy, out _, out var error)) e.Add($"steps[{i}].policy", "roadmap.policy", error!);
            if (i == 0 && s.Parallel)
                e.Add($"steps[{i}].parallel", "roadmap.parallel_first", "Первый шаг не может идти параллельно предыдущему: перед ним нет шагов.");
        }
        e.ThrowIfAny(StatusCodes.Status422UnprocessableEntity);
        TopicId = topicId;
        Name = name!.Trim();
        Steps.Clear();
        for (var i = 0; i < steps.Count; i++)
            Steps.Add(new RoadmapTemplateStep
            {
                Id = Guid.CreateVersion7(), TemplateId = Id, Order = i + 1, Title = steps[i].Title!.Trim(),
                OwnerOrganisationId = steps[i].OwnerOrganisationId, Policy = DeadlinePolicy.Parse(steps[i].Policy!).ToString(),
                Parallel = steps[i].Parallel,
            });
        Version++;
    }
}

public sealed class RoadmapTemplateStep
{
    public Guid Id { get; set; }
    public Guid TemplateId { get; set; }
    public int Order { get; set; }
    public string Title { get; set; } = "";
    /// <summary>Null: the step goes to the executor organisation of the complaint.</summary>
    public Guid? OwnerOrganisationId { get; set; }
    public string Policy { get; set; } = "working-days:5";
    /// <summary>
    /// True: the step runs in parallel with the step before it (its deadline counts from the same start). False: it
    /// follows the steps before it (its deadline counts from the latest of their deadlines).
    /// </summary>
    public bool Parallel { get; set; }
}
