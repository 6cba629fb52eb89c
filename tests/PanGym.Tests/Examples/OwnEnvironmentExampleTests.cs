using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace PanGym.Tests.Examples;

/// <summary>
/// examples/OwnEnvironment, run as a user runs it (its own process): a new environment trained on, evaluated and planned on,
/// on a small budget. Its output must show one-step fidelity above copying the last frame and a goal task solved by
/// planning with the world model.
/// </summary>
public sealed partial class OwnEnvironmentExampleTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("pangym-own-env-example-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [GeneratedRegex(@"one-step action fidelity: model (\d\.\d+) \[[^\]]*\], copy-last (\d\.\d+)")]
    private static partial Regex Fidelity();

    [GeneratedRegex(@"solved by cem \+ world model: (\d+)/(\d+)")]
    private static partial Regex WorldModelSolved();

    [Fact]
    public void The_own_environment_example_learns_the_dynamics_and_plans_a_task_to_its_goal()
    {
        string output = Run(Path.Combine(_folder, "run"), "600");

        Assert.Contains("env checker: passed", output);
        var fidelity = Fidelity().Match(output);
        Assert.True(fidelity.Success, output);
        double model = double.Parse(fidelity.Groups[1].Value, CultureInfo.InvariantCulture), copyLast = double.Parse(fidelity.Groups[2].Value, CultureInfo.InvariantCulture);
        Assert.True(model > copyLast, $"one-step fidelity {model} is not above copy-last's {copyLast}:\n{output}");
        Assert.Contains("solved by cem + true simulator: 5/5", output);
        var solved = WorldModelSolved().Match(output);
        Assert.True(solved.Success && int.Parse(solved.Groups[1].Value, CultureInfo.InvariantCulture) >= 1, $"no task solved with the world model:\n{output}");
    }

    static string Run(params string[] args)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "PanGym.sln"))) root = root.Parent ?? throw new InvalidOperationException("PanGym.sln not found above the test binaries.");
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string dll = Path.Combine(root.FullName, "examples", "OwnEnvironment", "bin", framework.Parent!.Name, framework.Name, "OwnEnvironment.dll");
        Assert.True(File.Exists(dll), $"{dll} is not built");
        var start = new ProcessStartInfo(Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (string arg in args) start.ArgumentList.Add(arg);
        start.Environment["OMP_NUM_THREADS"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the example did not finish in 10 minutes:\n{stdout.Result}");
        }
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}:\n{stdout.Result}\n{stderr.Result}");
        return stdout.Result;
    }
}
