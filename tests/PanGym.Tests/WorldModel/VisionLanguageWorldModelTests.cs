using PanGym.Backbone;
using PanGym.Backbone.ImageProcessing;
using PanGym.Backbone.Qwen25VL;
using PanGym.Tests.Backbone.Qwen25VL;
using PanGym.WorldModel;
using static TorchSharp.torch;

namespace PanGym.Tests.WorldModel;

/// <summary>PAN's own build (PAN §4.2) on a tiny random Qwen2.5-VL folder: the frozen vision tower as h, the frozen language model with M-RoPE as f's backbone.</summary>
public sealed class VisionLanguageWorldModelTests : IDisposable
{
    readonly TinyQwen25VLFolder _backbone = new(seed: 41);
    readonly string _saved = Directory.CreateTempSubdirectory("pangym-vl-wm-").FullName;

    /// <summary>The tiny processor's budget is raised to 64² pixels so that it leaves 32×32 frames as they are, as Qwen2.5-VL's leaves 448×448 ones.</summary>
    public VisionLanguageWorldModelTests() =>
        File.WriteAllText(Path.Combine(_backbone.Path, Qwen2VLImageProcessorConfig.FileName), TinyQwen25VLCheckpoint.PreprocessorConfigJson(maxPixels: 64 * 64));

    public void Dispose()
    {
        _backbone.Dispose();
        Directory.Delete(_saved, recursive: true);
    }

    /// <summary>32×32 ShapesWorld frames: 8 × 8 merged tokens of the tiny tower (patch 2 × merge 2), width 64 (the language model's).</summary>
    WorldModelConfig TinyConfig() => WorldModelConfig.FromVisionLanguageFolder(_backbone.Path, latentSide: 8,
        new FlowMatchingDecoderConfig(imageSize: 32, patchSize: 4, width: 64, depth: 2, heads: 4, latentTokens: 64, latentWidth: 64, maxChunks: 5, conditionNoise: 0.1),
        maxActionTokens: 24, preset: "tiny-vl");

    [Fact]
    public void Pan_on_a_vision_language_folder_is_PANs_build_and_on_a_text_folder_stays_as_it_was()
    {
        var pan = WorldModelConfig.Pan(_backbone.Path);
        Assert.NotNull(pan.VisionLanguage);
        Assert.Equal(256, pan.Dynamics.LatentTokens);
        Assert.Equal(TinyQwen25VLCheckpoint.Hidden, pan.Dynamics.LatentWidth);
        Assert.Equal(16 * TinyQwen25VLCheckpoint.PatchSize * TinyQwen25VLCheckpoint.MergeSize, pan.ImageSize);
        Assert.Equal(BackboneTraining.Frozen, pan.Dynamics.Training);
        Assert.Equal(pan.VisionLanguage!.Text, pan.Backbone);
        Assert.Equal(pan, WorldModelConfig.FromJson(pan.ToJson()));

        var textFolder = Path.Combine(_saved, "qwen2");
        Directory.CreateDirectory(textFolder);
        File.WriteAllText(Path.Combine(textFolder, "config.json"), TinyQwen25VLCheckpoint.TextOnlyQwen2ConfigJson());
        var text = WorldModelConfig.Pan(textFolder);
        Assert.Null(text.VisionLanguage);
        Assert.Equal(256, text.ImageSize);
        Assert.Equal((256, 1024), (text.Dynamics.LatentTokens, text.Dynamics.LatentWidth));
    }

    [Fact]
    public void The_encoder_is_the_vision_tower_on_the_processors_patch_rows()
    {
        using var model = PanGym.WorldModel.PanWorldModel.Create(TinyConfig(), seed: 1);
        var encoder = Assert.IsType<VisionTowerEncoder>(model.Encoder);
        var (frames, _, _) = WorldModelTests.ShapesWorldTransitions(2, seed: 4);
        using var checkpoint = Qwen25VLCheckpoint.Load(_backbone.Path);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var states = model.Encode(model.ToModelPixels(frames));
        Assert.Equal([2L, 64, TinyQwen25VLCheckpoint.Hidden], states.shape);
        var expected = checkpoint.Model.EncodeImages(frames.Select(checkpoint.ImageProcessor.Process).ToArray());
        Assert.True(Backbone.TestModels.MaxAbsDiff(states.reshape(128, -1), expected) < 1e-4, "the encoder must equal the tower on the processor's pixel values");
        Assert.All(encoder.Tower.parameters(), p => Assert.False(p.requires_grad));
    }

    /// <summary>
    /// One turn: "&lt;|im_start|&gt;user\n&lt;|vision_start|&gt;" as text, the 2 × 3 state grid at base + (0, row, column),
    /// the text after it from base + 3, the slots likewise; the next turn starts one span later.
    /// </summary>
    [Fact]
    public void Turn_positions_follow_get_rope_index()
    {
        var tokenizer = HuggingFaceTokenizer.FromFolder(_backbone.Path);
        var layout = new ChatTurnLayout(tokenizer, latentTokens: 6, maxActionTokens: 4, visionMarkers: true);
        Assert.Equal(tokenizer.TokenToId("<|vision_start|>"), (int)layout.UserPrefix[^1]);
        Assert.Equal(tokenizer.TokenToId("<|vision_end|>"), (int)layout.TurnTokenIds("left")[layout.StateOffset + 6]);
        var positions = new MultimodalTurnPositions(layout, (2, 3));
        using var scope = NewDisposeScope();
        var all = positions.For(0, 2 * layout.TurnLength, CPU);
        long Component(int c, int token) => all[c, 0, token].item<long>();
        int state = layout.StateOffset, slots = layout.SlotOffset;
        Assert.Equal(state - 1, Component(0, state - 1));
        long stateBase = state;
        Assert.Equal((stateBase, stateBase, stateBase), (Component(0, state), Component(1, state), Component(2, state)));
        Assert.Equal((stateBase, stateBase + 1, stateBase + 2), (Component(0, state + 5), Component(1, state + 5), Component(2, state + 5)));
        Assert.Equal((stateBase + 1, stateBase), (Component(1, state + 3), Component(2, state + 3)));
        Assert.Equal(stateBase + 3, Component(0, state + 6));
        long slotBase = Component(0, slots - 1) + 1;
        Assert.Equal((slotBase, slotBase + 1, slotBase + 2), (Component(0, slots + 5), Component(1, slots + 5), Component(2, slots + 5)));
        Assert.Equal(slotBase + 3, Component(0, slots + 6));
        Assert.Equal(positions.Span, Component(0, layout.TurnLength));
        Assert.Equal(positions.Span + stateBase + 1, Component(1, layout.TurnLength + state + 3));
        using var later = positions.For(layout.TurnLength + state, 4, CPU);
        Assert.True(later.equal(all.narrow(2, layout.TurnLength + state, 4)).all().item<bool>());
    }

