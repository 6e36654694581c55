namespace Vigil.AspNetCore.Dashboard;

/// <summary>Checks the options given to <c>MapVigilDashboard</c> when it is called, and reports every problem at once.</summary>
internal static class VigilDashboardOptionsValidator
{
    public static void ThrowIfInvalid(string pattern, VigilDashboardOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrEmpty(pattern) || pattern[0] != '/' || pattern.Contains('{', StringComparison.Ordinal) || pattern.Contains('?', StringComparison.Ordinal))
        {
            failures.Add($"The dashboard pattern '{pattern}' is invalid: use a literal path that starts with '/', such as \"/vigil\".");
        }

        if (options.AuthorizationPolicy is { } policy && string.IsNullOrWhiteSpace(policy))
        {
            failures.Add("VigilDashboardOptions.AuthorizationPolicy is blank: name a policy, or leave it null to serve local requests only.");
        }

        if (string.IsNullOrWhiteSpace(options.Title))
        {
            failures.Add("VigilDashboardOptions.Title is blank: give the page a title, such as \"Vigil\".");
        }

        CheckPath(failures, nameof(options.HealthPath), options.HealthPath);
        CheckPath(failures, nameof(options.MetricsPath), options.MetricsPath);
        if (options.PollInterval < TimeSpan.FromMilliseconds(500) || options.PollInterval > TimeSpan.FromSeconds(60))
        {
            failures.Add($"VigilDashboardOptions.PollInterval is {options.PollInterval}: use a value from 00:00:00.5 to 00:01:00.");
        }

        if (failures.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, failures), nameof(options));
        }
    }

    private static void CheckPath(List<string> failures, string name, string? path)
    {
        if (path is not null && (path.Length == 0 || path[0] != '/'))
        {
            failures.Add($"VigilDashboardOptions.{name} is '{path}': use an application path that starts with '/', or null for none.");
        }
    }
}
