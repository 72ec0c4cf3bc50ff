using System.Globalization;

namespace Otklik.Features.Exchange.Redmine;

/// <summary>
/// <c>Otklik import redmine --url URL --key KEY --project ID [--mapping FILE] [--checkpoint FILE] [--page-size N] [--fetchers N] [--from-start]</c>:
/// runs the Redmine import (ADR 0026) against the configured database and exits; no web server starts. The key may come
/// from <c>REDMINE_API_KEY</c> instead of the command line (which other users of the machine can read). Other arguments
/// (<c>--ConnectionStrings:Otklik=…</c>) are configuration, as for the server.
/// </summary>
public sealed record ImportCommand(Uri Url, string Key, string Project, string? MappingPath, string CheckpointPath, int PageSize, bool FromStart,
    string[] HostArgs, int Fetchers = 4)
{
    public const string Usage =
        "Otklik import redmine --url URL --key KEY --project ID [--mapping FILE] [--checkpoint FILE] [--page-size N] [--fetchers N] [--from-start]";

    /// <summary>The command, or null when the arguments are the server's; a command with bad arguments throws <see cref="ArgumentException"/>.</summary>
    public static ImportCommand? Parse(string[] args, Func<string, string?> environment)
    {
        if (args is not ["import", ..]) return null;
        if (args is not ["import", "redmine", ..]) throw new ArgumentException("Only `import redmine` is known. Usage: " + Usage);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        var host = new List<string>();
        string[] named = ["--url", "--key", "--project", "--mapping", "--checkpoint", "--page-size", "--fetchers"];
        for (var i = 2; i < args.Length; i++)
        {
            if (named.Contains(args[i]) && i + 1 < args.Length) values[args[i]] = args[++i];
            else if (args[i] == "--from-start") flags.Add(args[i]);
            else host.Add(args[i]);
        }
        if (!values.TryGetValue("--url", out var url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new ArgumentException("--url: the Redmine's address, http(s)://… . Usage: " + Usage);
        var key = values.GetValueOrDefault("--key") ?? environment("REDMINE_API_KEY");
        if (string.IsNullOrWhiteSpace(key)) throw new ArgumentException("--key (or REDMINE_API_KEY): a Redmine API key, an administrator's to match people by e-mail.");
        if (!values.TryGetValue("--project", out var project) || string.IsNullOrWhiteSpace(project))
            throw new ArgumentException("--project: the Redmine project's identifier or id.");
        var pageSize = 100;
        if (values.TryGetValue("--page-size", out var size) && (!int.TryParse(size, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > 100))
            throw new ArgumentException("--page-size: 1 to 100 (Redmine gives at most 100 a page).");
        var fetchers = 4;
        if (values.TryGetValue("--fetchers", out var f) && (!int.TryParse(f, CultureInfo.InvariantCulture, out fetchers) || fetchers is < 1 or > 16))
            throw new ArgumentException("--fetchers: 1 to 16 issues fetched from Redmine at once (default 4).");
        var checkpoint = values.GetValueOrDefault("--checkpoint") ?? $"redmine-import-{uri.Host}-{project}.checkpoint.json";
        return new(uri, key, project, values.GetValueOrDefault("--mapping"), checkpoint, pageSize, flags.Contains("--from-start"), [.. host], fetchers);
    }

    /// <summary>Runs the import with a progress bar on <paramref name="output"/>, prints the report (and writes it next to the checkpoint); 0 when it ran to the end.</summary>
    public async Task<int> RunAsync(IServiceProvider services, TextWriter output, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        var clock = services.GetRequiredService<TimeProvider>();
        var import = new RedmineImport(services, new RedmineClient(http, Url, Key), RedmineMapping.Load(MappingPath), clock);
        var bar = new ProgressBar(output, clock);
        try
        {
            var report = await import.RunAsync(new(Project, CheckpointPath, PageSize, FromStart, Fetchers), bar, ct);
            bar.Finish();
            var text = report.Text();
            await output.WriteAsync(text);
            var reportPath = Path.ChangeExtension(CheckpointPath, ".report.txt");
            await File.WriteAllTextAsync(reportPath, text, ct);
            await output.WriteLineAsync($"Report: {reportPath}");
            return 0;
        }
        catch (RedmineException e)
        {
            bar.Finish();
            await output.WriteLineAsync($"The import stopped: {e.Message} Run the same command again to go on from the checkpoint {CheckpointPath}.");
            return 2;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            bar.Finish();
            await output.WriteLineAsync($"The import was interrupted. Run the same command again to go on from the checkpoint {CheckpointPath}.");
            return 130;
        }
    }

    /// <summary>"[#########-----------]  450/1000  45%  12.3 issues/s": one line, redrawn in place.</summary>
    sealed class ProgressBar(TextWriter output, TimeProvider clock) : IProgress<(int Done, int Total)>
    {
        readonly long _started = clock.GetTimestamp();
        bool _drawn;

        public void Report((int Done, int Total) value)
        {
            var (done, total) = value;
            var share = total == 0 ? 1 : Math.Min(1, (double)done / total);
            var filled = (int)Math.Round(share * 30);
            var seconds = clock.GetElapsedTime(_started).TotalSeconds;
            output.Write(string.Create(CultureInfo.InvariantCulture,
                $"\r[{new string('#', filled)}{new string('-', 30 - filled)}] {done,7}/{total}  {share * 100,3:0}%  {(seconds > 0 ? done / seconds : 0),6:0.0} issues/s"));
            _drawn = true;
        }

        public void Finish()
        {
            if (_drawn) output.WriteLine();
            _drawn = false;
        }
    }
}
