using PanGym.Envs;
using PanGym.Gym;
using Xunit.Abstractions;

namespace PanGym.Tests.Envs;

public class StateProbeTests(ITestOutputHelper output)
{
    const int States = 240;

    static Image WithNoise(Image frame, Random random, int amplitude = 10)
    {
        var noisy = frame.Clone();
        for (int i = 0; i < noisy.Data.Length; i++)
            noisy.Data[i] = (byte)Math.Clamp(noisy.Data[i] + random.Next(-amplitude, amplitude + 1), 0, 255);
        return noisy;
    }

    [Theory]
    [InlineData(64)]
    [InlineData(32)]
    public void ShapesWorld_probe_recovers_exact_positions_even_with_noise(int size)
    {
        var env = new ShapesWorld(ShapesWorldConfig.ForSize(size));
        var actions = new Random(1);
        var noise = new Random(2);
        for (int seed = 0; seed < States; seed++)
        {
            var frame = env.Reset(seed).Observation;
            for (int step = actions.Next(4); step > 0; step--)
                frame = env.Step(ShapesWorldAction.Candidates[actions.Next(ShapesWorldAction.Candidates.Count)]).Observation;
            foreach (var image in new[] { frame, WithNoise(frame, noise) })
            {
                var probed = env.StateProbe.Probe(image);
                Assert.Equal(env.State.Shapes.Select(s => s.Kind.DisplayName()), probed.Select(p => p.Name));
                foreach (var (truth, found) in env.State.Shapes.Zip(probed))
                {
                    Assert.Equal(truth.X, found.X, 9);
                    Assert.Equal(truth.Y, found.Y, 9);
                }
            }
        }
    }

    [Theory]
    [InlineData(64, 0.35)]
    [InlineData(32, 0.4)]
    public void MomentumWorld_probe_recovers_the_sub_pixel_centre_even_with_noise(int size, double tolerance)
    {
        var env = new MomentumWorld(MomentumWorldConfig.ForSize(size));
        var actions = new Random(3);
        var noise = new Random(4);
        double worst = 0;
        for (int seed = 0; seed < States; seed++)
        {
            var frame = env.Reset(seed).Observation;
            for (int step = actions.Next(12); step > 0; step--)
                frame = env.Step(MomentumWorldAction.Candidates[actions.Next(MomentumWorldAction.Candidates.Count)]).Observation;
            var clean = Assert.Single(env.StateProbe.Probe(frame));
            Assert.Equal(clean, Assert.Single(env.StateProbe.Probe(WithNoise(frame, noise))));
            Assert.Equal("ball", clean.Name);
            worst = Math.Max(worst, Math.Max(Math.Abs(clean.X - env.State.X), Math.Abs(clean.Y - env.State.Y)));
        }
        output.WriteLine($"size {size}: worst probe error over {States} states {worst:F3} px");
        Assert.True(worst <= tolerance, $"worst probe error {worst:F3} px exceeds {tolerance} px at size {size}");
    }

    [Fact]
    public void Missing_objects_are_absent()
    {
        var shapes = new ShapesWorld();
        var reset = shapes.Reset(0, new Dictionary<string, object?> { ["shapes"] = new[] { new ShapeState(ShapeKind.Square, 30, 5) } });
        Assert.Equal(["blue square"], shapes.StateProbe.Probe(reset.Observation).Select(p => p.Name));
        var blank = new Image(64, 64);
        blank.Fill((16, 16, 24));
        Assert.Empty(shapes.StateProbe.Probe(blank));
        Assert.Empty(new MomentumWorld().StateProbe.Probe(blank));
    }

    [Fact]
    public void Off_palette_pixels_are_ignored()
    {
        var env = new ShapesWorld();
        var frame = env.Reset(0, new Dictionary<string, object?> { ["shapes"] = new[] { new ShapeState(ShapeKind.Circle, 30, 30) } }).Observation;
        frame[0, 0] = (128, 0, 128);
        var found = Assert.Single(env.StateProbe.Probe(frame));
        Assert.Equal((30.0, 30.0), (found.X, found.Y));
    }

    [Fact]
    public void Wrong_frame_size_is_refused_naming_both_sizes()
    {
        var shapes = Assert.Throws<ArgumentException>(() => new ShapesWorld().StateProbe.Probe(new Image(32, 48)));
        Assert.Contains("expected 64×64", shapes.Message);
        Assert.Contains("got 32×48", shapes.Message);
        var momentum = Assert.Throws<ArgumentException>(() => new MomentumWorld(MomentumWorldConfig.Small).StateProbe.Probe(new Image(64, 64)));
        Assert.Contains("expected 32×32", momentum.Message);
        Assert.Contains("MomentumWorld probe", momentum.Message);
    }
}
