namespace Vigil.AspNetCore.Health;

/// <summary>
/// Options of the small health server a worker process runs beside its worker (<c>vigil worker --health-urls</c>), so a
/// container orchestrator can probe it and restart a zombie.
/// </summary>
public sealed class VigilHealthServerOptions
{
    /// <summary>
    /// The URLs to listen on, such as <c>http://127.0.0.1:8081</c> or <c>http://0.0.0.0:8081</c> in a container. Empty (the
    /// default) serves nothing.
    /// </summary>
    public IList<string> Urls { get; } = [];

    /// <summary>The base path of the health endpoints. Default <c>/health</c>.</summary>
    public string Path { get; set; } = "/health";
}
