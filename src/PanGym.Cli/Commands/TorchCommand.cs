using System.CommandLine;
using TorchSharp;

namespace PanGym.Cli.Commands;

/// <summary><c>pangym torch</c>: reports the TorchSharp backend and runs one computation through it.</summary>
internal static class TorchCommand
{
    public static Command Create()
    {
        var command = new Command("torch", "Show the TorchSharp backend and check that it computes.");
        command.SetAction(_ =>
        {
            using var a = torch.ones(64, 64);
            using var b = a.matmul(a);
            Console.WriteLine($"TorchSharp {typeof(torch).Assembly.GetName().Version}, CUDA available: {torch.cuda.is_available()}, threads: {torch.get_num_threads()}");
            Console.WriteLine($"64x64 ones matmul sum = {b.sum().item<float>()} (expected {64 * 64 * 64})");
            return 0;
        });
        return command;
    }
}
