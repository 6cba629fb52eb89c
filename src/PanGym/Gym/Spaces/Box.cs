namespace PanGym.Gym.Spaces;

/// <summary>
/// Gymnasium's <c>Box</c>: real vectors (flattened row-major from <see cref="Shape"/>) with per-element bounds
/// <c>Low[i] ≤ x[i] ≤ High[i]</c>. Unbounded elements use infinities and sample from a normal (one side bounded:
/// shifted exponential), as Gymnasium does.
/// </summary>
public sealed class Box : Space<float[]>
{
    readonly int[] _shape;

    /// <summary>A box with the same bounds for every element.</summary>
    public Box(float low, float high, params int[] shape)
        : this(Filled(low, shape), Filled(high, shape), shape) { }

    /// <summary>A box with per-element bounds; <paramref name="low"/> and <paramref name="high"/> have Π shape elements.</summary>
    public Box(float[] low, float[] high, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(low);
        ArgumentNullException.ThrowIfNull(high);
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Any(d => d <= 0)) throw new ArgumentException($"Box dimensions must be positive, got ({string.Join(", ", shape)}).", nameof(shape));
        int size = shape.Aggregate(1, (a, d) => checked(a * d));
        if (low.Length != size || high.Length != size)
            throw new ArgumentException($"Box bounds need {size} elements for shape ({string.Join(", ", shape)}); got low {low.Length}, high {high.Length}.");
        for (int i = 0; i < size; i++)
            if (float.IsNaN(low[i]) || float.IsNaN(high[i]) || low[i] > high[i])
                throw new ArgumentException($"Box bound {i} is invalid: low {low[i]}, high {high[i]}.");
        Low = (float[])low.Clone();
        High = (float[])high.Clone();
        _shape = (int[])shape.Clone();
    }

    /// <summary>Lower bounds, one per element.</summary>
    public IReadOnlyList<float> Low { get; }

    /// <summary>Upper bounds, one per element.</summary>
    public IReadOnlyList<float> High { get; }

    /// <inheritdoc />
    public override IReadOnlyList<int> Shape => _shape;

    /// <inheritdoc />
    public override bool Contains(float[] value)
    {
        if (value is null || value.Length != Low.Count) return false;
        for (int i = 0; i < value.Length; i++)
            if (!(value[i] >= Low[i] && value[i] <= High[i])) return false;
        return true;
    }

    /// <inheritdoc />
    public override float[] Sample()
    {
        var x = new float[Low.Count];
        for (int i = 0; i < x.Length; i++)
        {
            float lo = Low[i], hi = High[i];
            x[i] = (float.IsInfinity(lo), float.IsInfinity(hi)) switch
            {
                (false, false) => lo + (float)Random.NextDouble() * (hi - lo),
                (true, true) => (float)Normal(),
                (false, true) => lo + (float)-Math.Log(1 - Random.NextDouble()),
                (true, false) => hi - (float)-Math.Log(1 - Random.NextDouble()),
            };
            x[i] = Math.Clamp(x[i], lo, hi);
        }
        return x;
    }

    /// <inheritdoc />
    public override bool ValuesEqual(float[] a, float[] b) => a.AsSpan().SequenceEqual(b);

    /// <inheritdoc />
    public override string ToString() => $"Box({Low.Min()}, {High.Max()}, ({string.Join(", ", _shape)}))";

    double Normal() => Math.Sqrt(-2 * Math.Log(1 - Random.NextDouble())) * Math.Cos(2 * Math.PI * Random.NextDouble());

    static float[] Filled(float value, int[] shape) =>
        Enumerable.Repeat(value, shape.Aggregate(1, (a, d) => checked(a * d))).ToArray();
}
