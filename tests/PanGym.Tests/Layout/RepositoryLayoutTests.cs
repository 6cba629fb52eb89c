using System.Text.RegularExpressions;

namespace PanGym.Tests.Layout;

/// <summary>The tree is the architecture: README's Layout lists every source folder, and the core's parts import no cycle.</summary>
public sealed partial class RepositoryLayoutTests
{
    static readonly string s_root = FindRoot();

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PanGym.sln"))) return dir.FullName;
        throw new InvalidOperationException("PanGym.sln not found above the test binaries.");
    }

    static IEnumerable<string> SourceFiles(string folder) =>
        Directory.EnumerateFiles(Path.Combine(s_root, folder), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"));

    static string Relative(string path) => Path.GetRelativePath(s_root, path).Replace('\\', '/');

    [GeneratedRegex(@"^(\S+/)\s", RegexOptions.Multiline)]
    private static partial Regex LayoutEntry();

    static HashSet<string> ReadmeLayoutFolders()
    {
        string readme = File.ReadAllText(Path.Combine(s_root, "README.md"));
        int section = readme.IndexOf("\n## Layout", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no Layout section");
        int start = readme.IndexOf("```\n", section, StringComparison.Ordinal) + 4, end = readme.IndexOf("```", start, StringComparison.Ordinal);
        return LayoutEntry().Matches(readme[start..end]).Select(m => m.Groups[1].Value).ToHashSet();
    }

    [Fact]
    public void Readme_layout_lists_every_source_folder_and_only_folders_that_exist()
    {
        var listed = ReadmeLayoutFolders();
        var sourceFolders = new[] { "src", "envs" }.SelectMany(SourceFiles)
            .Select(f => Relative(Path.GetDirectoryName(f)!) + "/").ToHashSet();

        Assert.Empty(sourceFolders.Where(f => !listed.Contains(f)).Order());
        Assert.Empty(listed.Where(f => !Directory.Exists(Path.Combine(s_root, f))).Order());
    }

    [GeneratedRegex(@"^namespace (PanGym[\w.]*);", RegexOptions.Multiline)]
    private static partial Regex NamespaceLine();

    [GeneratedRegex(@"^using (?:static )?(PanGym[\w.]*)", RegexOptions.Multiline)]
    private static partial Regex UsingLine();

    /// <summary>A namespace's part: its first two segments (PanGym.Data.Video is part of PanGym.Data).</summary>
    static string Part(string ns) => string.Join('.', ns.Split('.').Take(2));

    [Fact]
    public void The_cores_parts_import_no_cycle()
    {
        var imports = new Dictionary<string, HashSet<string>>();
        foreach (var file in SourceFiles("src/PanGym"))
        {
            string text = File.ReadAllText(file);
            if (NamespaceLine().Match(text) is not { Success: true } ns) continue;
            string from = Part(ns.Groups[1].Value);
            var targets = imports.TryGetValue(from, out var set) ? set : imports[from] = [];
            foreach (Match use in UsingLine().Matches(text))
                if (Part(use.Groups[1].Value) is var to && to != from && to != "PanGym") targets.Add(to);
        }
        Assert.True(imports.Count >= 10, $"only {imports.Count} parts found");

        var cycle = FindCycle(imports);
        Assert.True(cycle is null, $"import cycle: {string.Join(" → ", cycle ?? [])}");
    }

    [Fact]
    public void The_cycle_finder_finds_a_cycle()
    {
        var graph = new Dictionary<string, HashSet<string>> { ["a"] = ["b"], ["b"] = ["c"], ["c"] = ["a"], ["d"] = ["a"] };
        Assert.Equal(["a", "b", "c", "a"], FindCycle(graph));
        Assert.Null(FindCycle(new Dictionary<string, HashSet<string>> { ["a"] = ["b"], ["b"] = ["c"], ["d"] = ["c"] }));
    }

    /// <summary>One cycle of the graph as its nodes with the first repeated at the end, or null when it has none.</summary>
    static List<string>? FindCycle(Dictionary<string, HashSet<string>> graph)
    {
        var done = new HashSet<string>();
        var path = new List<string>();
        List<string>? Visit(string node)
        {
            int at = path.IndexOf(node);
            if (at >= 0) return [.. path[at..], node];
            if (!done.Add(node)) return null;
            path.Add(node);
            foreach (var next in graph.GetValueOrDefault(node, []).Order())
                if (Visit(next) is { } cycle) return cycle;
            path.RemoveAt(path.Count - 1);
            return null;
        }
        return graph.Keys.Order().Select(Visit).FirstOrDefault(c => c is not null);
    }
}
