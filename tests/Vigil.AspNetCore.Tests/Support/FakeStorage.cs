using System.Reflection;
using Vigil.Realtime;
using Vigil.Storage;
using Vigil.Tasks;

namespace Vigil.AspNetCore.Tests.Support;

/// <summary>
/// A hand-written fake of the few <see cref="IVigilStorage"/> members the relay uses, with switches per call; any other
/// member throws, so a test notices an unexpected dependency.
/// </summary>
public class FakeStorage : DispatchProxy
{
    public Func<string?, int, ValueTask<EventBatch>> ReadEvents { get; set; } =
        (cursor, _) => ValueTask.FromResult(new EventBatch([], cursor ?? "0"));

    public Func<string, ValueTask<TaskRecord?>> GetTask { get; set; } = _ => ValueTask.FromResult<TaskRecord?>(null);

    public static (IVigilStorage Storage, FakeStorage Fake) Create()
    {
        var storage = Create<IVigilStorage, FakeStorage>();
        return (storage, (FakeStorage)(object)storage);
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod!.Name switch
    {
        "get_EngineName" => "fake",
        "get_Location" => "fake://",
        nameof(IVigilStorage.ReadEventsAsync) => ReadEvents((string?)args![0], (int)args[1]!),
        nameof(IVigilStorage.GetTaskAsync) => GetTask((string)args![0]!),
        _ => throw new NotSupportedException($"The fake storage does not implement {targetMethod.Name}."),
    };
}
