using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Otklik.Tests.Deployment;

/// <summary>
/// The app as an operator installs it: <c>dotnet publish</c> of the build the tests run against, into a folder of its
/// own, once per test run. Tests start it as a separate process (<see cref="AppProcess"/>), from whatever working
/// directory they choose.
/// </summary>
public static class PublishedApp
{
    static readonly Lazy<Task<string>> Folder = new(PublishAsync);

    public static Task<string> FolderAsync() => Folder.Value;

    /// <summary>The repository's root: the folder of Otklik.slnx above the test's binaries.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Otklik.slnx"))) return dir.FullName;
            throw new InvalidOperationException("Otklik.slnx not found above " + AppContext.BaseDirectory);
        }
    }

    static async Task<string> PublishAsync()
    {
        var output = Path.Combine(Path.GetTempPath(), "otklik-tests", "published-" + Guid.NewGuid().ToString("N"));
        // The configuration the tests were built in (scripts/test.sh builds Release); --no-build publishes that build.
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            ? "Release" : "Debug";
        var info = new ProcessStartInfo("dotnet",
            ["publish", Path.Combine(RepositoryRoot, "src", "Otklik", "Otklik.csproj"), "-c", configuration, "--no-build", "-o", output, "-nologo", "-v", "q"])
        {
            WorkingDirectory = RepositoryRoot, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 || !File.Exists(Path.Combine(output, "Otklik.dll")))
            throw new InvalidOperationException($"dotnet publish exited with {process.ExitCode}:\n{await stdout}\n{await stderr}");
        return output;
    }
}

/// <summary>The published app running as its own process, its console output kept for the test to read.</summary>
public sealed class AppProcess : IAsyncDisposable
{
    readonly Process _process;
    readonly StringBuilder _output = new();

    AppProcess(Process process) => _process = process;

    public int Port { get; private init; }
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");
    public string Output { get { lock (_output) return _output.ToString(); } }
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;
    /// <summary>The process's memory as the kernel counts it (/proc): resident now and at its peak, in MiB.</summary>
    public (double Rss, double Peak) Memory()
    {
        var status = File.ReadAllLines($"/proc/{_process.Id}/status");
        double Kb(string name) => double.Parse(status.Single(l => l.StartsWith(name + ":", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1],
            System.Globalization.CultureInfo.InvariantCulture) / 1024;
        return (Kb("VmRSS"), Kb("VmHWM"));
    }

    /// <summary>Starts <c>dotnet Otklik.dll [args]</c> from <paramref name="workingDirectory"/> with only the given settings in its environment.</summary>
    /// <param name="port">The port for <c>--urls</c>; null leaves the address to the app's own configuration.</param>
    public static AppProcess Start(string appFolder, string workingDirectory, IReadOnlyDictionary<string, string> environment,
        IEnumerable<string>? args = null, int? port = null)
    {
        var arguments = new List<string> { Path.Combine(appFolder, "Otklik.dll") };
        arguments.AddRange(args ?? []);
        if (port is { } p) arguments.AddRange(["--urls", $"http://127.0.0.1:{p}"]);
        var info = new ProcessStartInfo("dotnet", arguments)
        {
            WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        // The test host's own variables (ASPNETCORE_*, the test runner's) must not leak into the app under test.
        string[] prefixes = ["ASPNETCORE_", "Otklik__", "Database__", "ConnectionStrings__", "DOTNET_ENVIRONMENT", "DOTNET_CONTENTROOT"];
        foreach (var key in info.Environment.Keys.Where(k => prefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal))).ToList())
            info.Environment.Remove(key);
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_hostBuilder__reloadConfigOnChange"] = "false";
        foreach (var (key, value) in environment) info.Environment[key] = value;
        var process = new Process { StartInfo = info };
        var app = new AppProcess(process) { Port = port ?? 0 };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (app._output) app._output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (app._output) app._output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return app;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until /health answers 200, failing with the app's output if it exits first or takes too long.</summary>
    public async Task WaitUntilHealthyAsync(Uri? address = null, TimeSpan? timeout = null)
    {
        using var http = new HttpClient { BaseAddress = address ?? BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        while (DateTime.UtcNow < until)
        {
            if (_process.HasExited) Assert.Fail($"the app exited with {_process.ExitCode} before it answered:\n{Output}");
            try
            {
                using var response = await http.GetAsync("health");
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        Assert.Fail($"the app did not answer /health within the time:\n{Output}");
    }

    /// <summary>Waits for the process to end by itself (a refused start), failing with its output if it keeps running.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(90));
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { Assert.Fail($"the app kept running instead of refusing to start:\n{Output}"); }
        _process.WaitForExit(); // flushes the redirected output
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
