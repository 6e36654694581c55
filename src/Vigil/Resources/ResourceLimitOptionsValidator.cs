using Microsoft.Extensions.Options;

namespace Vigil.Resources;

/// <summary>Checks <see cref="ResourceLimitOptions"/> at start-up and reports every problem at once.</summary>
internal sealed class ResourceLimitOptionsValidator : IValidateOptions<ResourceLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, ResourceLimitOptions options)
    {
        var errors = new List<string>();
        if (options.MaxWorkingSetBytes is < 16 * 1024 * 1024)
        {
            errors.Add($"Vigil:Resources:MaxWorkingSetBytes is {options.MaxWorkingSetBytes}: use at least 16 MiB (16777216), or leave it unset for no ceiling.");
        }

        if (options.MaxTasks is < 1)
        {
            errors.Add($"Vigil:Resources:MaxTasks is {options.MaxTasks}: use 1 or more, or leave it unset for no limit.");
        }

        if (options.CheckInterval <= TimeSpan.Zero)
        {
            errors.Add($"Vigil:Resources:CheckInterval is {options.CheckInterval}: use a positive time such as 00:00:01.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
