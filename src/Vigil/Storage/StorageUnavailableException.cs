namespace Vigil.Storage;

/// <summary>
/// The storage cannot be reached or did not answer in time. Nothing was stored by the call that threw it
/// (an enqueue that throws it was not acknowledged).
/// </summary>
public sealed class StorageUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StorageUnavailableException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was tried, against what, and why it failed.</param>
    public StorageUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was tried, against what, and why it failed.</param>
    /// <param name="innerException">The engine's exception.</param>
    public StorageUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
