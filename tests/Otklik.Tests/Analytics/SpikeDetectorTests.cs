using Otklik.Features.Analytics;

namespace Otklik.Tests.Analytics;

/// <summary>The spike detector's decision on hand-made series: a weekday pattern, a quiet week, a planted spike.</summary>
public sealed class SpikeDetectorTests
{
    static readonly DateOnly Tuesday = new(2026, 12, 8);

    /// <summary>Eight weeks and a bit of history: Mondays 6 appeals, every other day 2 — ending on <paramref name="last"/>.</summary>
    static Dictionary<DateOnly, int> Usual(DateOnly last)
    {
        var d = new Dictionary<DateOnly, int>();
        for (var day = last.AddDays(-70); day <= last; day = day.AddDays(1)) d[day] = day.DayOfWeek == DayOfWeek.Monday ? 6 : 2;
        return d;
    }

    [Fact]
    public void The_thresholds_are_the_poisson_tails_at_one_in_a_thousand()
    {
        // λ = 2: P(X ≥ 8) = 0.0011 > 0.001, P(X ≥ 9) = 0.00024 — the threshold is 9.
        Assert.Equal(9, Spikes.Threshold(2));
        Assert.InRange(Spikes.Tail(2, 8), 0.0010, 0.0012);
        Assert.InRange(Spikes.Tail(2, 9), 0.00023, 0.00025);
        // λ = 18 (a week of this series): P(X ≥ 33) ≤ 0.001 < P(X ≥ 32).
        Assert.Equal(33, Spikes.Threshold(18));
    }

    [Fact]
    public void A_busy_series_gets_its_threshold_too_where_e_to_the_minus_lambda_underflows()
    {
        // A topic with a thousand appeals a week (λ past 745: e^−λ is 0 in doubles). The Poisson tail at 1 in 1,000 sits
        // about 3.09 standard deviations (√λ) above the mean; the walk once never ended here.
        Assert.InRange(Spikes.Threshold(1000), 1000 + 3.0 * Math.Sqrt(1000), 1000 + 3.25 * Math.Sqrt(1000));
        Assert.InRange(Spikes.Threshold(50_000), 50_000 + 3.0 * Math.Sqrt(50_000), 50_000 + 3.2 * Math.Sqrt(50_000));
        Assert.InRange(Spikes.Tail(1000, 1100), 0.0005, 0.0015);
        Assert.Equal(1, Spikes.Tail(1000, 0));
        Assert.InRange(Spikes.Tail(1000, 900), 0.99, 1.0);
    }

    [Fact]
    public void A_quiet_week_with_its_busy_monday_does_not_alarm()
    {
        // Monday's 6 would look high against the days around it; against the Mondays before it is usual.
        Assert.Empty(Spikes.Judge(Usual(Tuesday.AddDays(-1)), Tuesday.AddDays(-1)));
        Assert.Empty(Spikes.Judge(Usual(Tuesday), Tuesday));
        // Anything up to the threshold is still quiet: 8 on a Tuesday.
        var eight = Usual(Tuesday);
        eight[Tuesday] = 8;
        Assert.Empty(Spikes.Judge(eight, Tuesday));
    }

    [Fact]
    public void A_planted_spike_alarms_for_the_day_and_the_week()
    {
        var series = Usual(Tuesday);
        series[Tuesday] = 20;
        var alarms = Spikes.Judge(series, Tuesday).ToList();
        var day = alarms.Single(a => a.Window == SpikeWindow.Day);
        Assert.Equal((20, 2.0, 9), (day.Count, day.Baseline, day.Threshold));
        // The week: 6 + 2·5 + 20 = 36 against 18 a week, threshold 33.
        var week = alarms.Single(a => a.Window == SpikeWindow.Week);
        Assert.Equal((36, 18.0, 33), (week.Count, week.Baseline, week.Threshold));
    }

    [Fact]
    public void A_new_series_needs_at_least_five_appeals_to_alarm()
    {
        var fresh = new Dictionary<DateOnly, int> { [Tuesday] = 4 };
        Assert.Empty(Spikes.Judge(fresh, Tuesday));
        fresh[Tuesday] = 5;
        Assert.Equal(2, Spikes.Judge(fresh, Tuesday).Count()); // the day and the week, both from a baseline of 0.5
    }
}
