namespace Vigil.Cli.Commands;

/// <summary>A user error found while a command runs: printed as one line on stderr, exit code 2, no stack trace.</summary>
internal sealed class CliUsageException : Exception
{
    public CliUsageException()
    {
    }

    public CliUsageException(string message)
        : base(message)
    {
    }

    public CliUsageException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
