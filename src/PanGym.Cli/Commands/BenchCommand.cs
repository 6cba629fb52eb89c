using System.CommandLine;

namespace PanGym.Cli.Commands;

/// <summary>
/// <c>pangym bench</c>: the performance measurements. On its own it measures the world model (<see cref="WorldModelBenchmark"/>:
/// per-step costs, batched imagination, planner decisions); <c>bench lm</c> measures the backbone alone; <c>bench train</c>
/// data-parallel training over MPI.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Measure the world model's per-step costs, batched imagination and planner speed on this machine (bench lm: the backbone alone; bench train: data-parallel training).");
        WorldModelBenchmark.AddTo(command);
        command.Subcommands.Add(LmBenchmark.CreateCommand());
        command.Subcommands.Add(TrainBenchmark.CreateCommand());
        return command;
    }
}
