namespace Vigil.Client;

/// <summary>A payload is larger than <see cref="VigilOptions.MaxPayloadBytes"/>; nothing was stored.</summary>
public sealed class PayloadTooLargeException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public PayloadTooLargeException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message, naming the size and the limit.</param>
    public PayloadTooLargeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public PayloadTooLargeException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a payload of <paramref name="size"/> bytes over <paramref name="limit"/>.</summary>
    /// <param name="type">The task type.</param>
    /// <param name="size">The payload size in bytes (UTF-8).</param>
    /// <param name="limit">The limit in bytes.</param>
    public PayloadTooLargeException(string type, long size, long limit)
        : base($"Payload of task type '{type}' is {size} bytes, over the limit of {limit} bytes (VigilOptions.MaxPayloadBytes): store large data elsewhere and pass a reference, or raise the limit.")
    {
        Size = size;
        Limit = limit;
    }

    /// <summary>The payload size in bytes.</summary>
    public long Size { get; }

    /// <summary>The limit in bytes.</summary>
    public long Limit { get; }
}
