namespace Vigil.Recovery;

/// <summary>
/// The recovery ladder's sequencing, pure (the time is passed in): given whether the worker is stuck now, which step to
/// take. A step is taken only when the one before it did not make the worker consume again within the step timeout; a
/// worker that consumes again climbs down to the start.
/// </summary>
internal sealed class RecoveryLadder
{
    private RecoveryStep _current = RecoveryStep.None;
    private DateTimeOffset _stepAt;

    /// <summary>The last step taken (<see cref="RecoveryStep.None"/> when not climbing).</summary>
    public RecoveryStep Current => _current;

    /// <summary>Decides the step for this observation.</summary>
    /// <param name="stuck">Whether the worker is stuck now.</param>
    /// <param name="now">The time.</param>
    /// <param name="stepTimeout">How long a step may take to help.</param>
    /// <returns>The step to take now.</returns>
    public RecoveryStep Observe(bool stuck, DateTimeOffset now, TimeSpan stepTimeout)
    {
        if (!stuck)
        {
            if (_current is RecoveryStep.None or RecoveryStep.Recycle)
            {
                // Once the recycle is asked the process is on its way out: a late recovery does not call it back.
                return RecoveryStep.None;
            }

            _current = RecoveryStep.None;
            return RecoveryStep.Recovered;
        }

        var next = _current switch
        {
            RecoveryStep.None => RecoveryStep.ResetConnection,
            RecoveryStep.ResetConnection when now - _stepAt >= stepTimeout => RecoveryStep.RestartLoops,
            RecoveryStep.RestartLoops when now - _stepAt >= stepTimeout => RecoveryStep.Recycle,
            _ => RecoveryStep.None,
        };

        if (next != RecoveryStep.None)
        {
            _current = next;
            _stepAt = now;
        }

        return next;
    }
}
