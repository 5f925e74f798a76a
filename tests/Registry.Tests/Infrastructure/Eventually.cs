namespace Registry.Tests.Infrastructure;

/// <summary>
/// The one way tests wait: poll a condition until it holds or <see cref="Deadline"/> passes. The deadline only costs
/// time when a test is failing, so it is generous (the machine has 2 cores shared with other builds); never replace a
/// wait for a condition by a fixed sleep. <c>REGISTRY_TEST_DEADLINE_SECONDS</c> overrides it.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable("REGISTRY_TEST_DEADLINE_SECONDS"), out var s) && s > 0 ? s : 60);

    /// <summary>Waits until <paramref name="condition"/> holds; fails the test naming <paramref name="what"/> otherwise.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, string what)
    {
        await ReturnsAsync(async () => await condition(), ok => ok, what);
    }

    public static Task HoldsAsync(Func<bool> condition, string what) => HoldsAsync(() => Task.FromResult(condition()), what);

    /// <summary>Polls <paramref name="probe"/> until <paramref name="accept"/> takes its value, and returns that value.</summary>
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> probe, Func<T, bool> accept, string what)
    {
        var deadline = DateTime.UtcNow + Deadline;
        var pause = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            var value = await probe();
            if (accept(value)) return value;
            if (DateTime.UtcNow > deadline) Assert.Fail($"Not within {Deadline.TotalSeconds:0} s: {what} (last seen: {Describe(value)})");
            await Task.Delay(pause);
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 250));
        }
    }

    private static string Describe<T>(T value) => value switch
    {
        null => "null",
        System.Collections.IEnumerable e and not string => "[" + string.Join(", ", e.Cast<object?>().Take(10)) + "]",
        _ => value.ToString() ?? "",
    };
}
