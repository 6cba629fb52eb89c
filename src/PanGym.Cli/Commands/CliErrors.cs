using System.CommandLine;
using PanGym.Gym;
using PanGym.Media;

namespace PanGym.Cli.Commands;

/// <summary>Runs the command line and turns the errors a user can fix into one clear line on stderr and exit code 2.</summary>
internal static class CliErrors
{
    public static int Invoke(RootCommand root, string[] args)
    {
        try
        {
            return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (IsUserError(e))
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
    }

    static bool IsUserError(Exception e) => e is ArgumentException or IOException or KeyNotFoundException or InvalidDataException
        or FFmpegNotFoundException or ResetNeededException or UnauthorizedAccessException or FormatException;
}
