using PanGym.DependencyInjection;

namespace PanGym.Envs;

/// <summary>Adds the ground-truth environments to <c>services.AddPanGym(pan =&gt; pan.AddGroundTruthEnvironments())</c>.</summary>
public static class GroundTruthEnvironmentsBuilderExtensions
{
    /// <summary>Registers ShapesWorld-v0 and MomentumWorld-v0 (see <see cref="GroundTruthEnvironments"/> for their keyword arguments).</summary>
    public static PanGymBuilder AddGroundTruthEnvironments(this PanGymBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .AddEnvironment(GroundTruthEnvironments.ShapesWorldSpec, (_, kwargs) => GroundTruthEnvironments.CreateShapesWorld(kwargs))
            .AddEnvironment(GroundTruthEnvironments.MomentumWorldSpec, (_, kwargs) => GroundTruthEnvironments.CreateMomentumWorld(kwargs));
    }
}
