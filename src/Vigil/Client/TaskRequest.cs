namespace Vigil.Client;

/// <summary>One task of a batch for <see cref="IVigilClient.EnqueueBatchAsync"/>.</summary>
/// <param name="Type">The task type name.</param>
/// <param name="PayloadJson">The payload as JSON text.</param>
/// <param name="Options">Per-task options; <see langword="null"/> for the defaults.</param>
public sealed record TaskRequest(string Type, string PayloadJson, EnqueueOptions? Options = null);
