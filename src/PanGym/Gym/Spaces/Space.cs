namespace PanGym.Gym.Spaces;

/// <summary>
/// Gymnasium's <c>Space</c>: a set of values of type <typeparamref name="T"/> that can test membership and draw
/// seeded samples.
/// </summary>
public abstract class Space<T>
{
    Random? _random;

    /// <summary>The random generator behind <see cref="Sample"/>; set by <see cref="Seed"/>.</summary>
    protected Random Random => _random ??= new Random();

    /// <summary>The shape of a value, where the space has one (Gymnasium's <c>shape</c>); null otherwise.</summary>
    public virtual IReadOnlyList<int>? Shape => null;

    /// <summary>Reseeds the sampler: the same seed gives the same sequence of samples.</summary>
    public void Seed(int seed)
    {
        if (seed < 0) throw new ArgumentOutOfRangeException(nameof(seed), seed, $"The seed must be a non-negative integer, got {seed}.");
        _random = new Random(seed);
    }

    /// <summary>True when <paramref name="value"/> belongs to the space.</summary>
    public abstract bool Contains(T value);

    /// <summary>A random member of the space.</summary>
    public abstract T Sample();

    /// <summary>Whether two values are the same value (used by the environment checker to test determinism).</summary>
    public virtual bool ValuesEqual(T a, T b) => EqualityComparer<T>.Default.Equals(a, b);
}
