using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Otklik.Features.Exchange.Redmine;

/// <summary>
/// The few Redmine REST calls the import makes (Redmine 5.0, https://www.redmine.org/projects/redmine/wiki/Rest_api):
/// the project with its trackers and categories, the statuses, the project's issues a page at a time (sorted by id, all
/// statuses), one issue with its journals and attachments, a user (the e-mail needs an administrator's key) and an
/// attachment's content. Every URL is built from the configured base, never from a URL the server returned (an
/// attachment's content_url names the host the server thinks it has). A failed call is tried three times.
/// </summary>
public sealed class RedmineClient(HttpClient http, Uri baseUrl, string key, TimeSpan? retryDelay = null)
{
    static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    readonly TimeSpan _retryDelay = retryDelay ?? TimeSpan.FromSeconds(2);

    public Uri BaseUrl => baseUrl;

    public Task<ProjectEnvelope> ProjectAsync(string project, CancellationToken ct) =>
        GetAsync<ProjectEnvelope>($"/projects/{Uri.EscapeDataString(project)}.json?include=trackers,issue_categories", ct);

    public Task<StatusList> StatusesAsync(CancellationToken ct) => GetAsync<StatusList>("/issue_statuses.json", ct);

    /// <summary>One page of the project's issues, oldest id first, every status (open and closed).</summary>
    public Task<IssueList> IssuesAsync(int projectId, int offset, int limit, CancellationToken ct) =>
        GetAsync<IssueList>($"/issues.json?project_id={projectId}&status_id=*&sort=id&offset={offset}&limit={limit}", ct);

    public async Task<Issue> IssueAsync(int id, CancellationToken ct) =>
        (await GetAsync<IssueEnvelope>($"/issues/{id}.json?include=journals,attachments", ct)).Issue;

    /// <summary>The user, or null when this key may not see them (Redmine answers 403/404 to a key without administrator rights).</summary>
    public async Task<User?> UserAsync(int id, CancellationToken ct)
    {
        using var response = await SendAsync($"/users/{id}.json", ct, HttpStatusCode.Forbidden, HttpStatusCode.NotFound);
        if (!response.IsSuccessStatusCode) return null;
        return (await response.Content.ReadFromJsonAsync<UserEnvelope>(Options, ct))?.User;
    }

    /// <summary>An attachment's bytes, fetched from the configured host at the path of its content_url.</summary>
    public async Task<byte[]> ContentAsync(Attachment attachment, CancellationToken ct)
    {
        var path = Uri.TryCreate(attachment.ContentUrl, UriKind.Absolute, out var absolute) ? absolute.PathAndQuery : attachment.ContentUrl ?? "";
        using var response = await SendAsync(path, ct);
        return await response.Content.ReadAsByteArrayAsync(ct);
    }

    async Task<T> GetAsync<T>(string pathAndQuery, CancellationToken ct)
    {
        using var response = await SendAsync(pathAndQuery, ct);
        return await response.Content.ReadFromJsonAsync<T>(Options, ct)
               ?? throw new RedmineException($"Redmine answered {pathAndQuery} with an empty body.");
    }

    async Task<HttpResponseMessage> SendAsync(string pathAndQuery, CancellationToken ct, params HttpStatusCode[] accepted)
    {
        var url = new Uri(baseUrl, baseUrl.AbsolutePath.TrimEnd('/') + pathAndQuery);
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Add("X-Redmine-API-Key", key);
            HttpResponseMessage? response = null;
            string failure;
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
                if (response.IsSuccessStatusCode || accepted.Contains(response.StatusCode)) return response;
                failure = $"HTTP {(int)response.StatusCode}";
                // A wrong key or a missing project does not get better by asking again.
                if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound)
                    throw new RedmineException($"Redmine refused {pathAndQuery}: {failure}.");
            }
            catch (HttpRequestException e) { failure = e.Message; }
            response?.Dispose();
            if (attempt == 3) throw new RedmineException($"Redmine did not answer {pathAndQuery} after 3 attempts: {failure}.");
            await Task.Delay(_retryDelay * attempt, ct);
        }
    }

    public sealed record ProjectEnvelope(Project Project);
    public sealed record Project(int Id, string Name, string Identifier, List<Named>? Trackers, List<Named>? IssueCategories);
    public sealed record StatusList(List<Status> IssueStatuses);
    public sealed record Status(int Id, string Name, bool IsClosed);
    public sealed record Named(int Id, string Name);
    public sealed record IssueList(List<Issue> Issues, int TotalCount, int Offset, int Limit);
    public sealed record IssueEnvelope(Issue Issue);

    public sealed record Issue(int Id, Named Tracker, Named Status, Named? Priority, Named? Author, Named? AssignedTo, Named? Category,
        string Subject, string? Description, List<CustomField>? CustomFields, DateTime CreatedOn, DateTime UpdatedOn, DateTime? ClosedOn,
        List<Journal>? Journals, List<Attachment>? Attachments);

    /// <summary>A custom field's value: a string, or an array of strings for a multiple-value field.</summary>
    public sealed record CustomField(int Id, string Name, JsonElement? Value)
    {
        public string? Text => Value is { ValueKind: JsonValueKind.String } v ? v.GetString()
            : Value is { ValueKind: JsonValueKind.Array } a ? string.Join(", ", a.EnumerateArray().Select(x => x.ToString())) : null;
    }

    public sealed record Journal(int Id, Named? User, string? Notes, DateTime CreatedOn, bool PrivateNotes, List<JournalDetail>? Details);
    public sealed record JournalDetail(string Property, string Name, string? OldValue, string? NewValue);
    public sealed record Attachment(int Id, string Filename, long Filesize, string? ContentType, string? ContentUrl, DateTime CreatedOn);
    public sealed record UserEnvelope(User User);
    public sealed record User(int Id, string? Login, string? Firstname, string? Lastname, string? Mail);
}

public sealed class RedmineException(string message) : Exception(message);
