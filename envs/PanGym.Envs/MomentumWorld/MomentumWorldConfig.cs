namespace PanGym.Envs;

/// <summary>MomentumWorld's geometry and physics, validated once here. <see cref="ForSize"/> scales the 64-pixel defaults.</summary>
public sealed record MomentumWorldConfig
{
    /// <summary>The largest canvas side, in pixels: a frame of it is 48 MB, and a video of a few hundred stays within memory.</summary>
    public const int MaxSize = 4096;

    /// <summary>A configuration; lengths in pixels, speeds in pixels per step.</summary>
    /// <param name="size">Side of the square canvas.</param>
    /// <param name="ballRadius">The ball's radius; the ball stays wholly inside the canvas.</param>
    /// <param name="impulse">Velocity one push adds.</param>
    /// <param name="friction">Fraction of the velocity lost each step, in [0, 1).</param>
    /// <param name="maxSpeed">Speed cap; below the free width (size − 2·radius), so one reflection per wall and step suffices.</param>
    /// <param name="goalSize">Side of the goal square, at most half the canvas.</param>
    public MomentumWorldConfig(int size = 64, double ballRadius = 4, double impulse = 0.75, double friction = 0.05, double maxSpeed = 3, int goalSize = 16)
    {
        if (size < 8 || size > MaxSize)
            throw new ArgumentOutOfRangeException(nameof(size), size, $"The canvas size must be between 8 and {MaxSize} pixels; got {size}.");
        if (!(ballRadius >= 1 && 4 * ballRadius <= size))
            throw new ArgumentOutOfRangeException(nameof(ballRadius), ballRadius, $"The ball radius must be between 1 and a quarter of the canvas ({size / 4.0}).");
        if (!(impulse > 0 && double.IsFinite(impulse)))
            throw new ArgumentOutOfRangeException(nameof(impulse), impulse, "The impulse must be positive and finite.");
        if (!(friction >= 0 && friction < 1))
            throw new ArgumentOutOfRangeException(nameof(friction), friction, "The friction must lie in [0, 1).");
        if (!(maxSpeed > 0 && maxSpeed < size - 2 * ballRadius))
            throw new ArgumentOutOfRangeException(nameof(maxSpeed), maxSpeed, $"The speed cap must be positive and below the free width ({size - 2 * ballRadius}).");
        if (goalSize < 1 || 2 * goalSize > size)
            throw new ArgumentOutOfRangeException(nameof(goalSize), goalSize, $"The goal size must be between 1 and half the canvas ({size / 2}).");
        (Size, BallRadius, Impulse, Friction, MaxSpeed, GoalSize) = (size, ballRadius, impulse, friction, maxSpeed, goalSize);
    }

    /// <summary>64 × 64 pixels, a ball of radius 4, pushes of 0.75 px/step, 5 % friction, speed cap 3, a 16-pixel goal.</summary>
    public static MomentumWorldConfig Default { get; } = new();

    /// <summary>32 × 32 pixels with every length and speed halved, for the CPU demo.</summary>
    public static MomentumWorldConfig Small { get; } = ForSize(32);

    /// <summary>The defaults with lengths and speeds scaled from 64 pixels to <paramref name="size"/>.</summary>
    public static MomentumWorldConfig ForSize(int size, double friction = 0.05)
    {
        double scale = size / 64.0;
        return new(size, Math.Max(1, 4 * scale), 0.75 * scale, friction, 3 * scale, Math.Max(1, (int)Math.Round(16 * scale, MidpointRounding.AwayFromZero)));
    }

    /// <summary>Side of the square canvas.</summary>
    public int Size { get; }

    /// <summary>The ball's radius.</summary>
    public double BallRadius { get; }

    /// <summary>Velocity one push adds.</summary>
    public double Impulse { get; }

    /// <summary>Fraction of the velocity lost each step.</summary>
    public double Friction { get; }

    /// <summary>Speed cap.</summary>
    public double MaxSpeed { get; }

    /// <summary>Side of the goal square.</summary>
    public int GoalSize { get; }
}
