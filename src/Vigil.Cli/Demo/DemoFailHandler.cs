using Vigil.Handlers;

namespace Vigil.Cli.Demo;

/// <summary><c>demo.fail {"message":"..."}</c>: always throws, so the task retries with backoff and ends dead.</summary>
internal sealed class DemoFailHandler : ITaskHandler<FailPayload>
{
    public const string Type = "demo.fail";

    public ValueTask HandleAsync(FailPayload payload, TaskContext context) =>
        throw new DemoFailureException(string.IsNullOrEmpty(payload.Message) ? "demo.fail always fails." : payload.Message);
}
