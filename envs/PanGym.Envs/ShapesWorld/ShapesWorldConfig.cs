namespace PanGym.Envs;

/// <summary>ShapesWorld's geometry, validated once here. <see cref="ForSize"/> scales the 64-pixel defaults.</summary>
public sealed record ShapesWorldConfig
{
    /// <summary>The largest canvas side, in pixels: a frame of it is 48 MB, and a video of a few hundred stays within memory.</summary>
    public const int MaxSize = 4096;

    /// <summary>A configuration; every length is in pixels.</summary>
    /// <param name="size">Side of the square canvas.</param>
    /// <param name="minShapes">Fewest shapes at reset (1–3).</param>
    /// <param name="maxShapes">Most shapes at reset (<paramref name="minShapes"/>–3).</param>
    /// <param name="shapeSize">Side of each shape's box; at most a third of <paramref name="size"/>, so that a random reset always finds room.</param>
    /// <param name="stepPixels">How far one move goes.</param>
    /// <param name="goalSize">Side of the goal square; between <paramref name="stepPixels"/> (so a move cannot jump over it) and half the canvas.</param>
    public ShapesWorldConfig(int size = 64, int minShapes = 1, int maxShapes = 3, int shapeSize = 12, int stepPixels = 4, int goalSize = 16)
    {
        if (size < 8 || size > MaxSize)
            throw new ArgumentOutOfRangeException(nameof(size), size, $"The canvas size must be between 8 and {MaxSize} pixels; got {size}.");
        if (minShapes < 1 || maxShapes < minShapes || maxShapes > 3)
            throw new ArgumentOutOfRangeException(nameof(maxShapes), $"Shape counts must satisfy 1 ≤ minShapes ≤ maxShapes ≤ 3; got {minShapes} and {maxShapes}.");
        if (shapeSize < 2 || 3 * shapeSize > size)
            throw new ArgumentOutOfRangeException(nameof(shapeSize), shapeSize, $"The shape size must be between 2 and a third of the canvas ({size / 3}).");
        if (stepPixels < 1 || stepPixels > size - shapeSize)
            throw new ArgumentOutOfRangeException(nameof(stepPixels), stepPixels, $"The step must be between 1 and {size - shapeSize} pixels.");
        if (goalSize < stepPixels || 2 * goalSize > size)
            throw new ArgumentOutOfRangeException(nameof(goalSize), goalSize, $"The goal size must be between the step ({stepPixels}) and half the canvas ({size / 2}).");
        (Size, MinShapes, MaxShapes, ShapeSize, StepPixels, GoalSize) = (size, minShapes, maxShapes, shapeSize, stepPixels, goalSize);
    }

    /// <summary>64 × 64 pixels, 1–3 shapes of 12 pixels, moves of 4, a 16-pixel goal.</summary>
    public static ShapesWorldConfig Default { get; } = new();

    /// <summary>32 × 32 pixels with everything halved, for the CPU demo.</summary>
    public static ShapesWorldConfig Small { get; } = ForSize(32);

    /// <summary>The defaults scaled from 64 pixels to <paramref name="size"/> (rounded, at least 1 pixel).</summary>
    public static ShapesWorldConfig ForSize(int size, int minShapes = 1, int maxShapes = 3) =>
        new(size, minShapes, maxShapes, Scale(12, size), Scale(4, size), Scale(16, size));

    /// <summary>Side of the square canvas.</summary>
    public int Size { get; }

    /// <summary>Fewest shapes at reset.</summary>
    public int MinShapes { get; }

    /// <summary>Most shapes at reset.</summary>
    public int MaxShapes { get; }

    /// <summary>Side of each shape's box.</summary>
    public int ShapeSize { get; }

    /// <summary>How far one move goes.</summary>
    public int StepPixels { get; }

    /// <summary>Side of the goal square.</summary>
    public int GoalSize { get; }

    static int Scale(int pixelsAt64, int size) => Math.Max(1, (int)Math.Round(pixelsAt64 * size / 64.0, MidpointRounding.AwayFromZero));
}
