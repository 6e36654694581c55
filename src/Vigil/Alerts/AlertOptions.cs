namespace Vigil.Alerts;

/// <summary>
/// Options of alerts: the elected sentinel announces every state change of a worker, a queue or the storage as a structured
/// log event, a <c>alert</c> event on the storage's event feed (the dashboard shows it), and optionally a JSON POST to a
/// webhook. Bound from the <c>Vigil:Alerts</c> configuration section.
/// </summary>
public sealed class AlertOptions
{
    /// <summary>
    /// The webhook that receives a JSON POST (<see cref="VigilAlert"/>) on every announced change; <see langword="null"/>
    /// for none. Default none.
    /// </summary>
    public Uri? WebhookUrl { get; set; }

    /// <summary>
    /// The least time between two announcements about one component. A change within it is held back, and announced when it
    /// ends if the component is still in the changed state — so a flapping check does not flood anyone, and the last word
    /// (a recovery too) is always announced. Default 1 minute.
    /// </summary>
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a new state must hold, observed on every check, before it is announced: a blip shorter than this (a queue
    /// that is "behind" for the instant between a worker starting and its first probe) is not news. Default 3 s.
    /// </summary>
    public TimeSpan ConfirmAfter { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long one webhook POST may take. Default 5 s.</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
