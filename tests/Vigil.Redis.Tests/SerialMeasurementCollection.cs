using Xunit;

namespace Vigil.Redis.Tests;

/// <summary>
/// Tests that measure this process's own CPU use: they run alone, after the parallel collections, because process CPU
/// time counts every test running next to them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialMeasurementCollection
{
    /// <summary>The collection name.</summary>
    public const string Name = "serial measurements";
}
