using Spectre.Console;

namespace PanGym.Cli.Commands;

/// <summary>The Spectre console that commands print tables and progress to.</summary>
internal static class CliConsole
{
    /// <summary>A console writing to <paramref name="output"/>, at least <paramref name="minimumWidth"/> columns wide so tables do not wrap when redirected.</summary>
    public static IAnsiConsole Create(TextWriter output, int minimumWidth = 0)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        console.Profile.Width = Math.Max(console.Profile.Width, minimumWidth);
        return console;
    }
}
