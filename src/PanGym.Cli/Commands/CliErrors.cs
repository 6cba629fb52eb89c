using System.CommandLine;
using PanGym.Gym;
using PanGym.Media;
using PanGym.Training.Distributed;

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
        catch (RankFailedException e)
        {
            if (e.ReportedHere) Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (Exception e) when (DistributedJob.Ranks > 1)
        {
            DistributedJob.Abort(e, IsUserError(e));
            throw;
        }
        catch (Exception e) when (IsUserError(e))
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        finally
        {
            DistributedJob.Leave();
        }
    }

    static bool IsUserError(Exception e) => e is ArgumentException or IOException or KeyNotFoundException or InvalidDataException
        or FFmpegNotFoundException or MpiNotFoundException or ResetNeededException or UnauthorizedAccessException or FormatException;
}
