using Microsoft.Extensions.Options;

namespace Vigil.Recovery;

/// <summary>Checks <see cref="RecoveryOptions"/> at start-up and reports every problem at once.</summary>
internal sealed class RecoveryOptionsValidator : IValidateOptions<RecoveryOptions>
{
    public ValidateOptionsResult Validate(string? name, RecoveryOptions options)
    {
        var errors = new List<string>();
        if (options.CheckInterval <= TimeSpan.Zero)
        {
            errors.Add($"Vigil:Recovery:CheckInterval is {options.CheckInterval}: use a positive time such as 00:00:02.");
        }

        if (options.LoopStaleAfter <= options.CheckInterval)
        {
            errors.Add($"Vigil:Recovery:LoopStaleAfter ({options.LoopStaleAfter}) must be longer than CheckInterval ({options.CheckInterval}).");
        }

        if (options.StepTimeout <= options.CheckInterval)
        {
            errors.Add($"Vigil:Recovery:StepTimeout ({options.StepTimeout}) must be longer than CheckInterval ({options.CheckInterval}), or a step has no time to help.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
