using TorchSharp;

namespace PanGym.Tests.Gym;

/// <summary>TorchSharp's native library loads in the test host (the build's libstdc++ fix) and computes correctly.</summary>
public class TorchSharpTests
{
    [Fact]
    public void Native_backend_loads_and_computes()
    {
        using var a = torch.tensor(new float[] { 1, 2, 3, 4 }).reshape(2, 2);
        using var b = a.matmul(a);
        Assert.Equal(new float[] { 7, 10, 15, 22 }, b.data<float>().ToArray());
    }

    [Fact]
    public void Autograd_runs_a_training_step()
    {
        torch.manual_seed(0);
        using var layer = torch.nn.Linear(4, 1);
        using var optimizer = torch.optim.SGD(layer.parameters(), 0.1);
        using var x = torch.randn(16, 4);
        using var y = x.sum(1, keepdim: true);
        float Loss() { using var l = torch.nn.functional.mse_loss(layer.forward(x), y); return l.item<float>(); }
        float before = Loss();
        for (int i = 0; i < 20; i++)
        {
            using var scope = torch.NewDisposeScope();
            optimizer.zero_grad();
            torch.nn.functional.mse_loss(layer.forward(x), y).backward();
            optimizer.step();
        }
        Assert.True(Loss() < before / 2);
    }
}
