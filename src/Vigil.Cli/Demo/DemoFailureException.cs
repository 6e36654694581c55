namespace Vigil.Cli.Demo;

/// <summary>The error of <c>demo.fail</c>: recorded in the task's timeline as <c>Vigil.Cli.Demo.DemoFailureException</c>.</summary>
internal sealed class DemoFailureException : Exception
{
    public DemoFailureException()
    {
    }

    public DemoFailureException(string message)
        : base(message)
    {
    }

    public DemoFailureException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
