using Microsoft.Extensions.Options;

namespace Vigil.Alerts;

/// <summary>Checks <see cref="AlertOptions"/> at start-up and reports every problem at once.</summary>
internal sealed class AlertOptionsValidator : IValidateOptions<AlertOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertOptions options)
    {
        var errors = new List<string>();
        if (options.WebhookUrl is { } url && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
        {
            errors.Add($"Vigil:Alerts:WebhookUrl '{url}' is not an absolute http or https URL: use one such as https://hooks.example.com/vigil.");
        }

        if (options.Cooldown < TimeSpan.Zero)
        {
            errors.Add($"Vigil:Alerts:Cooldown is {options.Cooldown}: use zero (no cool-down) or a positive time.");
        }

        if (options.ConfirmAfter < TimeSpan.Zero)
        {
            errors.Add($"Vigil:Alerts:ConfirmAfter is {options.ConfirmAfter}: use zero (announce at once) or a positive time.");
        }

        if (options.WebhookTimeout <= TimeSpan.Zero)
        {
            errors.Add($"Vigil:Alerts:WebhookTimeout is {options.WebhookTimeout}: use a positive time such as 00:00:05.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
