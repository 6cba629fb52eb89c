using System.Collections.Concurrent;
using PanGym.Data;
using PanGym.Evaluation;
using PanGym.Gym;
using PanGym.Planning;

namespace PanGym.Envs;

/// <summary>
/// Which exploration policy records an environment's data and how the environment becomes an evaluation's
/// <see cref="IGroundTruthSimulator"/>, by the environment's type: what <see cref="GroundTruthExploration.PolicyFor"/>,
/// <see cref="GroundTruthSimulators.For"/> and <c>pangym train</c> / <c>eval</c> / <c>rollout</c> look up.
/// </summary>
/// <remarks>
/// <see cref="Default"/> holds ShapesWorld and MomentumWorld; register your own environment there, directly
/// (<c>GroundTruthRegistry.Default.Register&lt;MyWorld&gt;(env =&gt; new MyExploration(env))</c>) or through
/// <c>services.AddPanGym(pan =&gt; pan.AddGroundTruthEnvironment&lt;MyWorld&gt;(spec, factory, env =&gt; new MyExploration(env)))</c>.
/// Like Gymnasium's registry it is process-wide. A type is found for its subclasses too; registering a type again
/// replaces its entry. Safe to use from several threads.
/// </remarks>
public sealed class GroundTruthRegistry
{
    readonly ConcurrentDictionary<Type, Entry> _entries = new();
    readonly ConcurrentDictionary<Type, Func<Env<Image, string>, IGoalTaskSource>> _goalTasks = new();

    /// <summary>The process-wide registry, with the built-in environments.</summary>
    public static GroundTruthRegistry Default { get; } = WithBuiltIns();

    /// <summary>The environment types registered, by name.</summary>
    public IReadOnlyList<Type> EnvironmentTypes => [.. _entries.Keys.OrderBy(t => t.Name, StringComparer.Ordinal)];

    /// <summary>A new registry holding <see cref="ShapesWorld"/> and <see cref="MomentumWorld"/> (whose velocity one frame hides).</summary>
    public static GroundTruthRegistry WithBuiltIns() => new GroundTruthRegistry()
        .Register<ShapesWorld>(shapes => new ShapesWorldExploration(shapes))
        .Register<MomentumWorld>(_ => new MomentumWorldExploration(), hasHiddenState: true)
        .RegisterGoalTasks<ShapesWorld>(shapes => new ShapesWorldGoalTaskSource(shapes));

    /// <summary>
    /// Registers <typeparamref name="TEnv"/>'s exploration policy; a <see cref="GroundTruthEnv{TState, TAction}"/> then
    /// becomes a <see cref="GroundTruthSimulator{TState, TAction}"/> under that policy.
    /// </summary>
    /// <param name="explorationPolicy">The policy of one environment (the unwrapped instance), made afresh for each.</param>
    /// <param name="hasHiddenState">Whether one frame hides part of the state (a velocity), so that the evaluation also measures the model without history.</param>
    public GroundTruthRegistry Register<TEnv>(Func<TEnv, IExplorationPolicy> explorationPolicy, bool hasHiddenState = false)
        where TEnv : Env<Image, string>
    {
        ArgumentNullException.ThrowIfNull(explorationPolicy);
        Func<Env<Image, string>, IExplorationPolicy, string, IGroundTruthSimulator>? simulator = typeof(ISimulatedEnvironment).IsAssignableFrom(typeof(TEnv))
            ? (env, policy, name) => ((ISimulatedEnvironment)env).CreateSimulator(policy, name, hasHiddenState)
            : null;
        _entries[typeof(TEnv)] = new Entry(env => explorationPolicy((TEnv)env), simulator);
        return this;
    }

    /// <summary>Registers an environment that is not a <see cref="GroundTruthEnv{TState, TAction}"/>: its policy and its own simulator.</summary>
    /// <param name="explorationPolicy">The policy of one environment (the unwrapped instance).</param>
    /// <param name="simulator">The simulator over an environment (which it owns), its policy and its name.</param>
    public GroundTruthRegistry Register<TEnv>(Func<TEnv, IExplorationPolicy> explorationPolicy, Func<TEnv, IExplorationPolicy, string, IGroundTruthSimulator> simulator)
        where TEnv : Env<Image, string>
    {
        ArgumentNullException.ThrowIfNull(explorationPolicy);
        ArgumentNullException.ThrowIfNull(simulator);
        _entries[typeof(TEnv)] = new Entry(env => explorationPolicy((TEnv)env), (env, policy, name) => simulator((TEnv)env, policy, name));
        return this;
    }

