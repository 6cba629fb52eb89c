using System.CommandLine;

namespace PanGym.Cli.Commands;

/// <summary><c>pangym bench</c>: the performance measurements, one subcommand per part (<c>lm</c> for the backbone).</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Measure the speed of PanGym's parts on this machine.");
        command.Subcommands.Add(LmBenchmark.CreateCommand());
        return command;
    }
}
