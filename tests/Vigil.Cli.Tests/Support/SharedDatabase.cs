using Vigil.Sqlite;
using Vigil.Storage;
using Vigil.Tasks;
using Vigil.Workers;

namespace Vigil.Cli.Tests.Support;

/// <summary>The test's own view of the SQLite file that the CLI processes share, through the real SQLite engine.</summary>
public sealed class SharedDatabase : IAsyncDisposable
{
    private SharedDatabase(string path, IVigilStorage storage)
    {
        Path = path;
        Storage = storage;
    }

    public string Path { get; }

    public string StorageArgument => "sqlite:" + Path;

    public IVigilStorage Storage { get; }

    public static async Task<SharedDatabase> CreateAsync(string path)
    {
        var storage = SqliteStorage.Create(new SqliteStorageOptions { Path = path });
        await storage.InitializeAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        return new SharedDatabase(path, storage);
    }

    // Counts and lists filter by type too: the workers' sentinel sends its own probe tasks through every queue.
    public async Task<long> CountAsync(string queue, string type, TaskState state) =>
        (await Storage.ListTasksAsync(new TaskQuery { Queue = queue, Type = type, State = state, Limit = 1 }, CancellationToken.None)).Total;

    public async Task<List<TaskRecord>> ListAllAsync(string queue, string type)
    {
        var all = new List<TaskRecord>();
        for (var offset = 0; ; offset += 1000)
        {
            var page = await Storage.ListTasksAsync(new TaskQuery { Queue = queue, Type = type, Offset = offset, Limit = 1000 }, CancellationToken.None);
            all.AddRange(page.Tasks);
            if (page.Tasks.Count < 1000)
            {
                return all;
            }
        }
    }

    public async Task<TaskRecord> GetAsync(string id) =>
        await Storage.GetTaskAsync(id, CancellationToken.None) ?? throw new InvalidOperationException($"Task {id} is missing.");

    /// <summary>Waits until a worker of this process id has written its heartbeat; returns its record.</summary>
    public Task<WorkerHeartbeat> WaitForWorkerAsync(int processId, TimeSpan timeout) =>
        Poll.UntilAsync(
            async () => (await Storage.GetWorkersAsync(CancellationToken.None)).FirstOrDefault(w => w.ProcessId == processId),
            w => w is not null,
            timeout,
            $"the worker of process {processId} to register")!;

    public async ValueTask DisposeAsync()
    {
        switch (Storage)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }
}