    /// <summary>
    /// Registers <typeparamref name="TEnv"/>'s goal tasks, so that <see cref="GoalTasksFor"/> and <c>pangym plan --env &lt;id&gt;</c>
    /// find them (an environment can instead implement <see cref="IGoalTaskProvider"/>); for a
    /// <see cref="GroundTruthEnv{TState, TAction}"/>, <see cref="GroundTruthGoalTasks{TState, TAction}"/> is one.
    /// </summary>
    /// <param name="goalTasks">The source over one environment (the unwrapped instance, which the source then owns).</param>
    public GroundTruthRegistry RegisterGoalTasks<TEnv>(Func<TEnv, IGoalTaskSource> goalTasks)
        where TEnv : Env<Image, string>
    {
        ArgumentNullException.ThrowIfNull(goalTasks);
        _goalTasks[typeof(TEnv)] = env => goalTasks((TEnv)env);
        return this;
    }

    /// <summary>
    /// The goal tasks of <paramref name="env"/> (wrappers are looked through; the source owns the unwrapped environment): its own
    /// when it implements <see cref="IGoalTaskProvider"/>, else the ones registered for its type or a type it derives from.
    /// </summary>
    /// <exception cref="ArgumentException">The environment has no goal tasks; the message names it and says how to provide them.</exception>
    public IGoalTaskSource GoalTasksFor(Env<Image, string> env)
    {
        ArgumentNullException.ThrowIfNull(env);
        var unwrapped = env.Unwrapped;
        if (unwrapped is IGoalTaskProvider provider) return provider.CreateGoalTasks();
        for (var t = unwrapped.GetType(); t is not null; t = t.BaseType)
            if (_goalTasks.TryGetValue(t, out var make)) return make(unwrapped);
        string name = env.Spec?.Id ?? unwrapped.GetType().Name;
        throw new ArgumentException(
            $"{name} has no goal tasks to plan on: implement IGoalTaskProvider on {unwrapped.GetType().Name} (a GroundTruthEnv can return new GroundTruthGoalTasks<TState, TAction>(this)), " +
            $"or register them with GroundTruthRegistry.Default.RegisterGoalTasks<{unwrapped.GetType().Name}>(env => ...). Environments with goal tasks: " +
            $"{string.Join(", ", _goalTasks.Keys.Select(k => k.Name).Order(StringComparer.Ordinal))}.", nameof(env));
    }

    /// <summary>Whether <paramref name="env"/>'s type (beneath its wrappers), or a type it derives from, is registered.</summary>
    public bool IsRegistered(Env<Image, string> env) => Find((env ?? throw new ArgumentNullException(nameof(env))).Unwrapped.GetType()) is not null;

    /// <summary>The registered exploration policy of <paramref name="env"/> (wrappers are looked through).</summary>
    /// <exception cref="ArgumentException">Its type is not registered; the message says how to register it.</exception>
    public IExplorationPolicy PolicyFor(Env<Image, string> env)
    {
        ArgumentNullException.ThrowIfNull(env);
        return Require(env).Policy(env.Unwrapped);
    }

    /// <summary>
    /// The simulator of <paramref name="env"/> under its registered policy, named by its spec's id (or its type). Wrappers are
    /// looked through; the simulator owns the environment and disposes it.
    /// </summary>
    /// <exception cref="ArgumentException">Its type is not registered, or registered without a simulator.</exception>
    public IGroundTruthSimulator SimulatorFor(Env<Image, string> env)
    {
        ArgumentNullException.ThrowIfNull(env);
        var entry = Require(env);
        var unwrapped = env.Unwrapped;
        var simulator = entry.Simulator ?? throw new ArgumentException(
            $"{unwrapped.GetType().Name} is registered with an exploration policy but no simulator: it is not a GroundTruthEnv<TState, TAction>, " +
            "so register it with Register<TEnv>(explorationPolicy, simulator).", nameof(env));
        return simulator(unwrapped, entry.Policy(unwrapped), env.Spec?.Id ?? unwrapped.GetType().Name);
    }

    Entry Require(Env<Image, string> env)
    {
        var type = env.Unwrapped.GetType();
        return Find(type) ?? throw new ArgumentException(
            $"No exploration policy or simulator is registered for {type.Name}. Register it with GroundTruthRegistry.Default.Register<{type.Name}>(env => new YourExplorationPolicy(env)), " +
            $"or with services.AddPanGym(pan => pan.AddGroundTruthEnvironment<{type.Name}>(spec, factory, env => new YourExplorationPolicy(env))). " +
            $"Registered: {string.Join(", ", EnvironmentTypes.Select(t => t.Name))}.", nameof(env));
    }

    Entry? Find(Type type)
    {
        for (var t = type; t is not null; t = t.BaseType)
            if (_entries.TryGetValue(t, out var entry)) return entry;
        return null;
    }

    sealed record Entry(Func<Env<Image, string>, IExplorationPolicy> Policy, Func<Env<Image, string>, IExplorationPolicy, string, IGroundTruthSimulator>? Simulator);
}
