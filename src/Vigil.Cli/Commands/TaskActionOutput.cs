using System.CommandLine;
using Vigil.Cli.Output;

namespace Vigil.Cli.Commands;

/// <summary>The output of retry, cancel and delete: one sentence, or <c>{ id, outcome }</c> with <c>--json</c>.</summary>
internal static class TaskActionOutput
{
    public static void Write(ParseResult parse, string id, string outcome, string sentence)
    {
        if (parse.GetValue(CommonOptions.Json))
        {
            CliOutput.WriteJson(new { id, outcome });
        }
        else
        {
            CliOutput.WriteLine(sentence);
        }
    }
}
