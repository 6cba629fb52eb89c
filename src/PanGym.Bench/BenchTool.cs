using System.CommandLine;

namespace PanGym.Bench;

/// <summary>
/// <c>pangym-bench</c>, the benchmarks as a tool of their own (also reachable as <c>pangym bench</c>): the world model by
/// default, <c>lm</c> and <c>train</c> as subcommands. A refused input is one line on stderr and exit code 2.
/// </summary>
public static class BenchTool
{
    /// <summary>Runs the tool on <paramref name="args"/> and returns its exit code.</summary>
    public static int Run(string[] args)
    {
        var root = new RootCommand("pangym-bench: how fast PanGym's world model, backbone and distributed training run here, beside a matmul peak measured in the same run.");
        BenchCommands.AddTo(root);
        try
        {
            return root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null }).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or FormatException)
        {
            Console.Error.WriteLine($"error: {e.Message.ReplaceLineEndings(" ")}");
            return 2;
        }
    }
}
