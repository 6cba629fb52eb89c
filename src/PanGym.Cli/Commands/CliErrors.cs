using System.CommandLine;
using PanGym.Gym;
using PanGym.Media;
using PanGym.Training;
using PanGym.Training.Distributed;

namespace PanGym.Cli.Commands;

/// <summary>
/// Runs the command line and turns every exception into one line on stderr: exit code 2 for an error the user can fix
/// (bad input, a file that cannot be read or written), 1 for anything else. The line is escaped and capped, so neither
/// a huge argument nor a file's binary content is echoed whole; the stack trace is printed only with <c>--verbose</c>
/// or <c>PANGYM_VERBOSE=1</c>. Response files (<c>@file</c> arguments) are off: an argument starting with <c>@</c> is
/// taken as it is.
/// </summary>
internal static class CliErrors
{
    /// <summary>The option that prints the stack trace behind an error.</summary>
    public const string VerboseOptionName = "--verbose";

    /// <summary>The environment variable that does what <see cref="VerboseOptionName"/> does.</summary>
    public const string VerboseVariable = "PANGYM_VERBOSE";

    /// <summary>The longest error line printed, in characters of the message.</summary>
    public const int MaxMessageLength = 1000;

    /// <summary>The recursive <c>--verbose</c> option, for the root command.</summary>
    public static Option<bool> VerboseOption() => new(VerboseOptionName)
    {
        Description = $"On an error, print the stack trace too (or set {VerboseVariable}=1).",
        Recursive = true,
    };

    public static int Invoke(RootCommand root, string[] args)
    {
        try
        {
            var parsing = new ParserConfiguration { ResponseFileTokenReplacer = null };
            return root.Parse(args, parsing).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (RankFailedException e)
        {
            if (e.ReportedHere) Console.Error.WriteLine($"error: {OneLine(e.Message)}");
            return 2;
        }
        catch (Exception e) when (DistributedJob.Ranks > 1)
        {
            DistributedJob.Abort(e, IsUserError(e));
            throw;
        }
        catch (Exception e)
        {
            bool user = IsUserError(e);
            string hint = Verbose(args) ? "" : $" (run with {VerboseOptionName} for the stack trace)";
            Console.Error.WriteLine(user ? $"error: {OneLine(e.Message)}" : $"error: {e.GetType().Name}: {OneLine(e.Message)}{hint}");
            if (Verbose(args)) Console.Error.WriteLine(e.ToString());
            return user ? 2 : 1;
        }
        finally
        {
            DistributedJob.Leave();
        }
    }

    /// <summary><paramref name="message"/> on one line: its lines joined by spaces, control characters escaped, capped at <see cref="MaxMessageLength"/>.</summary>
    public static string OneLine(string message) =>
        DisplayText.Escape(string.Join(" ", message.Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0)), MaxMessageLength);

    static bool Verbose(string[] args) => args.Contains(VerboseOptionName)
        || Environment.GetEnvironmentVariable(VerboseVariable) is "1" or "true";

    static bool IsUserError(Exception e) => e is ArgumentException or IOException or KeyNotFoundException or InvalidDataException
        or FFmpegNotFoundException or MpiNotFoundException or ResetNeededException or UnauthorizedAccessException or FormatException
        or TrainingDivergedException;
}
