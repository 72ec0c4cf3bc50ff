using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Otklik.Features.Appeals;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Bench;

/// <summary>
/// The work of one operation, counted rather than timed (issue 24): the SQL commands the app sends while it answers one
/// request, on both engines. The request carries a W3C <c>traceparent</c>; ASP.NET Core makes it the request's activity,
/// and EF's diagnostic events are counted only when they run under that trace — a background job of the same app, or
/// another test's app in this process, runs under traces of its own and is not counted.
/// </summary>
public sealed class StatementCountTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_card_is_read_in_three_statements_with_visibility_decided_from_its_row(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var appeal = await app.AppealInAsync(AppealStatus.InWork);
        using var counter = new SqlCounter();
        var client = app.ClientAs(Persona.MunAExecutor);
        // The first request of a key loads the key and its roles (kept 30 s per node, AccessCache): not the card's work.
        await Send(client, HttpMethod.Get, $"/api/v1/appeals/{appeal.Id}?include=history", null, counter.NewTrace());

        var trace = counter.NewTrace();
        var card = await Send(client, HttpMethod.Get, $"/api/v1/appeals/{appeal.Id}?include=history", null, trace);
        Assert.Equal(appeal.Number, card.Number);
        Assert.NotEmpty(card.History!);
        // The key is looked up on every request (ADR 0014, amended: a revoked key is refused at once); the rest is the card's.
        var statements = counter.Of(trace).Where(s => !s.Contains("FROM \"ApiKeys\"")).ToList();
        TestContext.Current.TestOutputHelper?.WriteLine(Describe($"{engine} read", statements));
        // The appeal with its parts and roadmap (one statement, visibility decided from it), its files, its history.
        Assert.True(statements.Count == 3, Describe("read", statements));
        Assert.Single(statements, s => s.Contains("FROM \"Appeals\""));

        // Someone who does not see the appeal gets the same 404 as for an appeal that does not exist, from the same one row.
        using var stranger = app.ClientAs(Persona.OtherApplicant);
        using var refused = await stranger.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/appeals/{appeal.Id}"));
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_transition_answers_from_the_appeal_it_saved_without_reading_it_back(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var appeal = await app.AppealInAsync(AppealStatus.InWork);
        using var counter = new SqlCounter();
        var client = app.ClientAs(Persona.MunAExecutor);
        await Send(client, HttpMethod.Get, $"/api/v1/appeals/{appeal.Id}", null, counter.NewTrace());

        var trace = counter.NewTrace();
        var answered = await Send(client, HttpMethod.Post, $"/api/v1/appeals/{appeal.Id}/answer",
            new { version = appeal.Version, text = "Яма будет заделана до 1 декабря.", result = "explained" }, trace);
        Assert.Equal(AppealStatus.AnswerDraft, answered.Status);
        Assert.Equal(appeal.Version + 1, answered.Version);
        Assert.Equal("Яма будет заделана до 1 декабря.", answered.AnswerText);
        // What the answer says is what the database holds.
        Assert.Equal(answered.Version, (await app.GetAsync(appeal.Id, Persona.MunAExecutor)).Version);

        var statements = counter.Of(trace).Where(s => !s.Contains("FROM \"ApiKeys\"")).ToList();
        var appealReads = statements.Where(s => s.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase)
            && s.Contains("FROM \"Appeals\"") && !s.Contains("FOR UPDATE")).ToList(); // PostgreSQL's row lock reads nothing
        TestContext.Current.TestOutputHelper?.WriteLine(Describe($"{engine} transition", statements));
        // The appeal is read once, with its parts and roadmap, under the lock (PostgreSQL takes it with a statement of its own); the answer is made from it after the save.
        Assert.True(appealReads.Count == 1, Describe("transition (reads of the appeal)", statements));
        Assert.True(statements.Count <= 9, Describe("transition", statements));
    }

    static async Task<AppealView> Send(HttpClient client, HttpMethod method, string url, object? body, ActivityTraceId trace)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null) request.Content = JsonContent.Create(body, options: HttpExtensions.Options);
        request.Headers.Add("traceparent", $"00-{trace.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        using var response = await client.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.OK) Assert.Fail($"{method} {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.ReadAsync<AppealView>();
    }

    static string Describe(string what, IReadOnlyList<string> statements) =>
        $"{what}: {statements.Count} statements\n" + string.Join("\n---\n", statements);

    /// <summary>Counts EF's <c>CommandExecuting</c> events per trace, for every DbContext in this process.</summary>
    sealed class SqlCounter : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        readonly ConcurrentDictionary<ActivityTraceId, ConcurrentQueue<string>> _byTrace = new();
        readonly List<IDisposable> _subscriptions = [];
        readonly IDisposable _all;

        public SqlCounter() => _all = DiagnosticListener.AllListeners.Subscribe(this);

        public ActivityTraceId NewTrace()
        {
            var trace = ActivityTraceId.CreateRandom();
            _byTrace[trace] = new ConcurrentQueue<string>();
            return trace;
        }

        public IReadOnlyList<string> Of(ActivityTraceId trace) => [.. _byTrace[trace]];

        public void OnNext(DiagnosticListener listener)
        {
            if (listener.Name != DbLoggerCategory.Name) return;
            lock (_subscriptions) _subscriptions.Add(listener.Subscribe(this, name => name == RelationalEventId.CommandExecuting.Name));
        }

        public void OnNext(KeyValuePair<string, object?> e)
        {
            if (e.Value is not CommandEventData data || Activity.Current is not { } activity) return;
            if (_byTrace.TryGetValue(activity.TraceId, out var statements)) statements.Enqueue(data.Command.CommandText);
        }

        public void OnCompleted() { }
        public void OnError(Exception error) { }

        public void Dispose()
        {
            _all.Dispose();
            lock (_subscriptions) foreach (var s in _subscriptions) s.Dispose();
        }
    }
}
