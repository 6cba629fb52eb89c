using Microsoft.Extensions.DependencyInjection;
using PanGym.Gym;

namespace PanGym.DependencyInjection;

/// <summary>Wires PanGym's parts into a <see cref="IServiceCollection"/>, so the CLI and users resolve them the same way.</summary>
public static class PanGymServiceCollectionExtensions
{
    /// <summary>
    /// Adds PanGym: an <see cref="EnvRegistry"/> singleton holding the environments that <paramref name="configure"/>
    /// registers (for example <c>pan =&gt; pan.AddGroundTruthEnvironments()</c> from PanGym.Envs).
    /// </summary>
    public static IServiceCollection AddPanGym(this IServiceCollection services, Action<PanGymBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = new PanGymBuilder(services);
        configure?.Invoke(builder);
        services.AddSingleton(provider =>
        {
            var registry = new EnvRegistry();
            foreach (var (spec, factory) in builder.Environments)
                registry.Register(spec, kwargs => factory(provider, kwargs));
            return registry;
        });
        return services;
    }
}
