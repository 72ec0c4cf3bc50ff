using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Playwright;
using Otklik.Features.Appeals;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

/// <summary>
/// Issue 16, «Measure»: the common tasks of the office walked in Chromium as a person does them — register a call,
/// moderate, assign, answer, approve — counting every click (a select by mouse is two: open, choose), every field typed
/// (and its characters) and every shortcut key, and timing each task from its queue page to the confirmation. Moderation
/// and approval are walked twice: with the mouse, and from the keyboard alone (shortcuts.js). The table is written to
/// artifacts/office-tasks-{engine}.md; docs/office-tasks.md keeps a copy with the reading.
/// </summary>
public sealed class OfficeTasksTests(Browser browser, AppPool pool, ITestOutputHelper output) : IClassFixture<Browser>, IClassFixture<AppPool>
{
    sealed class Walk(IPage page, string task)
    {
        readonly Stopwatch _watch = new();
        public string Task { get; } = task;
        public int Clicks { get; private set; }
        public int Fields { get; private set; }
        public int Characters { get; private set; }
        public int Keys { get; private set; }
        public TimeSpan Time => _watch.Elapsed;
        public IPage Page { get; } = page;

        public async Task<Walk> StartAsync(string url)
        {
            _watch.Start();
            await Page.GotoAsync(url);
            return this;
        }

        public void Stop() => _watch.Stop();

        public async Task ClickAsync(ILocator target) { Clicks++; await target.ClickAsync(); }

        public async Task SelectAsync(ILocator select, SelectOptionValue option) { Clicks += 2; await select.SelectOptionAsync(option); }

        public async Task TypeAsync(ILocator field, string text)
        {
            Clicks++;
            Fields++;
            Characters += text.Length;
            await field.FillAsync(text);
        }

        public async Task PressAsync(params string[] keys)
        {
            foreach (var key in keys)
            {
                Keys++;
                await Page.Keyboard.PressAsync(key);
            }
        }

        public string Row() => string.Create(CultureInfo.InvariantCulture,
            $"| {Task} | {Clicks} | {Fields} ({Characters} chars) | {Keys} | {Time.TotalSeconds:0.0} |");
    }

