namespace Vigil.Tasks;

/// <summary>What went wrong in one attempt of a task.</summary>
/// <param name="Type">The exception's type name, or a Vigil reason such as <c>Vigil.UnknownTaskType</c>.</param>
/// <param name="Message">A message for a person.</param>
/// <param name="StackTrace">The stack trace, when there is one.</param>
public sealed record TaskError(string Type, string Message, string? StackTrace = null)
{
    /// <summary>Builds an error from an exception.</summary>
    /// <param name="exception">The exception.</param>
    /// <returns>The error.</returns>
    public static TaskError FromException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new TaskError(exception.GetType().FullName ?? exception.GetType().Name, exception.Message, exception.ToString());
    }
}
