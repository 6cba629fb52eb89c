using Microsoft.Extensions.DependencyInjection;
using PanGym.DependencyInjection;
using PanGym.Envs;
using PanGym.Gym;
using PanGym.Gym.Spaces;

namespace PanGym.Tests.Envs;

public class GroundTruthRegistrationTests
{
    static EnvRegistry Registry()
    {
        var registry = new EnvRegistry();
        GroundTruthEnvironments.Register(registry);
        return registry;
    }

    [Fact]
    public void Both_environments_are_registered_with_descriptions_and_limits()
    {
        var specs = Registry().Specs;
        Assert.Equal(["MomentumWorld-v0", "ShapesWorld-v0"], specs.Select(s => s.Id));
        Assert.All(specs, s => Assert.False(string.IsNullOrWhiteSpace(s.Description)));
        Assert.Equal(50, Registry().Spec("ShapesWorld").MaxEpisodeSteps);
        Assert.Equal(100, Registry().Spec("MomentumWorld-v0").MaxEpisodeSteps);
    }

    [Fact]
    public void Make_passes_keyword_arguments()
    {
        var registry = Registry();
        var shapes = registry.Make("ShapesWorld-v0", new Dictionary<string, object?> { ["size"] = 32, ["max_shapes"] = "1" });
        Assert.Equal(32, Assert.IsType<ImageSpace>(shapes.ObservationSpace).Height);
        var world = Assert.IsType<ShapesWorld>(shapes.Unwrapped);
        Assert.Equal((32, 6, 1), (world.Config.Size, world.Config.ShapeSize, world.Config.MaxShapes));
        var momentum = Assert.IsType<MomentumWorld>(registry.Make("MomentumWorld", new Dictionary<string, object?> { ["friction"] = 0.1 }).Unwrapped);
        Assert.Equal(0.1, momentum.Config.Friction);
    }

    [Fact]
    public void Unknown_keyword_argument_is_refused_listing_the_accepted_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => Registry().Make("MomentumWorld-v0", new Dictionary<string, object?> { ["gravity"] = 1 }));
        Assert.Contains("\"gravity\"", e.Message);
        Assert.Contains("\"size\", \"friction\"", e.Message);
        var wrongType = Assert.Throws<ArgumentException>(() => Registry().Make("ShapesWorld-v0", new Dictionary<string, object?> { ["size"] = "big" }));
        Assert.Contains("\"size\" must be an integer", wrongType.Message);
    }

    [Fact]
    public void Made_environments_enforce_order_and_truncate_at_the_limit()
    {
        using var env = Registry().Make("ShapesWorld-v0");
        Assert.Throws<ResetNeededException>(() => env.Step("wait"));
        env.Reset(0);
        for (int step = 1; step < 50; step++) Assert.False(env.Step("wait").Truncated);
        Assert.True(env.Step("wait").Truncated);
    }

    [Fact]
    public void Dependency_injection_resolves_the_same_environments()
    {
        using var provider = new ServiceCollection().AddPanGym(pan => pan.AddGroundTruthEnvironments()).BuildServiceProvider();
        var registry = provider.GetRequiredService<EnvRegistry>();
        Assert.Equal(["MomentumWorld-v0", "ShapesWorld-v0"], registry.Specs.Select(s => s.Id));
        using var env = registry.Make("MomentumWorld-v0", new Dictionary<string, object?> { ["size"] = 32 });
        Assert.Equal(32, env.Reset(0).Observation.Width);
    }
}
