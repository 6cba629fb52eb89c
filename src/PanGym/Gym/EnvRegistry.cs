using PanGym.Gym.Wrappers;

namespace PanGym.Gym;

/// <summary>
/// Environments by name (Gymnasium's <c>register</c> / <c>make</c>). Ids are matched without regard to case, and an
/// id without its version suffix (<c>ShapesWorld</c> for <c>ShapesWorld-v0</c>) finds the newest version.
/// </summary>
public sealed class EnvRegistry
{
    readonly Dictionary<string, (EnvSpec Spec, Func<IReadOnlyDictionary<string, object?>, Env<Image, string>> Factory)> _entries =
        new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every registered environment, sorted by id.</summary>
    public IReadOnlyList<EnvSpec> Specs => _entries.Values.Select(e => e.Spec).OrderBy(s => s.Id, StringComparer.Ordinal).ToArray();

    /// <summary>Registers an environment; <paramref name="factory"/> receives the keyword arguments given to <see cref="Make"/>.</summary>
    public void Register(EnvSpec spec, Func<IReadOnlyDictionary<string, object?>, Env<Image, string>> factory)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(factory);
        if (!_entries.TryAdd(spec.Id, (spec, factory)))
            throw new ArgumentException($"An environment with id \"{spec.Id}\" is already registered.", nameof(spec));
    }

    /// <summary>The specification registered under <paramref name="id"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such environment; the message lists the registered ids.</exception>
    public EnvSpec Spec(string id) => Find(id).Spec;

    /// <summary>
    /// Makes the environment registered under <paramref name="id"/>, wrapped as <c>gymnasium.make</c> does: in
    /// <see cref="OrderEnforcing{TObs, TAction}"/> and, when the spec has an episode limit, a <see cref="TimeLimit{TObs, TAction}"/>.
    /// </summary>
    public Env<Image, string> Make(string id, IReadOnlyDictionary<string, object?>? kwargs = null, int? maxEpisodeSteps = null)
    {
        var (spec, factory) = Find(id);
        var env = factory(kwargs ?? new Dictionary<string, object?>());
        env.Spec = spec;
        Env<Image, string> wrapped = new OrderEnforcing<Image, string>(env);
        if ((maxEpisodeSteps ?? spec.MaxEpisodeSteps) is int limit)
            wrapped = new TimeLimit<Image, string>(wrapped, limit);
        wrapped.Spec = spec;
        return wrapped;
    }

    (EnvSpec Spec, Func<IReadOnlyDictionary<string, object?>, Env<Image, string>> Factory) Find(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        if (_entries.TryGetValue(id.Trim(), out var entry)) return entry;
        var versions = _entries.Values
            .Where(e => e.Spec.Id.StartsWith(id.Trim() + "-v", StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(e => e.Spec.Id, StringComparer.Ordinal)
            .ToList();
        if (versions.Count > 0) return versions[0];
        throw new KeyNotFoundException($"No environment named \"{id}\". Registered: {(_entries.Count == 0 ? "none" : string.Join(", ", Specs.Select(s => s.Id)))}.");
    }
}
