namespace Vigil.AspNetCore.Tests.Support;

/// <summary>The payload of the test handlers: an optional gate to wait on and a text to echo.</summary>
public sealed record TestPayload(string? Gate = null, string? Text = null, string? Group = null);

/// <summary>The result of the test handlers.</summary>
public sealed record TestResult(string? Echo, int Attempt);
