using Infra.Plan;

return await Cli.RunAsync(args, Console.Out, Console.Error, interactive: !Console.IsOutputRedirected);
