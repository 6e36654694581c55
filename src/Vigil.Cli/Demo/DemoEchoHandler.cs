using System.Text.Json;
using Vigil.Handlers;

namespace Vigil.Cli.Demo;

/// <summary><c>demo.echo</c>: succeeds with its payload as the result.</summary>
internal sealed class DemoEchoHandler(DemoJournal journal) : ITaskHandler<JsonElement, JsonElement>
{
    public const string Type = "demo.echo";

    public ValueTask<JsonElement> HandleAsync(JsonElement payload, TaskContext context)
    {
        journal.Record(context);
        return ValueTask.FromResult(payload.Clone());
    }
}
