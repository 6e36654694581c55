using System.Text.Json;
using Vigil.Handlers;

namespace Vigil.Cli.Demo;

/// <summary><c>demo.noop</c>: does nothing and succeeds. Any payload.</summary>
internal sealed class DemoNoopHandler(DemoJournal journal) : ITaskHandler<JsonElement>
{
    public const string Type = "demo.noop";

    public ValueTask HandleAsync(JsonElement payload, TaskContext context)
    {
        journal.Record(context);
        return ValueTask.CompletedTask;
    }
}
