using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using PanGym.Cli.Commands;
using PanGym.DependencyInjection;
using PanGym.Envs;

using var services = new ServiceCollection()
    .AddPanGym(pan => pan.AddGroundTruthEnvironments())
    .BuildServiceProvider();

var root = new RootCommand("pangym: a PAN-style world model as a Gym environment; train it, plan with it, measure it.");
root.Subcommands.Add(EnvsCommand.Create(services));
root.Subcommands.Add(TorchCommand.Create());
return CliErrors.Invoke(root, args);
