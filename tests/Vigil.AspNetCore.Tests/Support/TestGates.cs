using System.Collections.Concurrent;

namespace Vigil.AspNetCore.Tests.Support;

/// <summary>Named gates a test handler waits on, so a test decides when a handler moves on (no sleeps).</summary>
public sealed class TestGates
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new(StringComparer.Ordinal);

    public Task WaitAsync(string name, CancellationToken cancellationToken) => Get(name).Task.WaitAsync(cancellationToken);

    public void Release(string name) => Get(name).TrySetResult();

    public bool IsReleased(string name) => Get(name).Task.IsCompleted;

    private TaskCompletionSource Get(string name) =>
        _gates.GetOrAdd(name, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
