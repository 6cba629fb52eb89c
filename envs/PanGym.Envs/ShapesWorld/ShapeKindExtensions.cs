namespace PanGym.Envs;

/// <summary>The words and colour that belong to each <see cref="ShapeKind"/>.</summary>
public static class ShapeKindExtensions
{
    /// <summary>The colour word: "red", "blue" or "green".</summary>
    public static string ColourWord(this ShapeKind kind) => kind switch
    {
        ShapeKind.Circle => "red",
        ShapeKind.Square => "blue",
        ShapeKind.Triangle => "green",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a shape."),
    };

    /// <summary>The shape noun: "circle", "square" or "triangle".</summary>
    public static string Noun(this ShapeKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>The object's name in text actions, goals and probe results, for example "red circle".</summary>
    public static string DisplayName(this ShapeKind kind) => $"{kind.ColourWord()} {kind.Noun()}";

    /// <summary>The <see cref="Palette"/> colour the shape is drawn in.</summary>
    public static (byte R, byte G, byte B) Colour(this ShapeKind kind) => kind switch
    {
        ShapeKind.Circle => Palette.Red,
        ShapeKind.Square => Palette.Blue,
        ShapeKind.Triangle => Palette.Green,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a shape."),
    };
}
