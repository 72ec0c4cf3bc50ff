namespace Otklik.Features.Appeals;

/// <summary>
/// The one definition of «Ответов в срок», used by the office dashboard and the public /stats alike: of the appeals whose
/// answer was due — answered, or still open past the deadline — the share answered by the deadline, in per cent. An open
/// overdue appeal counts as late: otherwise the share would rise by not answering.
/// </summary>
public static class OnTimeShare
{
    /// <param name="answeredOnTime">answers sent by the answer deadline</param>
    /// <param name="answered">answers sent (and standing)</param>
    /// <param name="overdueOpen">appeals not yet answered whose deadline has passed (<see cref="DeadlineState.Overdue"/>)</param>
    public static double? Percent(int answeredOnTime, int answered, int overdueOpen) =>
        answered + overdueOpen == 0 ? null : Math.Round(100.0 * answeredOnTime / (answered + overdueOpen), 1);

    /// <summary>The same share as 0–1, unrounded (the ranking's c(в срок) weighs it with the other components).</summary>
    public static double? Share(int answeredOnTime, int answered, int overdueOpen) =>
        answered + overdueOpen == 0 ? null : (double)answeredOnTime / (answered + overdueOpen);
}
