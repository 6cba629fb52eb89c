using System.CommandLine;
using PanGym.Bench;

namespace PanGym.Cli.Commands;

/// <summary>
/// <c>pangym bench</c>: the bench tool's commands (<see cref="BenchCommands"/>, also installed as <c>pangym-bench</c>) under
/// the CLI's name, so that <c>pangym bench</c>, <c>pangym bench lm</c> and <c>pangym bench train</c> keep working.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Measure the world model's per-step costs, batched imagination and planner speed on this machine (bench lm: the backbone alone; bench train: data-parallel training).");
        BenchCommands.AddTo(command);
        return command;
    }
}
