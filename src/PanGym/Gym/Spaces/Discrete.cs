namespace PanGym.Gym.Spaces;

/// <summary>Gymnasium's <c>Discrete</c>: the integers <c>Start, Start + 1, …, Start + N − 1</c>.</summary>
public sealed class Discrete : Space<int>
{
    /// <summary>A space of <paramref name="n"/> integers beginning at <paramref name="start"/>.</summary>
    public Discrete(int n, int start = 0)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "A Discrete space needs at least one element.");
        N = n;
        Start = start;
    }

    /// <summary>Number of elements.</summary>
    public int N { get; }

    /// <summary>The smallest element.</summary>
    public int Start { get; }

    /// <inheritdoc />
    public override IReadOnlyList<int> Shape => [];

    /// <inheritdoc />
    public override bool Contains(int value) => value >= Start && value < Start + N;

    /// <inheritdoc />
    public override int Sample() => Start + Random.Next(N);

    /// <inheritdoc />
    public override string ToString() => Start == 0 ? $"Discrete({N})" : $"Discrete({N}, start={Start})";
}
