namespace Vigil.Observability.Tests.Support;

/// <summary>Polls for a condition with a deadline (never a fixed sleep to wait for something).</summary>
public static class Poll
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, string what, TimeSpan? every = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = default(T);
        Exception? lastError = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await read();
                lastError = null;
                if (done(last))
                {
                    return last;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                lastError = ex;
            }

            await Task.Delay(every ?? TimeSpan.FromMilliseconds(100));
        }

        Assert.Fail($"Timed out after {timeout} waiting for {what}. Last value: {last}{(lastError is null ? string.Empty : $"; last error: {lastError.Message}")}");
        return last!;
    }

    public static Task UntilAsync(Func<bool> done, TimeSpan timeout, string what) =>
        UntilAsync(() => Task.FromResult(done()), d => d, timeout, what);
}
