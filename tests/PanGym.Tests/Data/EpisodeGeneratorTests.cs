using System.Text.Json.Nodes;
using PanGym.Data;
using PanGym.Envs;
using PanGym.Gym;

namespace PanGym.Tests.Data;

public sealed class EpisodeGeneratorTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("pangym-generator-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    static EpisodeGenerator ShapesGenerator() => new(() => new ShapesWorld(ShapesWorldConfig.Small), GroundTruthExploration.PolicyFor);

    static EpisodeGenerator MomentumGenerator() => new(() => new MomentumWorld(MomentumWorldConfig.Small), GroundTruthExploration.PolicyFor);

    /// <summary>Reports synchronously (unlike <see cref="Progress{T}"/>, which posts to the thread pool).</summary>
    sealed class Recorder(Action<EpisodeGenerationProgress>? then = null) : IProgress<EpisodeGenerationProgress>
    {
        public List<EpisodeGenerationProgress> Reports { get; } = [];

        public void Report(EpisodeGenerationProgress value)
        {
            Reports.Add(value);
            then?.Invoke(value);
        }
    }

    static Dictionary<string, byte[]> FilesOf(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(folder, f), File.ReadAllBytes);

    static void AssertSameFiles(string expected, string actual)
    {
        var (a, b) = (FilesOf(expected), FilesOf(actual));
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (var (name, bytes) in a) Assert.True(bytes.AsSpan().SequenceEqual(b[name]), $"{name} differs");
    }

    [Fact]
    public async Task Generation_is_fixed_by_its_seed_with_disjoint_train_and_validation_seeds()
    {
        var config = new EpisodeGenerationConfig(episodes: 8, stepsPerEpisode: 12, baseSeed: 5, validationFraction: 0.25);
        var progress = new Recorder();
        var first = await ShapesGenerator().GenerateAsync(config, Path.Combine(_root, "a"), progress);
        ShapesGenerator().Generate(config, Path.Combine(_root, "b"));
        AssertSameFiles(first.Folder, Path.Combine(_root, "b"));
        var reseeded = ShapesGenerator().Generate(new EpisodeGenerationConfig(8, 12, baseSeed: 6, validationFraction: 0.25), Path.Combine(_root, "c"));
        Assert.NotEqual(first.ReadImages(first.Episodes[0]), reseeded.ReadImages(reseeded.Episodes[0]));

        Assert.Equal(Enumerable.Range(1, 8), progress.Reports.Select(r => r.EpisodesDone));
        Assert.All(progress.Reports, r => Assert.Equal(8, r.EpisodesTotal));
        Assert.Equal(8 * 12, progress.Reports[^1].StepsDone);
        Assert.Equal("env:ShapesWorld", first.Info.Source);
        Assert.Equal((32, 32), (first.Info.FrameHeight, first.Info.FrameWidth));
        Assert.Equal(5, first.Info.Metadata["base_seed"]!.GetValue<int>());
        Assert.StartsWith("shapesworld-exploration", first.Info.Metadata["policy"]!.GetValue<string>());

        int Seed(EpisodeRecord e) => e.Provenance["seed"]!.GetValue<int>();
        var train = first.EpisodesIn(EpisodeSplit.Train).Select(Seed).ToList();
        var validation = first.EpisodesIn(EpisodeSplit.Validation).Select(Seed).ToList();
        Assert.Equal(Enumerable.Range(5, 6), train);
        Assert.Equal(Enumerable.Range(5 + EpisodeGenerationConfig.ValidationSeedOffset, 2), validation);
        Assert.Empty(train.Intersect(validation));
        Assert.All(first.Episodes, e => Assert.Equal(12, e.Steps));
        Assert.All(first.Episodes, e => Assert.Contains("into the grey square", e.Provenance["goal"]!.GetValue<string>()));
    }

    [Fact]
    public void ShapesWorld_actions_change_the_frame_and_some_episodes_reach_the_goal()
    {
        var dataset = ShapesGenerator().Generate(new EpisodeGenerationConfig(24, 30, baseSeed: 0, validationFraction: 0.2), Path.Combine(_root, "shapes"));
        int moves = 0, movesThatChange = 0, waits = 0, waitsThatChange = 0;
        foreach (var episode in dataset.Episodes)
        {
            var frames = dataset.ReadImages(episode);
            for (int t = 0; t < episode.Steps; t++)
            {
                bool changed = !frames[t].Equals(frames[t + 1]);
                if (episode.Actions[t] == "wait") (waits, waitsThatChange) = (waits + 1, waitsThatChange + (changed ? 1 : 0));
                else (moves, movesThatChange) = (moves + 1, movesThatChange + (changed ? 1 : 0));
                Assert.Contains(episode.Actions[t], ShapesWorldAction.Candidates);
            }
        }
        int reached = dataset.Episodes.Count(e => e.Provenance["terminated_at_step"] is JsonValue);
        Console.WriteLine($"ShapesWorld data: {movesThatChange}/{moves} moves change the frame, {waits} waits, {reached}/24 episodes reach the goal");
        Assert.True(movesThatChange >= 0.7 * moves, $"only {movesThatChange} of {moves} moves changed the frame");
        Assert.True(waits > 0 && waits < 0.3 * (moves + waits), $"{waits} waits among {moves + waits} steps");
        Assert.Equal(0, waitsThatChange);
        Assert.True(reached >= 6, $"only {reached} of 24 episodes reached the goal");
    }

    [Fact]
    public void MomentumWorld_data_mixes_pushes_with_runs_of_waits_in_which_the_ball_keeps_moving()
    {
        var dataset = MomentumGenerator().Generate(new EpisodeGenerationConfig(6, 40, baseSeed: 3, validationFraction: 0), Path.Combine(_root, "momentum"));
        Assert.Empty(dataset.EpisodesIn(EpisodeSplit.Validation));
        int waits = 0, coasting = 0, pushes = 0, longWaitRuns = 0;
        foreach (var episode in dataset.Episodes)
        {
            var frames = dataset.ReadImages(episode);
            int run = 0;
            for (int t = 0; t < episode.Steps; t++)
            {
                if (episode.Actions[t] != "wait")
                {
                    pushes++;
                    run = 0;
                    continue;
                }
                waits++;
                if (!frames[t].Equals(frames[t + 1])) coasting++;
                if (++run == 3) longWaitRuns++;
            }
        }
        Console.WriteLine($"MomentumWorld data: {pushes} pushes, {waits} waits of which {coasting} move the ball, {longWaitRuns} runs of 3+ waits");
        Assert.True(pushes >= 40 && waits >= 40, $"{pushes} pushes and {waits} waits");
        Assert.True(longWaitRuns >= 6, $"only {longWaitRuns} runs of three or more waits");
        Assert.True(coasting >= 0.5 * waits, $"the ball moved in only {coasting} of {waits} wait steps");
    }

    [Fact]
    public async Task A_cancelled_run_resumes_to_the_same_data_set()
    {
        var config = new EpisodeGenerationConfig(episodes: 6, stepsPerEpisode: 8, baseSeed: 11, validationFraction: 0.34);
        string whole = Path.Combine(_root, "whole"), resumed = Path.Combine(_root, "resumed");
        ShapesGenerator().Generate(config, whole);

        using var cancel = new CancellationTokenSource();
        var stopAfterFour = new Recorder(r => { if (r.EpisodesDone == 4) cancel.Cancel(); });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ShapesGenerator().GenerateAsync(config, resumed, stopAfterFour, cancellationToken: cancel.Token));
        Assert.False(Directory.Exists(resumed));
        Assert.Contains("resume: true", Assert.Throws<EpisodeDatasetException>(() => ShapesGenerator().Generate(config, resumed)).Message);
        var otherSeed = new EpisodeGenerationConfig(6, 8, baseSeed: 12, validationFraction: 0.34);
        Assert.Contains("other settings", Assert.Throws<EpisodeDatasetException>(() => ShapesGenerator().Generate(otherSeed, resumed, resume: true)).Message);

        var progress = new Recorder();
        var dataset = await ShapesGenerator().GenerateAsync(config, resumed, progress, resume: true);
        Assert.Equal([5, 6], progress.Reports.Select(r => r.EpisodesDone));
        Assert.Equal(6, dataset.Episodes.Count);
        AssertSameFiles(whole, resumed);
    }

    [Fact]
    public void Configuration_and_policies_refuse_bad_settings()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EpisodeGenerationConfig(0, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EpisodeGenerationConfig(10, 10, validationFraction: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EpisodeGenerationConfig(10, 10, baseSeed: -1));
        Assert.Equal(1, new EpisodeGenerationConfig(1, 5, validationFraction: 0.9).TrainEpisodes);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ShapesWorldExplorationConfig(0.6, 0.6));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MomentumWorldExplorationConfig(maxWaitRun: 0));
        using var env = new ShapesWorld(ShapesWorldConfig.Small);
        var policy = new ShapesWorldExploration(env);
        var missing = Assert.Throws<ArgumentException>(() => policy.Act(new Image(32, 32), new Dictionary<string, object?>(), new Random(0)));
        Assert.Contains("info[\"state\"]", missing.Message);
    }
}
