using System.CommandLine;
using PanGym.Cli.Commands;

var root = new RootCommand("pangym: a PAN-style world model as a Gym environment; train it, plan with it, measure it.");
root.Subcommands.Add(TorchCommand.Create());
root.Subcommands.Add(LmCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
return root.Parse(args).Invoke();
