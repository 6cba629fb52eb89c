using Microsoft.Extensions.DependencyInjection;
using PanGym.Data;
using PanGym.DependencyInjection;
using PanGym.Envs;
using PanGym.Gym;
using PanGym.Gym.Spaces;

namespace PanGym.Tests.Envs;

public sealed class GroundTruthRegistryTests
{
    /// <summary>An environment that is not a GroundTruthEnv: a blank frame, every action accepted.</summary>
    sealed class BlankWorld : Env<Image, string>
    {
        public override Space<Image> ObservationSpace { get; } = new ImageSpace(8, 8);

        public override Space<string> ActionSpace { get; } = new TextSpace(maxLength: 10);

        public override ResetResult<Image> Reset(int? seed = null, IReadOnlyDictionary<string, object?>? options = null) =>
            new(new Image(8, 8), new Dictionary<string, object?>());

        public override StepResult<Image> Step(string action) => new(new Image(8, 8), 0, false, false, new Dictionary<string, object?>());

        public override Image? Render() => new(8, 8);
    }

    [Fact]
    public void An_unregistered_environment_is_refused_with_how_to_register_it()
    {
        var registry = new GroundTruthRegistry();
        var e = Assert.Throws<ArgumentException>(() => registry.PolicyFor(new DotWorld()));
        Assert.Contains("No exploration policy or simulator is registered for DotWorld", e.Message);
        Assert.Contains("GroundTruthRegistry.Default.Register<DotWorld>(", e.Message);
        Assert.Contains("AddGroundTruthEnvironment<DotWorld>(", e.Message);
        Assert.Throws<ArgumentException>(() => registry.SimulatorFor(new DotWorld()));
        Assert.Contains("Registered: MomentumWorld, ShapesWorld.", Assert.Throws<ArgumentException>(() => GroundTruthRegistry.WithBuiltIns().PolicyFor(new DotWorld())).Message);
    }

    [Fact]
    public void The_built_in_environments_are_found_through_the_registry_as_before()
    {
        using var shapes = GroundTruthSimulators.For(new ShapesWorld(ShapesWorldConfig.Small));
        using var momentum = GroundTruthSimulators.For(new MomentumWorld(MomentumWorldConfig.Small));
        Assert.False(shapes.HasHiddenState);
        Assert.True(momentum.HasHiddenState);
        Assert.IsType<ShapesWorldExploration>(GroundTruthExploration.PolicyFor(new ShapesWorld()));
        Assert.IsType<MomentumWorldExploration>(GroundTruthExploration.PolicyFor(new MomentumWorld()));
    }

    [Fact]
    public void An_environment_registered_through_dependency_injection_is_found_by_the_static_lookups()
    {
        using var services = new ServiceCollection()
            .AddPanGym(pan => pan.AddGroundTruthEnvironments()
                .AddGroundTruthEnvironment(DotWorld.Spec0, (_, kwargs) => DotWorld.Create(kwargs), _ => new DotExploration()))
            .BuildServiceProvider();
        var registry = services.GetRequiredService<EnvRegistry>();
        Assert.Same(GroundTruthRegistry.Default, services.GetRequiredService<GroundTruthRegistry>());

        Assert.IsType<DotExploration>(GroundTruthExploration.PolicyFor(registry.Make("DotWorld-v0")));
        using var simulator = GroundTruthSimulators.For(registry.Make("DotWorld-v0", new Dictionary<string, object?> { ["size"] = 24 }));
        Assert.Equal(("DotWorld-v0", 24, false), (simulator.Name, simulator.FrameSize, simulator.HasHiddenState));
        var episode = simulator.Record(seed: 4, steps: 6);
        Assert.Equal(6, episode.Steps);
        Assert.All(episode.Positions, p => Assert.Equal([DotProbe.Name], p.Keys));
        Assert.Equal(episode.Frames.Count, episode.Infos!.Count);
        Assert.IsType<DotState>(episode.Infos[6]["state"]);
        var displacements = episode.Displacements.Select(d => d[DotProbe.Name]).ToArray();
        Assert.All(displacements.Where((_, t) => episode.Actions[t] == "wait"), d => Assert.Equal((0.0, 0.0), d));
        Assert.Contains(displacements, d => Math.Abs(d.Dx) + Math.Abs(d.Dy) == DotWorld.StepPixels);
    }

    [Fact]
    public void A_registration_made_in_code_is_found_for_a_wrapped_environment_and_replaced_by_a_later_one()
    {
        var registry = new GroundTruthRegistry().Register<DotWorld>(_ => new DotExploration());
        using var wrapped = new PanGym.Gym.Wrappers.TimeLimit<Image, string>(new DotWorld { Spec = DotWorld.Spec0 }, 5);
        Assert.True(registry.IsRegistered(wrapped));
        Assert.IsType<DotExploration>(registry.PolicyFor(wrapped));
        using (var simulator = registry.SimulatorFor(wrapped)) Assert.Equal("DotWorld-v0", simulator.Name);

        var replacement = new RandomPolicy();
        registry.Register<DotWorld>(_ => replacement, hasHiddenState: true);
        Assert.Same(replacement, registry.PolicyFor(new DotWorld()));
        using var hidden = registry.SimulatorFor(new DotWorld());
        Assert.True(hidden.HasHiddenState);
        Assert.Equal("DotWorld", hidden.Name);
    }

    sealed class RandomPolicy : IExplorationPolicy
    {
        public string Name => "random";

        public void BeginEpisode() { }

        public string Act(Image observation, IReadOnlyDictionary<string, object?> info, Random random) => "wait";
    }

    [Fact]
    public void An_environment_that_is_not_a_ground_truth_env_is_simulated_only_by_a_simulator_it_brings()
    {
        var registry = new GroundTruthRegistry().Register<BlankWorld>(_ => new RandomPolicy());
        Assert.IsType<RandomPolicy>(registry.PolicyFor(new BlankWorld()));
        Assert.Contains("no simulator", Assert.Throws<ArgumentException>(() => registry.SimulatorFor(new BlankWorld())).Message);

        using var dot = GroundTruthRegistry.WithBuiltIns().Register<DotWorld>(_ => new DotExploration()).SimulatorFor(new DotWorld());
        registry.Register<BlankWorld>(_ => new RandomPolicy(), (_, _, _) => dot);
        Assert.Same(dot, registry.SimulatorFor(new BlankWorld()));
    }

    [Theory]
    [InlineData(DotWorld.Fault.MutatesState, "Transition changed the state it was given")]
    [InlineData(DotWorld.Fault.HiddenCounter, "but Transition from the state before it gives")]
    [InlineData(DotWorld.Fault.MisnamedPositions, "its StateProbe reports \"dot\", which ObjectPositions does not name (it names \"ball\")")]
    public void A_simulator_whose_state_does_not_round_trip_is_refused_naming_the_problem(DotWorld.Fault fault, string problem)
    {
        using var simulator = new GroundTruthRegistry().Register<DotWorld>(_ => new DotExploration()).SimulatorFor(new DotWorld(fault: fault));
        var e = Assert.Throws<InvalidOperationException>(() => simulator.Record(seed: 1, steps: 12));
        Assert.StartsWith("DotWorld: ", e.Message);
        Assert.Contains(problem, e.Message);
        if (fault != DotWorld.Fault.MisnamedPositions) Assert.Contains("the state does not round-trip at step", e.Message);
    }
}
