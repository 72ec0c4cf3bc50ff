using System.Text.Json;
using System.Text.Json.Serialization;
using Otklik.Features.Appeals;

namespace Otklik.Features.Exchange.Redmine;

/// <summary>
/// How a Redmine's words become Otklik's (ADR 0026): statuses to appeal statuses, trackers to type/kind/regime, categories
/// to catalogue categories (by name), the channel field's values to channels, and the custom fields that hold the
/// applicant. A value with no mapping is not guessed: the issue is reported and left out (a status, a tracker, a
/// category), or the value is kept in the history and reported (a custom field nobody maps).
/// </summary>
public sealed record RedmineMapping
{
    public string Source { get; init; } = "Redmine";
    public Dictionary<string, AppealStatus> Statuses { get; init; } = [];
    public Dictionary<string, TrackerMapping> Trackers { get; init; } = [];
    /// <summary>Redmine category name → Otklik category name; a Redmine category with the same name as a catalogue one needs no line.</summary>
    public Dictionary<string, string> Categories { get; init; } = [];
    /// <summary>The catalogue category for an issue whose category maps to nothing; null: such an issue is reported and left out.</summary>
    public string? DefaultCategory { get; init; }
    public string? ChannelField { get; init; }
    public Dictionary<string, Channel> Channels { get; init; } = [];
    public Channel DefaultChannel { get; init; } = Channel.RedmineImport;
    public ApplicantFields Applicant { get; init; } = new();
    /// <summary>The organisation (by short or full name) that executes issues whose assignee is not matched; null: the owning centre.</summary>
    public string? DefaultExecutorOrganisation { get; init; }

    public sealed record TrackerMapping(AppealType Type, AppealKind Kind, LegalRegime Regime);

    /// <summary>Names of the custom fields that hold the applicant's name ("Фамилия Имя Отчество"), contacts and organisation.</summary>
    public sealed record ApplicantFields
    {
        public string? Name { get; init; }
        public string? Email { get; init; }
        public string? Phone { get; init; }
        public string? Organisation { get; init; }
        public string? PostalAddress { get; init; }
    }

    static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() }, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true,
    };

    /// <summary>The mapping shipped with Otklik, for a seed-001-style Redmine (Features/Exchange/Redmine/redmine-mapping.default.json).</summary>
    public static RedmineMapping Default()
    {
        using var stream = typeof(RedmineMapping).Assembly.GetManifestResourceStream("redmine-mapping.default.json")
                           ?? throw new InvalidOperationException("The default Redmine mapping is not embedded.");
        return Parse(stream);
    }

    public static RedmineMapping Parse(Stream json)
    {
        try
        {
            return JsonSerializer.Deserialize<RedmineMapping>(json, Options) ?? throw new RedmineException("The mapping file is empty.");
        }
        catch (JsonException e)
        {
            throw new RedmineException($"The mapping file is not valid: {e.Message}");
        }
    }

    public static RedmineMapping Load(string? path)
    {
        if (path is null) return Default();
        using var file = File.OpenRead(path);
        return Parse(file);
    }
}
