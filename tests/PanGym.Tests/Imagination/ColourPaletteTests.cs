using PanGym.Envs;
using PanGym.Gym;
using PanGym.Imagination;
using static TorchSharp.torch;

namespace PanGym.Tests.Imagination;

/// <summary>The flat-colour projection of the closed loop: which frames have a palette, what snapping does, and that the engine re-encodes the snapped frame.</summary>
public sealed class ColourPaletteTests
{
    [Fact]
    public void A_flat_coloured_world_has_exactly_its_colours_and_noise_has_no_palette()
    {
        var palette = ColourPalette.FromFrames([TinyWorld.Frame(1), TinyWorld.Frame(2)]);
        Assert.NotNull(palette);
        var colours = new[] { TinyWorld.Frame(1), TinyWorld.Frame(2) }.SelectMany(f => f.Data.Chunk(3)).Select(c => (c[0], c[1], c[2])).ToHashSet();
        Assert.Equal(colours.Count, palette.Colours.Count);
        Assert.All(palette.Colours, c => Assert.Contains((c[0], c[1], c[2]), colours));

        var random = new Random(0);
        var noise = new byte[32 * 32 * 3];
        random.NextBytes(noise);
        Assert.Null(ColourPalette.FromFrames([new Image(32, 32, noise)]));
        Assert.Null(ColourPalette.FromFrames([new Image(8, 8, new byte[8 * 8 * 3])]));
        Assert.Throws<ArgumentException>(() => ColourPalette.FromFrames([]));
    }

    [Fact]
    public void Snapping_moves_every_pixel_to_its_nearest_colour_and_leaves_palette_frames_unchanged()
    {
        var frame = TinyWorld.Frame(1);
        var palette = ColourPalette.FromFrames([frame])!;
        using var scope = NewDisposeScope();
        var pixels = PanGym.Data.ModelPixels.FromBytes(tensor(frame.Data, [1, 32, 32, 3]));
        Assert.True(palette.Snap(pixels).eq(pixels).all().item<bool>(), "a frame drawn in the palette changed");

        using var generator = new Generator(1);
        var noisy = pixels + 0.04 * randn(pixels.shape, generator: generator);
        var snapped = palette.Snap(noisy);
        Assert.True(snapped.eq(pixels).all().item<bool>(), "small noise on a flat-coloured frame did not snap back to it");

        var bytes = PanGym.Data.ModelPixels.ToBytes(palette.Snap(rand([2, 3, 5, 7], generator: generator) * 2 - 1)).data<byte>().ToArray();
        var allowed = palette.Colours.Select(c => (c[0], c[1], c[2])).ToHashSet();
        Assert.All(bytes.Chunk(3), c => Assert.Contains((c[0], c[1], c[2]), allowed));
        Assert.Throws<ArgumentException>(() => palette.Snap(zeros(3, 32, 32)));
    }

    [Fact]
    public void The_closed_loop_with_a_palette_re_encodes_the_snapped_frame_it_returns()
    {
        using var model = TinyWorld.MovingModel(2);
        var start = TinyWorld.Frame(3);
        var palette = ColourPalette.FromFrames([start])!;
        var engine = new ImaginationEngine(model, new RolloutOptions(ClosedLoop.Reencode, TinyWorld.FastSampling, palette: palette));
        using var scope = NewDisposeScope();
        using var trajectories = engine.Start([start]);
        using var generator = new Generator(3);
        var allowed = palette.Colours.Select(c => (c[0], c[1], c[2])).ToHashSet();
        for (int step = 0; step < 4; step++)
        {
            var imagined = engine.Step(trajectories, ["move the red circle left"], generator);
            using var noGrad = no_grad();
            Assert.True(trajectories.State.eq(model.Encode(imagined.Frames!)).all().item<bool>(), "the state read next is not h(ô) of the snapped frame");
            var image = PanGym.WorldModel.PanWorldModel.FromModelPixels(imagined.Frames!)[0];
            Assert.All(image.Data.Chunk(3), c => Assert.Contains((c[0], c[1], c[2]), allowed));
        }
    }

    [Fact]
    public void Palettes_of_too_few_or_too_many_or_repeated_colours_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new ColourPalette([[1, 2, 3]]));
        Assert.Throws<ArgumentException>(() => new ColourPalette([[1, 2, 3], [1, 2, 3]]));
        Assert.Throws<ArgumentException>(() => new ColourPalette([[1, 2, 3], [1, 2]]));
        Assert.Throws<ArgumentException>(() => new ColourPalette([.. Enumerable.Range(0, ColourPalette.MaxColours + 1).Select(i => new[] { (byte)i, (byte)0, (byte)0 })]));
    }
}