    /// <summary>The place of the appeal's row in the page's list (the queues order by deadline, so it differs by engine and run).</summary>
    static async Task<int> RowOfAsync(IPage page, string number)
    {
        var rows = page.Locator("main table tbody tr");
        var count = await rows.CountAsync();
        for (var i = 0; i < count; i++)
            if ((await rows.Nth(i).TextContentAsync())!.Contains(number, StringComparison.Ordinal)) return i;
        throw new InvalidOperationException($"{number} is not in the list at {page.Url}");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_common_tasks_are_walked_counted_and_timed(Engine engine)
    {
        var app = await pool.For(engine);
        var walks = new List<Walk>();

        // 1. Register a call: the operator keys in the caller and the problem.
        var op = await browser.SignInAsync(app, Persona.CentreOperator);
        var register = await new Walk(op, "Register a call (operator)").StartAsync("/office/register");
        await register.TypeAsync(op.GetByLabel("Фамилия", new() { Exact = true }), "Кузнецова");
        await register.TypeAsync(op.GetByLabel("Имя", new() { Exact = true }), "Ольга");
        await register.TypeAsync(op.GetByLabel("Телефон", new() { Exact = true }), "+7 912 600-11-22");
        await register.SelectAsync(op.GetByLabel("Тип обращения"), new() { Label = "Проблема" });
        await register.SelectAsync(op.GetByLabel("Категория", new() { Exact = true }), new() { Label = "Городское благоустройство" });
        await register.SelectAsync(op.GetByLabel("Тема", new() { Exact = true }), new() { Label = "Ямы на дорогах" });
        await register.TypeAsync(op.GetByLabel("Адрес места"), "ул. Мира, 12");
        await register.TypeAsync(op.GetByLabel("Текст обращения"), "Звонок: у въезда во двор дома 12 по ул. Мира провал асфальта глубиной около 20 см.");
        await register.ClickAsync(op.GetByRole(AriaRole.Button, new() { Name = "Зарегистрировать", Exact = true }));
        await Assertions.Expect(op.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Обращение принято");
        register.Stop();
        walks.Add(register);

        // 2. Moderate: with the mouse, then from the keyboard.
        var first = await app.AppealInAsync(AppealStatus.Moderation);
        var second = await app.AppealInAsync(AppealStatus.Moderation);
        var mod = await browser.SignInAsync(app, Persona.CentreModerator);
        var moderate = await new Walk(mod, "Moderate: accept and register (moderator, mouse)").StartAsync("/office/moderation");
        await moderate.ClickAsync(mod.GetByRole(AriaRole.Link, new() { Name = first.Number, Exact = true }));
        await moderate.ClickAsync(mod.GetByRole(AriaRole.Button, new() { Name = "Зарегистрировать", Exact = true }));
        await Assertions.Expect(mod.GetByRole(AriaRole.Status)).ToContainTextAsync($"Обращение {first.Number} зарегистрировано");
        moderate.Stop();
        walks.Add(moderate);

        var moderateKeys = await new Walk(mod, "Moderate: accept and register (moderator, keyboard)").StartAsync("/office/moderation");
        await moderateKeys.PressAsync(Enumerable.Repeat("j", await RowOfAsync(mod, second.Number) + 1).ToArray());
        await Assertions.Expect(mod.Locator("tr.kb-current")).ToContainTextAsync(second.Number);
        await moderateKeys.PressAsync("Enter");
        await mod.WaitForURLAsync($"**/office/moderation/{second.Id}");
        await moderateKeys.PressAsync("a");
        await Assertions.Expect(mod.Locator("#accept-org")).ToBeFocusedAsync();
        await moderateKeys.PressAsync("Control+Enter");
        await Assertions.Expect(mod.GetByRole(AriaRole.Status)).ToContainTextAsync($"Обращение {second.Number} зарегистрировано");
        moderateKeys.Stop();
        walks.Add(moderateKeys);

        // 3. Assign: the dispatcher picks the specialist beside the appeal.
        var registered = await app.GetAsync(first.Id);
        var dispatcher = await browser.SignInAsync(app, Persona.MunADispatcher);
        var assign = await new Walk(dispatcher, "Assign (dispatcher)").StartAsync("/office/dispatch");
        var select = dispatcher.Locator($"#person-{registered.Number}");
        await assign.SelectAsync(select, new() { Value = app.Region.IdOf(Persona.MunAExecutor).ToString() });
        await assign.ClickAsync(dispatcher.Locator("tr", new() { Has = select }).GetByRole(AriaRole.Button, new() { Name = "Назначить" }));
        await Assertions.Expect(dispatcher.GetByRole(AriaRole.Status)).ToContainTextAsync($"Обращение {registered.Number} назначено");
        assign.Stop();
        walks.Add(assign);

        // 4. Answer: the executor opens the appeal, takes it into work, writes and sends the answer.
        var executor = await browser.SignInAsync(app, Persona.MunAExecutor);
        var answer = await new Walk(executor, "Answer: start, write, send (executor)").StartAsync("/office/my");
        await answer.ClickAsync(executor.GetByRole(AriaRole.Link, new() { Name = registered.Number, Exact = true }));
        await answer.ClickAsync(executor.GetByRole(AriaRole.Button, new() { Name = "Взять в работу" }));
        await Assertions.Expect(executor.GetByRole(AriaRole.Status)).ToContainTextAsync("Обращение взято в работу");
        await answer.TypeAsync(executor.GetByLabel("Текст ответа"), "Яма будет заделана до 1 декабря: работы включены в план ямочного ремонта.");
        await answer.SelectAsync(executor.GetByLabel("Результат рассмотрения"), new() { Value = "SupportedMeasuresTaken" });
        await answer.ClickAsync(executor.GetByRole(AriaRole.Button, new() { Name = "Отправить ответ" }));
        await Assertions.Expect(executor.GetByRole(AriaRole.Status)).ToContainTextAsync("Ответ");
        answer.Stop();
        walks.Add(answer);

        // 5. Approve: the controller, with the mouse; then another answer from the keyboard.
        var controller = await browser.SignInAsync(app, Persona.MunAController);
        var approve = await new Walk(controller, "Approve the answer (controller, mouse)").StartAsync("/office/control");
        await approve.ClickAsync(controller.GetByRole(AriaRole.Link, new() { Name = registered.Number, Exact = true }));
        await approve.ClickAsync(controller.GetByRole(AriaRole.Button, new() { Name = "Утвердить и направить заявителю" }));
        await Assertions.Expect(controller.GetByRole(AriaRole.Status)).ToContainTextAsync("Ответ утверждён и направлен заявителю");
        approve.Stop();
        walks.Add(approve);

        var review = await app.AppealInAsync(AppealStatus.AnswerReview);
        var approveKeys = await new Walk(controller, "Approve the answer (controller, keyboard)").StartAsync("/office/control");
        await approveKeys.PressAsync(Enumerable.Repeat("j", await RowOfAsync(controller, review.Number) + 1).ToArray());
        await Assertions.Expect(controller.Locator("tr.kb-current")).ToContainTextAsync(review.Number);
        await approveKeys.PressAsync("Enter");
        await controller.WaitForURLAsync($"**/office/appeals/{review.Id}");
        await approveKeys.PressAsync("a");
        await Assertions.Expect(controller.GetByRole(AriaRole.Button, new() { Name = "Утвердить и направить заявителю" })).ToBeFocusedAsync();
        await approveKeys.PressAsync("Enter");
        await Assertions.Expect(controller.GetByRole(AriaRole.Status)).ToContainTextAsync("Ответ утверждён и направлен заявителю");
        approveKeys.Stop();
        walks.Add(approveKeys);
        await Browser.ShotAsync(controller, app, "98-office-tasks-approved-from-the-keyboard");

        var table = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Office tasks in headless Chromium, {engine}, 1280×900, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC")
            .AppendLine()
            .AppendLine("| Task | Clicks | Fields typed | Shortcut keys | Seconds |")
            .AppendLine("|---|---|---|---|---|");
        foreach (var w in walks) table.AppendLine(w.Row());
        output.WriteLine(table.ToString());
        var artifacts = Path.GetDirectoryName(Browser.Screenshots)!;
        Directory.CreateDirectory(artifacts);
        await File.WriteAllTextAsync(Path.Combine(artifacts, $"office-tasks-{engine.ToString().ToLowerInvariant()}.md"), table.ToString());

        // What the office promises: each daily task in at most two clicks beyond its typing, none needing the mouse.
        Assert.All(walks.Where(w => w.Task.Contains("keyboard", StringComparison.Ordinal)), w => Assert.Equal(0, w.Clicks));
        Assert.All(walks.Where(w => w.Task.Contains("mouse", StringComparison.Ordinal)), w => Assert.True(w.Clicks <= 2, $"{w.Task}: {w.Clicks} clicks"));
    }
}
