using Microsoft.Extensions.DependencyInjection;
using PanGym.Gym;

namespace PanGym.DependencyInjection;

/// <summary>Configures what <see cref="PanGymServiceCollectionExtensions.AddPanGym"/> registers.</summary>
public sealed class PanGymBuilder(IServiceCollection services)
{
    internal List<(EnvSpec Spec, Func<IServiceProvider, IReadOnlyDictionary<string, object?>, Env<Image, string>> Factory)> Environments { get; } = [];

    /// <summary>The service collection being configured.</summary>
    public IServiceCollection Services { get; } = services;

    /// <summary>Registers an environment by name; the factory gets the service provider and the keyword arguments given to <c>Make</c>.</summary>
    public PanGymBuilder AddEnvironment(EnvSpec spec, Func<IServiceProvider, IReadOnlyDictionary<string, object?>, Env<Image, string>> factory)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(factory);
        Environments.Add((spec, factory));
        return this;
    }
}
