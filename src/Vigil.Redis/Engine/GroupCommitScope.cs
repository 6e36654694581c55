namespace Vigil.Redis.Engine;

/// <summary>
/// While a group commit answers its callers inline, the calls those callers make to another group commit are held
/// back until every caller was answered, then leave as one batch. A worker answered "completion stored" publishes its
/// <c>task.state</c> event at once: without this, the first event of a completed batch would go alone and the rest in a
/// second round trip; with it, the events of one completed batch share one.
/// </summary>
internal static class GroupCommitScope
{
    [ThreadStatic]
    private static int t_depth;

    [ThreadStatic]
    private static List<Action>? t_deferred;

    /// <summary>Whether this thread is answering a batch's callers now.</summary>
    public static bool Answering => t_depth > 0;

    /// <summary>Marks the start of answering a batch on this thread.</summary>
    public static void Enter() => t_depth++;

    /// <summary>Marks the end; the outermost end starts what was held back meanwhile.</summary>
    public static void Exit()
    {
        if (--t_depth > 0 || t_deferred is not { Count: > 0 } deferred)
        {
            return;
        }

        t_deferred = null;
        foreach (var start in deferred)
        {
            start();
        }
    }

    /// <summary>Holds back <paramref name="start"/> until this thread has answered every caller.</summary>
    /// <param name="start">Starts a group commit's sending loop.</param>
    public static void Defer(Action start) => (t_deferred ??= []).Add(start);
}
