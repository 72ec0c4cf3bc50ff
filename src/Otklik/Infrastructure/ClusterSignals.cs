using System.Collections.Concurrent;
using System.Threading.Channels;
using Npgsql;
using Otklik.Data;

namespace Otklik.Infrastructure;

/// <summary>
/// Tells every node of the deployment that something it may keep in memory changed (issue 21 items 2 and 6, ADR 0031):
/// a person's roles, the organisation tree, the territories, the deadline rules and calendar, a public page, the outbox.
/// On PostgreSQL through the database's own LISTEN/NOTIFY (channel <see cref="Channel"/>): <see cref="Publish"/> applies
/// the change on this node at once and queues a <c>pg_notify</c>; <see cref="ClusterListener"/> on every node listens
/// and applies what the others sent. On SQLite there is one node (one file, one writer) and the change applies in-process.
/// A listener that loses its connection forgets every cache when it reconnects: a signal sent meanwhile is lost.
/// </summary>
public sealed class ClusterSignals(IConfiguration config, ILogger<ClusterSignals> log)
{
    public const string Channel = "otklik_cache";

    public const string Roles = "roles";
    public const string Tree = "tree";
    public const string Territories = "territories";
    public const string Deadlines = "deadlines";
    public const string PublicPage = "public";
    public const string Outbox = "outbox";
    /// <summary>A person's notices changed (payload: person ids, comma-separated): their open pages are told (LiveNotices).</summary>
    public const string Notices = "notices";
    /// <summary>Every cache at once: after a reconnection of the listener.</summary>
    public const string Everything = "*";

    /// <summary>This node, so that it skips its own signals coming back.</summary>
    public string Node { get; } = Guid.NewGuid().ToString("N")[..12];

    readonly ConcurrentDictionary<string, List<Action<string>>> _handlers = new();
    readonly Channel<string> _outgoing = System.Threading.Channels.Channel.CreateUnbounded<string>(new() { SingleReader = true });

    public string? ConnectionString { get; } = Database.ProviderOf(config) == DatabaseProvider.Postgres ? config.GetConnectionString("Otklik") : null;
    public bool IsShared => ConnectionString is not null;

    /// <summary>Runs <paramref name="handler"/> (on this node) whenever a signal of <paramref name="kind"/> comes, from here or another node.</summary>
    public void Subscribe(string kind, Action<string> handler)
    {
        var list = _handlers.GetOrAdd(kind, _ => []);
        lock (list) list.Add(handler);
    }

    /// <summary>Applies the change here now and tells the other nodes (PostgreSQL). Call it after the change has committed.</summary>
    public void Publish(string kind, string payload = "")
    {
        Apply(kind, payload);
        if (IsShared) _outgoing.Writer.TryWrite($"{Node}|{kind}|{payload}");
    }

    internal void Apply(string kind, string payload)
    {
        foreach (var k in kind == Everything ? _handlers.Keys.ToList() : [kind])
        {
            if (!_handlers.TryGetValue(k, out var list)) continue;
            Action<string>[] copy;
            lock (list) copy = [.. list];
            foreach (var handler in copy)
            {
                try { handler(kind == Everything ? "" : payload); }
                catch (Exception e) { log.LogWarning(e, "Cache signal {Kind} failed here", k); }
            }
        }
    }

    /// <summary>A signal from the channel: another node's is applied, this node's own is skipped (it applied it when it sent it).</summary>
    internal void Received(string message)
    {
        var parts = message.Split('|', 3);
        if (parts.Length == 3 && parts[0] != Node) Apply(parts[1], parts[2]);
    }

    internal ChannelReader<string> Outgoing => _outgoing.Reader;
}

/// <summary>
/// The PostgreSQL end of <see cref="ClusterSignals"/> on every node (web or worker): one connection that LISTENs and
/// one that sends the queued NOTIFYs; both reconnect by themselves after a failure.
/// </summary>
public sealed class ClusterListener(ClusterSignals signals, ILogger<ClusterListener> log) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stop) =>
        signals.IsShared ? Task.WhenAll(ListenAsync(stop), SendAsync(stop)) : Task.CompletedTask;

    static NpgsqlConnection Open(string cs) =>
        // Its own small pool: the application's pool is never held by a listener that waits for hours.
        new(new NpgsqlConnectionStringBuilder(cs) { ApplicationName = "otklik-signals", Pooling = false, KeepAlive = 30 }.ConnectionString);

    async Task ListenAsync(CancellationToken stop)
    {
        var first = true;
        var lost = false;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = Open(signals.ConnectionString!);
                await connection.OpenAsync(stop);
                connection.Notification += (_, e) => signals.Received(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {ClusterSignals.Channel}", connection)) await listen.ExecuteNonQueryAsync(stop);
                // Anything sent while this node was not listening is lost: start afresh.
                if (!first) signals.Apply(ClusterSignals.Everything, "");
                if (lost) log.LogInformation("Cache signal listener is listening again");
                lost = false;
                first = false;
                while (!stop.IsCancellationRequested) await connection.WaitAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                // A database outage is logged once, by DatabaseOutage; the listener only notes its own loss, once, and retries quietly.
                if (!lost) log.LogInformation("Cache signal listener lost its connection ({Error}); reconnecting every second", e.Message);
                else log.LogDebug("Cache signal listener still cannot connect ({Error})", e.Message);
                lost = true;
                first = false;
                try { await Task.Delay(TimeSpan.FromSeconds(1), stop); } catch (OperationCanceledException) { return; }
            }
        }
    }

    async Task SendAsync(CancellationToken stop)
    {
        NpgsqlConnection? connection = null;
        try
        {
            await foreach (var message in signals.Outgoing.ReadAllAsync(stop))
            {
                for (var attempt = 0; ; attempt++)
                {
                    try
                    {
                        if (connection is null)
                        {
                            connection = Open(signals.ConnectionString!);
                            await connection.OpenAsync(stop);
                        }
                        await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection);
                        notify.Parameters.AddWithValue("channel", ClusterSignals.Channel);
                        notify.Parameters.AddWithValue("payload", message);
                        await notify.ExecuteNonQueryAsync(stop);
                        break;
                    }
                    catch (Exception e) when (e is not OperationCanceledException && attempt < 30)
                    {
                        // Quiet while the database is down (DatabaseOutage logs the outage once); a lasting failure still warns.
                        if (attempt == 10) log.LogWarning("Cache signal not sent for 10 s ({Error}); retrying", e.Message);
                        else log.LogDebug("Cache signal not sent ({Error}); retrying", e.Message);
                        if (connection is not null) await connection.DisposeAsync();
                        connection = null;
                        await Task.Delay(TimeSpan.FromSeconds(1), stop);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
        finally
        {
            if (connection is not null) await connection.DisposeAsync();
        }
    }
}
