using PanGym.Gym;
using TorchSharp;

namespace PanGym.Tests.Gym;

public class ImageTests
{
    static Image RandomImage(int h, int w, int seed)
    {
        var image = new Image(h, w);
        new Random(seed).NextBytes(image.Data);
        return image;
    }

    [Fact]
    public void Tensor_round_trip_is_exact()
    {
        var image = RandomImage(5, 7, 1);
        using var t = image.ToTensor();
        Assert.Equal([3L, 5L, 7L], t.shape);
        Assert.Equal(torch.ScalarType.Float32, t.dtype);
        Assert.InRange(t.min().item<float>(), 0f, 1f);
        Assert.InRange(t.max().item<float>(), 0f, 1f);
        Assert.Equal(image, Image.FromTensor(t));
    }

    [Fact]
    public void Channels_first_tensor_has_the_right_pixel()
    {
        var image = new Image(2, 3);
        image[2, 1] = (255, 0, 51);
        using var t = image.ToTensor();
        Assert.Equal(1f, t[0, 1, 2].item<float>());
        Assert.Equal(0f, t[1, 1, 2].item<float>());
        Assert.Equal(0.2f, t[2, 1, 2].item<float>(), 5);
    }

    [Fact]
    public void Uint8_hwc_tensor_converts_and_floats_are_clamped()
    {
        var image = RandomImage(3, 4, 2);
        using var hwc = torch.tensor(image.Data, torch.ScalarType.Byte).reshape(3, 4, 3);
        Assert.Equal(image, Image.FromTensor(hwc));
        using var wild = torch.full(3, 2, 2, 7f);
        Assert.All(Image.FromTensor(wild).Data, b => Assert.Equal(255, b));
    }

    [Fact]
    public void Stacking_gives_a_batch_and_refuses_mixed_sizes()
    {
        using var batch = Image.ToTensor([RandomImage(4, 4, 1), RandomImage(4, 4, 2)]);
        Assert.Equal([2L, 3L, 4L, 4L], batch.shape);
        var error = Assert.Throws<ArgumentException>(() => Image.ToTensor([RandomImage(4, 4, 1), RandomImage(4, 5, 2)]));
        Assert.Contains("4×5", error.Message);
    }

    [Fact]
    public void Bad_sizes_and_tensors_are_refused_with_clear_messages()
    {
        Assert.Contains("needs 12 bytes", Assert.Throws<ArgumentException>(() => new Image(2, 2, new byte[11])).Message);
        Assert.Throws<ArgumentException>(() => new Image(0, 2));
        using var wrong = torch.zeros(4, 2, 2);
        Assert.Contains("[3, H, W]", Assert.Throws<ArgumentException>(() => Image.FromTensor(wrong)).Message);
        var size = Assert.Throws<ArgumentException>(() => new Image(2, 2).EnsureSize(64, 64, "observation"));
        Assert.Contains("expected 64×64", size.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Image(2, 2)[2, 0]);
    }

    [Fact]
    public void Upscale_repeats_pixels()
    {
        var image = RandomImage(2, 3, 4);
        var big = image.Upscale(3);
        Assert.Equal((6, 9), (big.Height, big.Width));
        Assert.Equal(image[2, 1], big[8, 5]);
        Assert.Equal(image[0, 0], big[2, 2]);
    }
}
