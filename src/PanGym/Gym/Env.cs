using PanGym.Gym.Spaces;

namespace PanGym.Gym;

/// <summary>
/// Gymnasium's <c>Env</c> contract in C#: an environment an agent interacts with through <see cref="Reset"/> and
/// <see cref="Step"/>, with typed observation and action spaces and an RGB <see cref="Render"/>.
/// </summary>
/// <remarks>
/// Seeding follows Gymnasium: <c>Reset(seed: s)</c> reseeds <see cref="NpRandom"/> (a negative seed is refused);
/// <c>Reset()</c> with no seed keeps the generator going, so consecutive episodes differ but the whole run is fixed by
/// the first seed. Implementations call <see cref="SeedRng"/> at the top of their <see cref="Reset"/>.
/// </remarks>
public abstract class Env<TObs, TAction> : IDisposable
{
    Random? _npRandom;

    /// <summary>The set of valid observations.</summary>
    public abstract Space<TObs> ObservationSpace { get; }

    /// <summary>The set of valid actions.</summary>
    public abstract Space<TAction> ActionSpace { get; }

    /// <summary>Rendering metadata (Gymnasium's <c>metadata</c>).</summary>
    public virtual EnvMetadata Metadata { get; } = new();

    /// <summary>
    /// The registration this environment was made from (Gymnasium's <c>spec</c>): set by <see cref="EnvRegistry.Make"/>,
    /// or by hand on an environment built without a registry, so that reports, data sets and <see cref="ToString"/> use
    /// its id rather than the type's name. A wrapper without its own reports the wrapped environment's.
    /// </summary>
    public virtual EnvSpec? Spec { get; set; }

    /// <summary>The innermost environment, beneath every wrapper.</summary>
    public virtual Env<TObs, TAction> Unwrapped => this;

    /// <summary>True once <see cref="Close"/> has run.</summary>
    public bool IsClosed { get; private set; }

    /// <summary>
    /// The environment's random generator (Gymnasium's <c>np_random</c>). Seeded by <c>Reset(seed: s)</c>; created
    /// from entropy on first use when no seed was ever given.
    /// </summary>
    public Random NpRandom => _npRandom ??= new Random();

    /// <summary>Starts a new episode. An explicit <paramref name="seed"/> reseeds <see cref="NpRandom"/>.</summary>
    /// <param name="seed">A non-negative seed, or null to keep the current generator.</param>
    /// <param name="options">Environment-specific extras (Gymnasium's <c>options</c>).</param>
    public abstract ResetResult<TObs> Reset(int? seed = null, IReadOnlyDictionary<string, object?>? options = null);

    /// <summary>Advances the environment by one action.</summary>
    public abstract StepResult<TObs> Step(TAction action);

    /// <summary>The current frame as an RGB image (Gymnasium's <c>render_mode="rgb_array"</c>).</summary>
    public abstract Image? Render();

    /// <summary>Releases resources. Calling it twice is harmless.</summary>
    public void Close()
    {
        if (IsClosed) return;
        IsClosed = true;
        OnClose();
    }

    /// <summary>Same as <see cref="Close"/>.</summary>
    public void Dispose()
    {
        Close();
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the environment holds; runs once, on the first <see cref="Close"/>.</summary>
    protected virtual void OnClose() { }

    /// <summary>Reseeds <see cref="NpRandom"/> when <paramref name="seed"/> is given (Gymnasium's <c>super().reset(seed=seed)</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The seed is negative.</exception>
    protected void SeedRng(int? seed)
    {
        if (seed is not int s) return;
        if (s < 0) throw new ArgumentOutOfRangeException(nameof(seed), s, $"The seed must be a non-negative integer, got {s}.");
        _npRandom = new Random(s);
    }

    /// <inheritdoc />
    public override string ToString() => Spec is null ? GetType().Name : $"{GetType().Name}<{Spec.Id}>";
}
