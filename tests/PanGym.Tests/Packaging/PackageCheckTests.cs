using System.Diagnostics;

namespace PanGym.Tests.Packaging;

/// <summary>README's packaging as a new user meets it: <c>tools/package-check.sh</c> packs, consumes and runs README's snippet.</summary>
public sealed class PackageCheckTests
{
    static readonly string s_root = FindRoot();

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PanGym.sln"))) return dir.FullName;
        throw new InvalidOperationException("PanGym.sln not found above the test binaries.");
    }

    static (int ExitCode, string Output) PackageCheck(string? readme = null)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = s_root };
        start.ArgumentList.Add(Path.Combine(s_root, "tools", "package-check.sh"));
        if (readme is not null) start.Environment["PANGYM_PACKAGE_CHECK_README"] = readme;
        foreach (var inherited in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly" })
            start.Environment.Remove(inherited);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(8)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("tools/package-check.sh did not finish in 8 minutes.");
        }
        process.WaitForExit();
        return (process.ExitCode, output.Result + error.Result);
    }

    [Fact]
    public void READMEs_pack_line_makes_packages_on_which_READMEs_snippet_builds_and_runs()
    {
        var (code, output) = PackageCheck();
        Assert.True(code == 0, output);
        Assert.Contains("package-check: observation 64x64, reward -0.01, torch 3", output);
        Assert.Contains("referencing PanGym.Envs 0.1.0-check.", output);
    }

    [Fact]
    public void A_README_without_the_marked_snippet_fails_the_check_naming_the_marker()
    {
        string readme = Path.Combine(Directory.CreateTempSubdirectory("pangym-package-check-readme-").FullName, "README.md");
        try
        {
            File.WriteAllText(readme, File.ReadAllText(Path.Combine(s_root, "README.md")).Replace("<!-- package-check: program -->", ""));
            var (code, output) = PackageCheck(readme);
            Assert.NotEqual(0, code);
            Assert.Contains("README.md has no block after <!-- package-check: program -->", output);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(readme)!, recursive: true);
        }
    }
}
