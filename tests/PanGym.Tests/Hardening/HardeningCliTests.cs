using System.Text.Json.Nodes;
using PanGym.Tests.Backbone;
using PanGym.Tests.Cli;
using PanGym.WorldModel;
using TorchSharp;

namespace PanGym.Tests.Hardening;

/// <summary>
/// The command line as a user meets it, run as a child process: input that used to crash it, hang it, or act on the
/// wrong thing is refused with exit code 2, one line that names the problem, no stack trace, and nothing changed.
/// </summary>
[Collection(FFmpegCollection.Name)]
public sealed class HardeningCliTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("pangym-hardening-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    string Path_(string name) => Path.Combine(_folder, name);

    string TinyCheckpoint(Action<JsonNode>? editConfig = null)
    {
        string folder = Path_($"model-{Guid.NewGuid():N}");
        using (var model = PanGym.WorldModel.PanWorldModel.Create(WorldModelConfig.Tiny, seed: 3)) WorldModelCheckpoint.Save(model, folder);
        if (editConfig is not null)
        {
            string path = Path.Combine(folder, WorldModelCheckpoint.ConfigFileName);
            var config = JsonNode.Parse(File.ReadAllText(path))!;
            editConfig(config);
            File.WriteAllText(path, config.ToJsonString());
        }
        return folder;
    }

    [Theory]
    [InlineData("backbone", "vocab_size", 2_000_000_000L)]
    [InlineData("decoder", "max_chunks", 1_000_000_000L)]
    [InlineData("encoder", "width", 400_000L)]
    public void World_model_sizes_beyond_the_weights_are_refused_before_anything_is_allocated(string part, string field, long value)
    {
        string checkpoint = TinyCheckpoint(config => config[part]![field] = value);
        string before = CliProcess.Snapshot(_folder);
        var result = CliProcess.Run("rollout", "--checkpoint", checkpoint, "--env", "ShapesWorld-v0", "--actions", "wait", "--out", Path_("x.gif"), "--steps", "1");
        CliProcess.AssertRefused(result, "config.json");
        Assert.Equal(before, CliProcess.Snapshot(_folder));
    }

    [Theory]
    [InlineData("\"vocab_size\": 320", "\"vocab_size\": 2000000000")]
    [InlineData("\"intermediate_size\": 64", "\"intermediate_size\": 2000000000")]
    [InlineData("\"num_attention_heads\"", "\"head_dim\": 2000000000, \"num_attention_heads\"")]
    public void Language_model_sizes_beyond_the_weights_are_refused_before_anything_is_allocated(string field, string replacement)
    {
        string folder = Path_("lm");
        var tensors = TinyQwen2Checkpoint.RandomTensors(tied: false, torch.ScalarType.Float32);
        string config = TinyQwen2Checkpoint.ConfigJson();
        Assert.Contains(field, config);
        TinyQwen2Checkpoint.Write(folder, tensors, config.Replace(field, replacement));
        foreach (var tensor in tensors.Values) tensor.Dispose();
        CliProcess.AssertRefused(CliProcess.Run("lm", "logits", folder, "--ids", "1,2,3"), folder);
    }

    [Fact]
    public void Budgets_beyond_what_a_clock_holds_are_refused()
    {
        CliProcess.AssertRefused(CliProcess.Run("train", "--env", "ShapesWorld-v0", "--preset", "tiny", "--minutes", "1e20", "--out", Path_("run")), "--minutes");
        CliProcess.AssertRefused(CliProcess.Run("demo", "--minutes", "1e20", "--out", Path_("demo")), "--minutes");
        Assert.False(Directory.Exists(Path_("run")));
        Assert.False(Directory.Exists(Path_("demo")));
    }

    [Fact]
    public void A_diverging_loss_is_one_line_and_the_folder_starts_over()
    {
        string run = Path_("diverge");
        string[] Train(string lr, string steps) => ["train", "--env", "ShapesWorld-v0", "--episodes", "4", "--steps-per-episode", "6", "--preset", "tiny",
            "--batch-size", "2", "--window", "2", "--steps", steps, "--lr", lr, "--out", run];
        CliProcess.AssertRefused(CliProcess.Run(Train("1e30", "20")), "loss became");
        var again = CliProcess.Run(Train("1e-3", "2"));
        Assert.True(again.ExitCode == 0, again.Error);
    }

    [Fact]
    public void A_canvas_too_large_for_memory_is_refused()
    {
        CliProcess.AssertRefused(CliProcess.Run("envs", "play", "ShapesWorld-v0", "--size", "30000", "--actions", "wait", "--out", Path_("x.gif")), "4096");
        Assert.False(File.Exists(Path_("x.gif")));
    }

    [Fact]
    public void Video_outputs_that_cannot_be_written_are_refused_before_the_work()
    {
        File.WriteAllText(Path_("afile"), "");
        string before = CliProcess.Snapshot(_folder);
        CliProcess.AssertRefused(CliProcess.Run("envs", "play", "ShapesWorld-v0", "--actions", "wait", "--out", Path_("afile/x.gif")), "is a file, not a folder");
        CliProcess.AssertRefused(CliProcess.Run("envs", "play", "ShapesWorld-v0", "--actions", "wait", "--out", "/proc/pangym/x.gif"), "/proc/pangym/x.gif");
        CliProcess.AssertRefused(CliProcess.Run("envs", "play", "ShapesWorld-v0", "--actions", "wait", "--scale", "100000", "--out", Path_("x.gif")), "scale");
        string checkpoint = TinyCheckpoint();
        before = CliProcess.Snapshot(_folder);
        CliProcess.AssertRefused(CliProcess.Run("rollout", "--checkpoint", checkpoint, "--env", "ShapesWorld-v0", "--actions", "wait", "--out", Path_("afile/x.gif")), "is a file, not a folder");
        CliProcess.AssertRefused(CliProcess.Run("rollout", "--checkpoint", checkpoint, "--env", "ShapesWorld-v0", "--actions", "wait", "--scale", "100000", "--out", Path_("x.gif")), "scale");
        CliProcess.AssertRefused(CliProcess.Run("eval", "--checkpoint", checkpoint, "--env", "ShapesWorld-v0", "--episodes", "1", "--out", Path_("afile/report")), "is a file, not a folder");
        Assert.Equal(before, CliProcess.Snapshot(_folder));
    }

    [Fact]
    public void An_action_starting_with_an_at_sign_is_an_action_not_a_response_file()
    {
        File.WriteAllText(Path_("actions.txt"), "wait");
        var result = CliProcess.Run("envs", "play", "ShapesWorld-v0", "--actions", "@" + Path_("actions.txt"), "--out", Path_("x.gif"));
        CliProcess.AssertRefused(result, "@");
        Assert.False(File.Exists(Path_("x.gif")));
    }

    [Fact]
    public void Echoed_input_is_capped_and_escaped()
    {
        string action = "\u001b[31m" + new string('x', 100_000) + "\u0007";
        var play = CliProcess.Run("envs", "play", "ShapesWorld-v0", "--actions", action, "--out", Path_("x.gif"));
        CliProcess.AssertRefused(play, "\\u001b[31m");
        Assert.DoesNotContain('\u001b', play.Error);
        string checkpoint = TinyCheckpoint();
        var rollout = CliProcess.Run("rollout", "--checkpoint", checkpoint, "--env", "ShapesWorld-v0", "--actions", action, "--out", Path_("x.gif"), "--steps", "1");
        CliProcess.AssertRefused(rollout, "\\u001b[31m");
        Assert.DoesNotContain('\u001b', rollout.Error);
    }

    [Fact]
    public void A_backtracking_split_regex_times_out_instead_of_hanging()
    {
        string folder = Path_("lm");
        var tensors = TinyQwen2Checkpoint.RandomTensors(tied: false, torch.ScalarType.Float32);
        TinyQwen2Checkpoint.Write(folder, tensors, TinyQwen2Checkpoint.ConfigJson());
        foreach (var tensor in tensors.Values) tensor.Dispose();
        string path = Path.Combine(folder, "tokenizer.json");
        var tokenizer = JsonNode.Parse(File.ReadAllText(path))!;
        var split = tokenizer["pre_tokenizer"]!["pretokenizers"]!.AsArray().First(p => (string?)p!["type"] == "Split")!;
        split["pattern"]!["Regex"] = "(a+)+$";
        File.WriteAllText(path, tokenizer.ToJsonString());
        var result = CliProcess.Run(TimeSpan.FromSeconds(60), "lm", "tokenize", folder, "--text", new string('a', 40) + "!");
        CliProcess.AssertRefused(result, "tokenizer.json");
    }
}
