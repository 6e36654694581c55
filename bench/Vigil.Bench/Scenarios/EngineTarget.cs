using Vigil.Bench.Infrastructure;

namespace Vigil.Bench.Scenarios;

/// <summary>A storage engine under test, able to give each step a fresh, empty store.</summary>
internal abstract class EngineTarget
{
    /// <summary>The engine's name: <c>sqlite</c> or <c>redis</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The name shown in the table.</summary>
    public abstract string Display { get; }

    /// <summary>The storage server's process, whose CPU a drain also costs; <see langword="null"/> for an embedded engine.</summary>
    public virtual int? ServerPid => null;

    /// <summary>Starts counting the storage server's commands (Redis only).</summary>
    /// <returns>A task that completes when counting starts.</returns>
    public virtual Task ResetServerStatisticsAsync() => Task.CompletedTask;

    /// <summary>The storage server's commands since <see cref="ResetServerStatisticsAsync"/>, or <see langword="null"/>.</summary>
    /// <returns>Command name to calls and server microseconds.</returns>
    public virtual Task<Dictionary<string, (long Calls, long Micros)>?> ServerStatisticsAsync() =>
        Task.FromResult<Dictionary<string, (long Calls, long Micros)>?>(null);

    /// <summary>Empties (or replaces) the store and returns its storage text for <c>worker --storage</c>.</summary>
    /// <param name="step">A label for the step, used in file names.</param>
    /// <returns><c>sqlite:PATH</c> or <c>redis:HOST:PORT</c>.</returns>
    public abstract Task<string> FreshAsync(string step);
}

/// <summary>SQLite: a new database file in the run's temporary folder for every step; the previous one is deleted.</summary>
/// <param name="directory">The run's temporary folder.</param>
internal sealed class SqliteTarget(string directory) : EngineTarget
{
    private string? _previous;
    private int _counter;

    /// <inheritdoc/>
    public override string Name => "sqlite";

    /// <inheritdoc/>
    public override string Display => "Vigil SQLite";

    /// <inheritdoc/>
    public override Task<string> FreshAsync(string step)
    {
        if (_previous is not null)
        {
            foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
            {
                File.Delete(_previous + suffix);
            }
        }

        _counter++;
        _previous = Path.Combine(directory, $"{_counter:000}-{step}.db");
        return Task.FromResult("sqlite:" + _previous);
    }
}

/// <summary>Redis: the run's private server, flushed before every step.</summary>
/// <param name="server">The server.</param>
internal sealed class RedisTarget(RedisServer server) : EngineTarget
{
    /// <inheritdoc/>
    public override string Name => "redis";

    /// <inheritdoc/>
    public override string Display => "Vigil Redis";

    /// <inheritdoc/>
    public override int? ServerPid => server.Pid;

    /// <inheritdoc/>
    public override Task ResetServerStatisticsAsync() => server.ResetStatisticsAsync();

    /// <inheritdoc/>
    public override async Task<Dictionary<string, (long Calls, long Micros)>?> ServerStatisticsAsync() =>
        await server.CommandStatisticsAsync();

    /// <inheritdoc/>
    public override async Task<string> FreshAsync(string step)
    {
        await server.FlushAsync();
        return "redis:" + server.EndPoint;
    }
}
