using PanGym.Cli;
using PanGym.DependencyInjection;

namespace PanGym.Tests.Cli;

/// <summary>Runs the <c>pangym</c> command line in-process and captures what it prints.</summary>
internal static class CliRunner
{
    static readonly Lock ConsoleLock = new();

    public static (int ExitCode, string Output, string Error) Run(params string[] args) => RunWith(null, args);

    /// <summary>Runs it with more environments registered, as a host of the command line would.</summary>
    public static (int ExitCode, string Output, string Error) RunWith(Action<PanGymBuilder>? configure, params string[] args)
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
                int code = PanGymCli.Run(args, configure);
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
