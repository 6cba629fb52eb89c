using PanGym.WorldModel;
using TorchSharp;
using static TorchSharp.torch;

namespace PanGym.Tests.WorldModel;

/// <summary>
/// A fresh <see cref="LatentDynamics"/> predicts ŝ_{t+1} = s_t exactly (its output projection starts at zero), so a
/// test of what the history or the action does to a prediction first gives the projection weights, as training would.
/// </summary>
static class DynamicsOutput
{
    public static LatentDynamics Randomize(LatentDynamics dynamics, int seed = 0)
    {
        using var noGrad = no_grad();
        var generator = new Generator((ulong)seed + 11);
        foreach (var (name, parameter) in dynamics.named_parameters().Where(p => p.name.StartsWith("stateOut.")))
            parameter.copy_(randn(parameter.shape, generator: generator) * 0.2);
        return dynamics;
    }
}
