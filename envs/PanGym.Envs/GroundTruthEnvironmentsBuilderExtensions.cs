using Microsoft.Extensions.DependencyInjection.Extensions;
using PanGym.Data;
using PanGym.DependencyInjection;
using PanGym.Gym;
using PanGym.Planning;

namespace PanGym.Envs;

/// <summary>Adds ground-truth environments to <c>services.AddPanGym(pan =&gt; pan.AddGroundTruthEnvironments())</c>.</summary>
public static class GroundTruthEnvironmentsBuilderExtensions
{
    /// <summary>
    /// Registers ShapesWorld-v0 and MomentumWorld-v0 (see <see cref="GroundTruthEnvironments"/> for their keyword arguments),
    /// and <see cref="GroundTruthRegistry.Default"/> as the <see cref="GroundTruthRegistry"/> service.
    /// </summary>
    public static PanGymBuilder AddGroundTruthEnvironments(this PanGymBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton(GroundTruthRegistry.Default);
        return builder
            .AddEnvironment(GroundTruthEnvironments.ShapesWorldSpec, (_, kwargs) => GroundTruthEnvironments.CreateShapesWorld(kwargs))
            .AddEnvironment(GroundTruthEnvironments.MomentumWorldSpec, (_, kwargs) => GroundTruthEnvironments.CreateMomentumWorld(kwargs));
    }

    /// <summary>
    /// Registers your own environment by name, as <see cref="PanGymBuilder.AddEnvironment"/> does, and its exploration policy
    /// in <see cref="GroundTruthRegistry.Default"/> (the <see cref="GroundTruthRegistry"/> service), so that data generation,
    /// <see cref="GroundTruthSimulators.For"/> and the command line's train, eval and rollout find it like a built-in one.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="spec">Its id, description and episode limit.</param>
    /// <param name="factory">Makes it from the service provider and the keyword arguments given to <c>Make</c>; the command line passes
    /// <c>size</c> (the canvas side) when the model's frame size is known.</param>
    /// <param name="explorationPolicy">The policy that records its episodes (for a data set and the evaluation).</param>
    /// <param name="hasHiddenState">Whether one frame hides part of its state, so that the evaluation also runs the no-history ablation.</param>
    /// <param name="goalTasks">Its goal tasks for <c>pangym plan</c> (see <see cref="GroundTruthRegistry.RegisterGoalTasks"/>); null for none,
    /// or when the environment implements <see cref="IGoalTaskProvider"/>.</param>
    public static PanGymBuilder AddGroundTruthEnvironment<TEnv>(this PanGymBuilder builder, EnvSpec spec,
        Func<IServiceProvider, IReadOnlyDictionary<string, object?>, TEnv> factory, Func<TEnv, IExplorationPolicy> explorationPolicy,
        bool hasHiddenState = false, Func<TEnv, IGoalTaskSource>? goalTasks = null)
        where TEnv : Env<Image, string>
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        GroundTruthRegistry.Default.Register(explorationPolicy, hasHiddenState);
        if (goalTasks is not null) GroundTruthRegistry.Default.RegisterGoalTasks(goalTasks);
        builder.Services.TryAddSingleton(GroundTruthRegistry.Default);
        return builder.AddEnvironment(spec, factory);
    }
}
