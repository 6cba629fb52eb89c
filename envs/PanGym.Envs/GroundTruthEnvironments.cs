using PanGym.Gym;

namespace PanGym.Envs;

/// <summary>
/// Registers the ground-truth environments by name, without dependency injection (for DI see
/// <see cref="GroundTruthEnvironmentsBuilderExtensions.AddGroundTruthEnvironments"/>).
/// </summary>
/// <remarks>
/// Keyword arguments (numbers or their text): ShapesWorld takes <c>size</c> (canvas pixels; every length scales with
/// it), <c>min_shapes</c> and <c>max_shapes</c>; MomentumWorld takes <c>size</c> and <c>friction</c>.
/// </remarks>
public static class GroundTruthEnvironments
{
    /// <summary>ShapesWorld's registry id.</summary>
    public const string ShapesWorldId = "ShapesWorld-v0";

    /// <summary>MomentumWorld's registry id.</summary>
    public const string MomentumWorldId = "MomentumWorld-v0";

    static readonly string[] _shapesWorldKeywords = ["size", "min_shapes", "max_shapes"];
    static readonly string[] _momentumWorldKeywords = ["size", "friction"];

    /// <summary>ShapesWorld's registration: episodes of at most 50 steps.</summary>
    public static EnvSpec ShapesWorldSpec { get; } = new(ShapesWorldId,
        "1–3 coloured shapes moved by text (\"move the red circle left\"); bring the named shape into the grey square.", 50);

    /// <summary>MomentumWorld's registration: episodes of at most 100 steps.</summary>
    public static EnvSpec MomentumWorldSpec { get; } = new(MomentumWorldId,
        "A ball whose velocity persists (\"push left\", friction, wall bounces); bring it into the grey square. One frame cannot show the velocity.", 100);

    /// <summary>Registers <see cref="ShapesWorldId"/> and <see cref="MomentumWorldId"/> in <paramref name="registry"/>.</summary>
    public static void Register(EnvRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register(ShapesWorldSpec, CreateShapesWorld);
        registry.Register(MomentumWorldSpec, CreateMomentumWorld);
    }

    /// <summary>A ShapesWorld configured by keyword arguments (<c>size</c>, <c>min_shapes</c>, <c>max_shapes</c>).</summary>
    /// <exception cref="ArgumentException">An unknown keyword or a value of the wrong kind.</exception>
    public static ShapesWorld CreateShapesWorld(IReadOnlyDictionary<string, object?> kwargs)
    {
        Keywords.EnsureKnown(kwargs, _shapesWorldKeywords, $"keyword argument for {ShapesWorldId}", nameof(kwargs));
        var defaults = ShapesWorldConfig.Default;
        return new ShapesWorld(ShapesWorldConfig.ForSize(
            Int(kwargs, "size", defaults.Size), Int(kwargs, "min_shapes", defaults.MinShapes), Int(kwargs, "max_shapes", defaults.MaxShapes)));
    }

    /// <summary>A MomentumWorld configured by keyword arguments (<c>size</c>, <c>friction</c>).</summary>
    /// <exception cref="ArgumentException">An unknown keyword or a value of the wrong kind.</exception>
    public static MomentumWorld CreateMomentumWorld(IReadOnlyDictionary<string, object?> kwargs)
    {
        Keywords.EnsureKnown(kwargs, _momentumWorldKeywords, $"keyword argument for {MomentumWorldId}", nameof(kwargs));
        var defaults = MomentumWorldConfig.Default;
        double friction = Keywords.TryGet(kwargs, "friction", out var value) ? Keywords.ToDouble(value, "friction") : defaults.Friction;
        return new MomentumWorld(MomentumWorldConfig.ForSize(Int(kwargs, "size", defaults.Size), friction));
    }

    static int Int(IReadOnlyDictionary<string, object?> kwargs, string key, int fallback) =>
        Keywords.TryGet(kwargs, key, out var value) ? Keywords.ToInt32(value, key) : fallback;
}
