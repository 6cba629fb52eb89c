using PanGym.Backbone;
using PanGym.Envs;
using PanGym.Gym;
using PanGym.Tests.Backbone;
using PanGym.WorldModel;
using TorchSharp;
using static TorchSharp.torch;

namespace PanGym.Tests.WorldModel;

public sealed class WorldModelTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("pangym-wm-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Transitions (o_t, a_t, o_{t+1}) of 32×32 ShapesWorld under seeded random moves of present shapes.</summary>
    internal static (List<Image> Before, List<string> Actions, List<Image> After) ShapesWorldTransitions(int count, int seed)
    {
        using var env = new ShapesWorld(ShapesWorldConfig.Small);
        var random = new Random(seed);
        var (before, actions, after) = (new List<Image>(), new List<string>(), new List<Image>());
        var (frame, _) = env.Reset(seed);
        while (before.Count < count)
        {
            var shape = env.State.Shapes[random.Next(env.State.Shapes.Count)];
            var action = new ShapesWorldAction(shape.Kind, (Direction)random.Next(1, 5)).ToString();
            var next = env.Step(action).Observation;
            if (!next.Equals(frame)) (before, actions, after) = (before.Append(frame).ToList(), actions.Append(action).ToList(), after.Append(next).ToList());
            frame = next;
        }
        return (before, actions, after);
    }

    static double Psnr(Image a, Image b)
    {
        double mse = a.Data.Zip(b.Data).Average(p => Math.Pow(p.First - p.Second, 2));
        return mse == 0 ? 99 : 10 * Math.Log10(255.0 * 255.0 / mse);
    }

    [Fact]
    public void Tiny_preset_fits_sixteen_ShapesWorld_transitions_and_follows_the_action_text()
    {
        using var model = PanGym.WorldModel.PanWorldModel.Create(WorldModelConfig.Tiny, seed: 1);
        var (before, actions, after) = ShapesWorldTransitions(16, seed: 3);
        using var frames = stack([model.ToModelPixels(before), model.ToModelPixels(after)], 1);
        var actionRows = actions.Select(a => (IReadOnlyList<string>)[a]).ToArray();
        const int steps = 300;
        using var optimizer = optim.AdamW(model.TrainableParameters(), lr: 3e-3);
        var generator = new Generator(7);
        var flows = new List<double>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (flows.Count < steps && clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = model.Loss(frames, actionRows, generator);
            loss.Total.backward();
            optimizer.step();
            flows.Add(loss.Flow.item<float>());
        }
        double first = flows.Take(5).Average(), last = flows.TakeLast(20).Average();
        Console.WriteLine($"tiny overfit: {flows.Count} steps in {clock.Elapsed.TotalSeconds:F1} s, flow loss {first:F4} -> {last:F4} ({first / last:F1}x)");
        Assert.True(first / last >= 3, $"the flow loss fell only {first / last:F1}x ({first:F4} -> {last:F4}) in {flows.Count} steps");

        double SampledPsnr(IReadOnlyList<string> given)
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var context = model.ToModelPixels(before);
            using var history = model.NewHistory(before.Count);
            var predicted = model.PredictNext(history, model.Encode(context), given);
            var sampled = model.Decode(predicted, context, new FlowSamplingOptions(steps: 16, temperature: 0), new Generator(1));
            return PanGym.WorldModel.PanWorldModel.FromModelPixels(sampled).Zip(after).Average(p => Psnr(p.First, p.Second));
        }
        var opposite = actions.Select(a => ShapesWorldAction.Parse(a) is { Shape: { } shape } parsed
            ? new ShapesWorldAction(shape, parsed.Direction switch { Direction.Left => Direction.Right, Direction.Right => Direction.Left, Direction.Up => Direction.Down, _ => Direction.Up }).ToString()
            : a).ToList();
        double modelPsnr = SampledPsnr(actions), oppositePsnr = SampledPsnr(opposite);
        double copyPsnr = before.Zip(after).Average(p => Psnr(p.First, p.Second));
        Console.WriteLine($"tiny overfit: PSNR model {modelPsnr:F2} dB, with the opposite actions {oppositePsnr:F2} dB, copy-last {copyPsnr:F2} dB");
        Assert.True(modelPsnr > copyPsnr + 1, $"sampled frames ({modelPsnr:F2} dB) do not beat copying the last frame ({copyPsnr:F2} dB) by 1 dB after {flows.Count} steps");
        Assert.True(modelPsnr > oppositePsnr + 1, $"the opposite actions give frames as good ({oppositePsnr:F2} dB) as the true ones ({modelPsnr:F2} dB): the model does not read the action text");
    }

    [Fact]
    public void The_encoder_learns_from_its_reconstruction_alone_and_the_other_terms_train_the_rest()
    {
        using var model = PanGym.WorldModel.PanWorldModel.Create(WorldModelConfig.Tiny, seed: 2);
        var (before, actions, after) = ShapesWorldTransitions(4, seed: 5);
        using var scope = NewDisposeScope();
        var frames = stack([model.ToModelPixels(before), model.ToModelPixels(after)], 1);
        var rows = actions.Select(a => (IReadOnlyList<string>)[a]).ToArray();
        DynamicsOutput.Randomize(model.Dynamics, seed: 3);

        double GradientInto(IEnumerable<TorchSharp.Modules.Parameter> parameters) =>
            parameters.Sum(p => p.grad is { } g ? g.abs().sum().item<float>() : 0.0);
        var loss = model.Loss(frames, rows, new Generator(1));
        (loss.Flow + loss.Latent + loss.Painted).backward();
        Assert.Equal(0.0, GradientInto(model.Encoder.parameters()));
        Assert.True(GradientInto(model.Dynamics.parameters()) > 0, "the flow, latent and painted terms must train the dynamics");

        model.zero_grad();
        model.Loss(frames, rows, new Generator(1)).Reconstruction.backward();
        Assert.True(GradientInto(model.Encoder.parameters()) > 0, "the reconstruction term must train the encoder");
        Assert.Equal(0.0, GradientInto(model.Dynamics.parameters()));
    }

    [Fact]
    public void Save_then_load_gives_bit_identical_outputs()
    {
        using var model = PanGym.WorldModel.PanWorldModel.Create(WorldModelConfig.Tiny, seed: 5);
        PanGym.WorldModel.WorldModelCheckpoint.Save(model, _folder);
        using var loaded = PanGym.WorldModel.WorldModelCheckpoint.Load(_folder);
        var (before, actions, _) = ShapesWorldTransitions(2, seed: 1);
        Assert.True(Outputs(model, before, actions).equal(Outputs(loaded, before, actions)).all().item<bool>());
        Assert.Equal(model.Config, loaded.Config);
    }

    static Tensor Outputs(PanGym.WorldModel.PanWorldModel model, List<Image> frames, List<string> actions)
    {
        using var noGrad = no_grad();
        var context = model.ToModelPixels(frames);
        using var history = model.NewHistory(frames.Count);
        var next = model.PredictNext(history, model.Encode(context), actions);
        return model.Decode(next, context, new FlowSamplingOptions(steps: 4), new Generator(3));
    }

    [Fact]
    public void Mismatched_or_missing_checkpoints_are_refused_with_errors_that_name_the_problem()
    {
        using (var tiny = PanGym.WorldModel.PanWorldModel.Create(WorldModelConfig.Tiny)) PanGym.WorldModel.WorldModelCheckpoint.Save(tiny, _folder);
        var config = Path.Combine(_folder, PanGym.WorldModel.WorldModelCheckpoint.ConfigFileName);
        File.WriteAllText(config, WorldModelConfig.Small.ToJson());
        var mismatch = Assert.Throws<InvalidInputException>(() => PanGym.WorldModel.WorldModelCheckpoint.Load(_folder));
        Assert.Contains("config.json does not match model.safetensors", mismatch.Message);
        Assert.Contains("its encoder (", mismatch.Message);

        File.WriteAllText(config, "{\"format\": \"something-else\"}");
        Assert.Contains("\"format\" is \"something-else\"", Assert.Throws<InvalidInputException>(() => PanGym.WorldModel.WorldModelCheckpoint.Load(_folder)).Message);
        File.Delete(config);
        Assert.Contains("config.json is missing", Assert.Throws<FileNotFoundException>(() => PanGym.WorldModel.WorldModelCheckpoint.Load(_folder)).Message);
        Assert.Throws<DirectoryNotFoundException>(() => PanGym.WorldModel.WorldModelCheckpoint.Load(Path.Combine(_folder, "nowhere")));
    }

    [Fact]
    public void A_pretrained_backbone_loads_trains_only_its_adapters_when_frozen_and_round_trips()
    {
        var backboneFolder = Path.Combine(_folder, "qwen2");
        TinyQwen2Checkpoint.Write(backboneFolder, TinyQwen2Checkpoint.RandomTensors(tied: false, ScalarType.Float32), TinyQwen2Checkpoint.ConfigJson());
        TinyTokenizerJson.Write(backboneFolder, mergeCount: 50);
        var tiny = WorldModelConfig.Tiny;
        var config = new WorldModelConfig("pretrained-test", tiny.Encoder, Qwen2Config.FromFile(Path.Combine(backboneFolder, "config.json")),
            new LatentDynamicsConfig(tiny.Dynamics.LatentTokens, tiny.Dynamics.LatentWidth, maxActionTokens: 32, BackboneTraining.Frozen),
            tiny.Decoder, WorldModelConfig.HuggingFaceTokenizerName, backboneFolder: backboneFolder);
        using var model = PanGym.WorldModel.PanWorldModel.Create(config);
        Assert.IsType<HuggingFaceTokenizer>(model.Tokenizer);
        var backboneBefore = model.Dynamics.Backbone.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());

        var (before, actions, after) = ShapesWorldTransitions(4, seed: 2);
        using var frames = stack([model.ToModelPixels(before), model.ToModelPixels(after)], 1);
        using var optimizer = optim.AdamW(model.TrainableParameters(), lr: 1e-3);
        for (int step = 0; step < 3; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            model.Loss(frames, actions.Select(a => (IReadOnlyList<string>)[a]).ToArray()).Total.backward();
            optimizer.step();
        }
        foreach (var (name, value) in model.Dynamics.Backbone.state_dict())
            Assert.True(value.equal(backboneBefore[name]).all().item<bool>(), $"frozen backbone tensor {name} changed");

        var saved = Path.Combine(_folder, "world-model");
        PanGym.WorldModel.WorldModelCheckpoint.Save(model, saved);
        Assert.True(File.Exists(Path.Combine(saved, HuggingFaceTokenizer.TokenizerFileName)));
        using var loaded = PanGym.WorldModel.WorldModelCheckpoint.Load(saved);
        Assert.True(Outputs(model, before, actions).equal(Outputs(loaded, before, actions)).all().item<bool>());
    }

    [Theory]
    [InlineData(VideoDecoding.StepByStep)]
    [InlineData(VideoDecoding.SwinDpm)]
    public void A_32_step_imagined_video_returns_32_frames(VideoDecoding decoding)
    {
        using var model = PanGym.WorldModel.PanWorldModel.Create(WorldModelConfig.Tiny);
        DynamicsOutput.Randomize(model.Dynamics);
        var (before, _, _) = ShapesWorldTransitions(1, seed: 4);
        var actions = Enumerable.Range(0, 32).Select(i => ShapesWorldAction.Candidates[i % ShapesWorldAction.Candidates.Count]).ToArray();
        var engine = new PanGym.Imagination.ImaginationEngine(model, new PanGym.Imagination.RolloutOptions(
            decoding == VideoDecoding.StepByStep ? PanGym.Imagination.ClosedLoop.Reencode : PanGym.Imagination.ClosedLoop.Off,
            new FlowSamplingOptions(steps: 4, decoding: decoding, windowSize: 2)));
        var frames = engine.ImagineVideo(before[0], actions);
        Assert.Equal(32, frames.Count);
        Assert.All(frames, f => Assert.Equal((32, 32), (f.Height, f.Width)));
        Assert.Equal(frames, engine.ImagineVideo(before[0], actions));
    }

    [Fact]
    public void Cached_path_is_causal_too()
    {
        using var model = PanGym.WorldModel.PanWorldModel.Create(WorldModelConfig.Tiny);
        DynamicsOutput.Randomize(model.Dynamics);
        using var noGrad = no_grad();
        using var states = randn(6, 1, 16, 64);
        string[] Actions(int changeAt) => Enumerable.Range(0, 6).Select(t => t == changeAt ? "push down" : "wait").ToArray();
        List<Tensor> Roll(string[] actions)
        {
            using var history = model.NewHistory();
            return Enumerable.Range(0, 6).Select(t => model.PredictNext(history, states[t], [actions[t]])).ToList();
        }
        var baseline = Roll(Actions(-1));
        var changed = Roll(Actions(3));
        for (int t = 0; t < 6; t++)
        {
            bool same = baseline[t].equal(changed[t]).all().item<bool>();
            Assert.True(t < 3 ? same : !same, $"prediction {t} {(same ? "ignored" : "saw")} the action changed at step 3");
        }
    }

    [Fact]
    public void A_thousand_inference_steps_hold_the_live_tensor_count_steady()
    {
        using var model = PanGym.WorldModel.PanWorldModel.Create(WorldModelConfig.Tiny);
        DynamicsOutput.Randomize(model.Dynamics);
        using var noGrad = no_grad();
        var (before, _, _) = ShapesWorldTransitions(1, seed: 4);
        using var context = model.ToModelPixels(before);
        var statistics = DisposeScopeManager.Statistics;
        var liveAfterRollout = new List<long>();
        long rssBefore = Environment.WorkingSet;
        for (int rollout = 0; rollout < 20; rollout++)
        {
            using var rolloutScope = NewDisposeScope();
            var state = model.Encode(context);
            using var history = model.NewHistory();
            for (int step = 0; step < 50; step++)
            {
                using var scope = NewDisposeScope();
                var next = model.PredictNext(history, state, [step % 2 == 0 ? "wait" : "move the red circle left"]);
                if (step % 10 == 0) model.Decode(next, context, new FlowSamplingOptions(steps: 2));
                state = next.MoveToOuterDisposeScope();
            }
            rolloutScope.Dispose();
            liveAfterRollout.Add(statistics.ThreadTotalLiveCount);
        }
        Console.WriteLine($"1000 world-model steps (20 rollouts of 50): live tensors after each rollout {liveAfterRollout.Min()}..{liveAfterRollout.Max()}; RSS {rssBefore / 1048576.0:F0} -> {Environment.WorkingSet / 1048576.0:F0} MiB");
        Assert.All(liveAfterRollout, count => Assert.Equal(liveAfterRollout[0], count));
    }
}
