namespace Vigil.Cli.Commands;

/// <summary>
/// The exit codes of <c>vigil</c>. A worker process may also exit with the core's worker codes (recycle: 75), which pass
/// through unchanged so a supervisor can tell them apart.
/// </summary>
internal static class CliExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>
    /// A runtime failure: the storage could not be reached, the operation was refused (retrying a task that is not dead),
    /// the server could not listen, or an unexpected error.
    /// </summary>
    public const int Failure = 1;

    /// <summary>
    /// A usage error: a bad argument or input (unknown storage scheme, malformed JSON, bad name or duration), a database
    /// path that cannot be created, a file that is not a Vigil database, or an unknown task id.
    /// </summary>
    public const int Usage = 2;
}