    [Fact]
    public void Frames_the_processor_would_resize_are_refused()
    {
        File.WriteAllText(Path.Combine(_backbone.Path, Qwen2VLImageProcessorConfig.FileName), TinyQwen25VLCheckpoint.PreprocessorConfigJson());
        var error = Assert.Throws<ArgumentException>(() => PanGym.WorldModel.PanWorldModel.Create(TinyConfig()));
        Assert.Contains("would resize 32×32 frames to 24×24", error.Message);
    }

    [Fact]
    public void Cached_rollout_reads_the_same_positions_as_the_teacher_forced_sequence()
    {
        using var model = PanGym.WorldModel.PanWorldModel.Create(TinyConfig(), seed: 2);
        DynamicsOutput.Randomize(model.Dynamics);
        var (frames, actions, _) = WorldModelTests.ShapesWorldTransitions(3, seed: 6);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var states = model.Encode(model.ToModelPixels(frames)).unsqueeze(0);
        var sequence = model.Dynamics.PredictSequence(states, [actions]);
        using var history = model.NewHistory(1);
        for (int t = 0; t < 3; t++)
        {
            var next = model.PredictNext(history, states[0, t].unsqueeze(0), [actions[t]]);
            Assert.True(Backbone.TestModels.MaxAbsDiff(next, sequence[0, t].unsqueeze(0)) < 1e-4, $"turn {t}: cached and teacher-forced predictions differ");
        }
    }

    [Fact]
    public void A_tiny_vision_language_world_model_trains_with_its_backbone_bit_identical_and_round_trips()
    {
        using var model = PanGym.WorldModel.PanWorldModel.Create(TinyConfig(), seed: 3);
        var frozen = model.Encoder.state_dict().Select(kv => ("encoder." + kv.Key, kv.Value))
            .Concat(model.Dynamics.Backbone.state_dict().Select(kv => ("backbone." + kv.Key, kv.Value)))
            .ToDictionary(entry => entry.Item1, entry => entry.Item2.clone().DetachFromDisposeScope());
        var trainable = model.TrainableParameters().ToList();
        Assert.DoesNotContain(trainable, p => model.Encoder.parameters().Any(q => ReferenceEquals(p, q)));
        Assert.DoesNotContain(trainable, p => model.Dynamics.Backbone.parameters().Any(q => ReferenceEquals(p, q)));
        Assert.Equal(model.ParameterCounts()["trainable"], model.ParameterCounts()["dynamics adapters"] + model.ParameterCounts()["decoder"]);

        var (before, actions, after) = WorldModelTests.ShapesWorldTransitions(4, seed: 2);
        using var frames = stack([model.ToModelPixels(before), model.ToModelPixels(after)], 1);
        var rows = actions.Select(a => (IReadOnlyList<string>)[a]).ToArray();
        using var optimizer = optim.AdamW(trainable, lr: 2e-3);
        var losses = new List<double>();
        for (int step = 0; step < 25; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = model.Loss(frames, rows, new Generator(9));
            loss.Total.backward();
            optimizer.step();
            losses.Add(loss.Total.item<float>());
        }
        Console.WriteLine($"tiny VL world model: loss {losses[0]:F4} → {losses[^1]:F4} in {losses.Count} steps");
        Assert.True(losses.TakeLast(3).Average() < 0.8 * losses.Take(3).Average(), $"the loss did not fall: {string.Join(", ", losses.Select(l => l.ToString("F3")))}");
        foreach (var (name, value) in model.Encoder.state_dict().Select(kv => ("encoder." + kv.Key, kv.Value))
            .Concat(model.Dynamics.Backbone.state_dict().Select(kv => ("backbone." + kv.Key, kv.Value))))
            Assert.True(value.equal(frozen[name]).all().item<bool>(), $"frozen tensor {name} changed");
        foreach (var tensor in frozen.Values) tensor.Dispose();

        PanGym.WorldModel.WorldModelCheckpoint.Save(model, _saved);
        using var loaded = PanGym.WorldModel.WorldModelCheckpoint.Load(_saved);
        Assert.Equal(model.Config, loaded.Config);
        Assert.IsType<VisionTowerEncoder>(loaded.Encoder);
        using var noGrad = no_grad();
        using var outer = NewDisposeScope();
        var context = model.ToModelPixels(before);
        using var history = model.NewHistory(4);
        using var loadedHistory = loaded.NewHistory(4);
        var expected = model.PredictNext(history, model.Encode(context), actions);
        var actual = loaded.PredictNext(loadedHistory, loaded.Encode(context), actions);
        Assert.True(expected.equal(actual).all().item<bool>(), "a loaded world model must predict bit-identically");
    }
}
