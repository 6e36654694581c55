namespace Vigil.Cli.Commands;

/// <summary>A runtime failure with a message for a person: printed as one line on stderr, exit code 1, no stack trace.</summary>
internal sealed class CliFailureException : Exception
{
    public CliFailureException()
    {
    }

    public CliFailureException(string message)
        : base(message)
    {
    }

    public CliFailureException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
