using PanGym.Evaluation;
using PanGym.Gym;
using PanGym.Imagination;
using PanGym.WorldModel;
using TorchSharp;
using static TorchSharp.torch;

namespace PanGym.Tests.Imagination;

/// <summary>The one imagination engine: the open loop reproduces the rollouts recorded before it existed, and the closed loop reads back exactly what it decoded.</summary>
public sealed class ImaginationEngineTests : IDisposable
{
    /// <summary>The model the golden rollouts were recorded with: a tiny model whose decoder and dynamics output layers are seeded random.</summary>
    readonly PanGym.WorldModel.PanWorldModel _model = GoldenModel();

    public void Dispose() => _model.Dispose();

    static PanGym.WorldModel.PanWorldModel GoldenModel()
    {
        var model = TinyWorld.Model(3);
        using var noGrad = no_grad();
        using var generator = new Generator(7);
        foreach (var (_, parameter) in model.Dynamics.named_parameters().Where(p => p.name.StartsWith("stateOut", StringComparison.Ordinal)))
            parameter.copy_(randn(parameter.shape, generator: generator) * 0.05);
        return model;
    }

    static readonly string[][] GoldenActions =
    [
        ["move the red circle left", "wait", "move the blue square up", "move the red circle right", "wait", "move the green triangle down", "wait"],
        ["wait", "move the red circle up", "move the red circle up", "move the blue square left", "wait", "wait", "move the red circle down"],
    ];

    [Fact]
    public void With_the_closed_loop_off_the_engine_reproduces_the_rollouts_recorded_before_it()
    {
        // TestData/Imagination/open-loop-rollouts.bin: 2 × 7 frames of WorldModelPredictor.Rollout (window of 4 turns re-read
        // from 3, seed 5), then 7 frames of WorldModel.ImagineVideo (a whole-episode history, seed 9), both 2 Euler steps at
        // temperature 1, recorded from the loops that the engine replaced.
        var golden = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "Imagination", "open-loop-rollouts.bin"));
        var sampling = new FlowSamplingOptions(steps: 2, temperature: 1);
        var starts = new[] { TinyWorld.Frame(1), TinyWorld.Frame(2) };
        var predictor = new WorldModelPredictor(_model, new RolloutOptions(ClosedLoop.Off, sampling), seed: 5);
        var rolled = predictor.Rollout(starts, GoldenActions).SelectMany(r => r);
        var video = new ImaginationEngine(_model, new RolloutOptions(ClosedLoop.Off, sampling, new HistoryWindow(8, 7))).ImagineVideo(starts[0], GoldenActions[0], seed: 9);
        var frames = rolled.Concat(video).ToArray();

        Assert.Equal(golden.Length, frames.Sum(f => f.Data.Length));
        int offset = 0, differing = 0, largest = 0;
        foreach (var frame in frames)
        {
            for (int i = 0; i < frame.Data.Length; i++)
            {
                int difference = Math.Abs(frame.Data[i] - golden[offset + i]);
                if (difference > 0) differing++;
                largest = Math.Max(largest, difference);
            }
            offset += frame.Data.Length;
        }
        // Identical on the machine that recorded them; another CPU's float rounding may flip a byte's last level.
        Assert.True(largest <= 1 && differing <= golden.Length / 1000, $"{differing} bytes differ, by up to {largest} levels");
    }

    [Fact]
    public void The_closed_loop_reads_back_the_encoding_of_exactly_the_frame_it_decoded()
    {
        var engine = new ImaginationEngine(_model, new RolloutOptions(ClosedLoop.Reencode, TinyWorld.FastSampling));
        using var scope = NewDisposeScope();
        using var trajectories = engine.Start([TinyWorld.Frame(1), TinyWorld.Frame(2)]);
        using var generator = new Generator(3);
        for (int step = 0; step < 4; step++)
        {
            var imagined = engine.Step(trajectories, [GoldenActions[0][step], GoldenActions[1][step]], generator);
            using var noGrad = no_grad();
            Assert.True(trajectories.Frame!.eq(imagined.Frames!).all().item<bool>(), "the trajectories continue from another frame than the one decoded");
            Assert.True(trajectories.State.eq(_model.Encode(imagined.Frames!)).all().item<bool>(), "the state read next is not h(ô) of the decoded frame");
            Assert.False(trajectories.State.allclose(imagined.Latents), "the closed loop kept the predicted state ŝ");
        }

        var open = new ImaginationEngine(_model, new RolloutOptions(ClosedLoop.Off, TinyWorld.FastSampling));
        using var openTrajectories = open.Start([TinyWorld.Frame(1)]);
        var predicted = open.Step(openTrajectories, ["wait"], generator, framesWanted: false);
        Assert.Null(predicted.Frames);
        Assert.True(openTrajectories.State.eq(predicted.Latents).all().item<bool>(), "the open loop does not read back ŝ");
    }

    [Fact]
    public void Observing_a_real_frame_takes_its_encoding_and_returns_the_prediction()
    {
        var engine = new ImaginationEngine(_model, new RolloutOptions(sampling: TinyWorld.FastSampling));
        using var scope = NewDisposeScope();
        using var trajectories = engine.Start([TinyWorld.Frame(1)]);
        var next = _model.ToModelPixels([TinyWorld.Frame(4)]);
        var predicted = engine.Observe(trajectories, ["wait"], next);
        using var noGrad = no_grad();
        Assert.Equal([1, 16, 64], predicted.shape);
        Assert.True(trajectories.State.eq(_model.Encode(next)).all().item<bool>());
        Assert.True(trajectories.Frame!.eq(next).all().item<bool>());
        Assert.Equal(1, trajectories.History.Turns);
    }

    [Fact]
    public void The_closed_loop_with_swin_dpm_decoding_is_refused_with_the_reason()
    {
        var e = Assert.Throws<ArgumentException>(() => new RolloutOptions(ClosedLoop.Reencode, new FlowSamplingOptions(steps: 4, decoding: VideoDecoding.SwinDpm, windowSize: 2)));
        Assert.Contains("step-by-step", e.Message);
    }
}
