using PanGym.WorldModel;
using static TorchSharp.torch;

namespace PanGym.Tests.WorldModel;

public class LatentRendererTests
{
    [Fact]
    public void Each_latent_token_paints_only_its_own_region_of_the_frame()
    {
        using var renderer = new LatentRenderer(imageSize: 32, latentTokens: 8, latentWidth: 16);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var latents = randn(2, 8, 16);
        var painted = renderer.forward(latents);
        Assert.Equal([2L, 3L, 32L, 32L], painted.shape);

        // 8 tokens lie as a 2×4 grid: token 5 (row 1, column 1) owns rows 16–31 and columns 8–15.
        var changed = latents.clone();
        changed.select(0, 0).select(0, 5).copy_(randn(16));
        var difference = (renderer.forward(changed) - painted).abs().select(0, 0).sum([0]);
        Assert.True(difference.narrow(0, 16, 16).narrow(1, 8, 8).min().item<float>() > 0, "the token's own region did not change");
        Assert.Equal(difference.sum().item<float>(), difference.narrow(0, 16, 16).narrow(1, 8, 8).sum().item<float>(), 3);
        Assert.Equal(0f, (renderer.forward(changed) - painted).select(0, 1).abs().max().item<float>());
    }

    [Fact]
    public void A_grid_that_does_not_divide_the_frame_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new LatentRenderer(imageSize: 16, latentTokens: 12, latentWidth: 8));
        Assert.Contains("3×4 grid", error.Message);
    }
}
