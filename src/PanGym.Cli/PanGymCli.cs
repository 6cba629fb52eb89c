using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using PanGym.Cli.Commands;
using PanGym.DependencyInjection;
using PanGym.Envs;

namespace PanGym.Cli;

/// <summary>The <c>pangym</c> command line: its services and its command tree.</summary>
internal static class PanGymCli
{
    /// <summary>Runs the command line on <paramref name="args"/> and returns the exit code (2 for an input error).</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="configure">Registers more environments beside the built-in ones (a host of the command line, or a test).</param>
    public static int Run(string[] args, Action<PanGymBuilder>? configure = null)
    {
        using var services = new ServiceCollection()
            .AddPanGym(pan =>
            {
                pan.AddGroundTruthEnvironments();
                configure?.Invoke(pan);
            })
            .BuildServiceProvider();
        var root = new RootCommand("pangym: a PAN-style world model as a Gym environment; train it, plan with it, measure it.");
        root.Options.Add(CliErrors.VerboseOption());
        root.Subcommands.Add(DemoCommand.Create(services));
        root.Subcommands.Add(EnvsCommand.Create(services));
        root.Subcommands.Add(LmCommand.Create());
        root.Subcommands.Add(ModelCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(TorchCommand.Create());
        root.Subcommands.Add(TrainCommand.Create(services));
        root.Subcommands.Add(EvalCommand.Create(services));
        root.Subcommands.Add(RolloutCommand.Create(services));
        root.Subcommands.Add(DataCommand.Create());
        root.Subcommands.Add(PlanCommand.Create(services));
        return CliErrors.Invoke(root, args);
    }
}
