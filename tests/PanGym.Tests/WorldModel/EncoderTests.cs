using PanGym.WorldModel;
using TorchSharp;
using static TorchSharp.torch;

namespace PanGym.Tests.WorldModel;

public class EncoderTests
{
    [Fact]
    public void A_local_encoder_changes_only_the_code_of_the_region_whose_pixels_changed()
    {
        torch.manual_seed(2);
        using var encoder = new Encoder(WorldModelConfig.Tiny.Encoder);
        using var scope = NewDisposeScope();
        var frame = rand(1, 3, 32, 32) * 2 - 1;
        var changed = frame.clone();
        // 16 tokens lie as a 4×4 grid of 8×8 regions: rows 8–15, columns 16–23 belong to token 1 · 4 + 2 = 6.
        changed[.., .., TensorIndex.Slice(9, 14), TensorIndex.Slice(17, 22)] = rand(1, 3, 5, 5);
        var difference = (encoder.forward(changed) - encoder.forward(frame)).abs().amax([0, 2]);
        Assert.True(difference[6].item<float>() > 1e-3, "the changed region's code did not change");
        Assert.Equal(0f, cat([difference.narrow(0, 0, 6), difference.narrow(0, 7, 9)]).max().item<float>());
    }

    [Fact]
    public void Codes_have_zero_mean_and_unit_variance_per_token()
    {
        torch.manual_seed(3);
        using var encoder = new Encoder(WorldModelConfig.Tiny.Encoder);
        using var scope = NewDisposeScope();
        var codes = encoder.forward(rand(2, 3, 32, 32) * 2 - 1);
        Assert.True(codes.mean([-1]).abs().max().item<float>() < 1e-4);
        Assert.True((codes.var([-1], unbiased: false) - 1).abs().max().item<float>() < 1e-2);
    }
}
