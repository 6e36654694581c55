using Vigil.Cli.Commands;

return await VigilCli.RunAsync(args).ConfigureAwait(false);
