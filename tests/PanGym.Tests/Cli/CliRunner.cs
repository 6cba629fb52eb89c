using PanGym.Cli;

namespace PanGym.Tests.Cli;

/// <summary>Runs the <c>pangym</c> command line in-process and captures what it prints.</summary>
internal static class CliRunner
{
    static readonly Lock ConsoleLock = new();

    public static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        lock (ConsoleLock)
        {
            var (stdout, stderr) = (Console.Out, Console.Error);
            using var output = new StringWriter();
            using var error = new StringWriter();
            Console.SetOut(output);
            Console.SetError(error);
            try
            {
                int code = PanGymCli.Run(args);
                return (code, output.ToString(), error.ToString());
            }
            finally
            {
                Console.SetOut(stdout);
                Console.SetError(stderr);
            }
        }
    }
}
