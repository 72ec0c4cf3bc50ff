using Otklik.Features.Deadlines;

namespace Otklik.Tests.Deadlines;

/// <summary>The text form of a policy, as administrators write it.</summary>
public sealed class DeadlinePolicyParseTests
{
    public static TheoryData<string, DeadlinePolicy, bool> Policies => new()
    {
        { "calendar-days:30", new CalendarDaysPolicy(30), true },
        { "working-days:2", new WorkingDaysPolicy(2), true },
        { "working-hours:9", new WorkingHoursPolicy(9), false },
        { "hours:24", new HoursPolicy(24), false },
        { "same-day-cutoff:16:00", new SameDayCutoffPolicy(new TimeOnly(16, 0)), true },
        { "same-day-cutoff:09:30", new SameDayCutoffPolicy(new TimeOnly(9, 30)), true },
        { "calendar-days:3650", new CalendarDaysPolicy(3650), true },
    };

    [Theory, MemberData(nameof(Policies))]
    public void Parses_and_writes_back_the_same_text(string text, DeadlinePolicy expected, bool dateBased)
    {
        var policy = DeadlinePolicy.Parse(text);
        Assert.Equal(expected, policy);
        Assert.Equal(text, policy.ToString());
        Assert.Equal(dateBased, policy.IsDateBased);
        Assert.Equal(policy, DeadlinePolicy.Parse(policy.ToString()));

        Assert.True(DeadlinePolicy.TryParse(text, out var tried, out var error));
        Assert.Equal(expected, tried);
        Assert.Null(error);
    }

    [Fact]
    public void Spaces_and_case_are_forgiven_and_the_text_is_normalised()
    {
        var policy = DeadlinePolicy.Parse("  Working-Days : 02 ");
        Assert.Equal(new WorkingDaysPolicy(2), policy);
        Assert.Equal("working-days:2", policy.ToString());
    }

    [Theory]
    [InlineData("working-days", "должна иметь вид «вид:значение»")]
    [InlineData("", "должна иметь вид «вид:значение»")]
    [InlineData("weeks:2", "Неизвестный вид политики «weeks»")]
    // An unknown kind is named as such even when its value is also wrong.
    [InlineData("weeks:abc", "Неизвестный вид политики «weeks»")]
    [InlineData("working-days:0", "должно быть целым от 1 до 3650")]
    [InlineData("working-days:-1", "должно быть целым от 1 до 3650")]
    [InlineData("working-days:+1", "должно быть целым от 1 до 3650")]
    [InlineData("working-days:abc", "должно быть целым от 1 до 3650")]
    [InlineData("working-days:2.5", "должно быть целым от 1 до 3650")]
    [InlineData("hours:", "должно быть целым от 1 до 3650")]
    [InlineData("calendar-days:3651", "должно быть целым от 1 до 3650")]
    [InlineData("same-day-cutoff:25:00", "должно быть в виде ЧЧ:ММ")]
    [InlineData("same-day-cutoff:16", "должно быть в виде ЧЧ:ММ")]
    [InlineData("same-day-cutoff:четыре", "должно быть в виде ЧЧ:ММ")]
    public void A_malformed_policy_is_refused_in_Russian(string text, string fragment)
    {
        var error = Assert.Throws<FormatException>(() => DeadlinePolicy.Parse(text));
        Assert.Contains(fragment, error.Message);

        Assert.False(DeadlinePolicy.TryParse(text, out var policy, out var message));
        Assert.Null(policy);
        Assert.Equal(error.Message, message);
    }

    [Fact]
    public void No_text_is_no_policy()
    {
        Assert.False(DeadlinePolicy.TryParse(null, out var policy, out var message));
        Assert.Null(policy);
        Assert.Contains("вид:значение", message);
    }
}
