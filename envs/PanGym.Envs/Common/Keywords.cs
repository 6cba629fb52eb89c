using System.Globalization;

namespace PanGym.Envs;

/// <summary>
/// Checks and converts the loosely typed dictionaries of reset options and registry keyword arguments, with errors that
/// name the key and list what is accepted; a new environment's <c>Reset</c> and registry factory use it as the built-in ones do.
/// </summary>
public static class Keywords
{
    /// <summary>Throws when <paramref name="values"/> holds a key outside <paramref name="accepted"/>, naming it and listing the accepted ones.</summary>
    public static void EnsureKnown(IReadOnlyDictionary<string, object?>? values, IReadOnlyList<string> accepted, string what, string paramName)
    {
        var unknown = values?.Keys.FirstOrDefault(key => !accepted.Contains(key));
        if (unknown is not null)
            throw new ArgumentException($"Unknown {what} \"{unknown}\". Accepted: {string.Join(", ", accepted.Select(a => $"\"{a}\""))}.", paramName);
    }

    /// <summary>The value under <paramref name="key"/>, when present.</summary>
    public static bool TryGet(IReadOnlyDictionary<string, object?>? values, string key, out object? value)
    {
        value = null;
        return values is not null && values.TryGetValue(key, out value);
    }

    /// <summary>An integer from an integral number or its text.</summary>
    public static int ToInt32(object? value, string key) => value switch
    {
        int i => i,
        long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
        string s when int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => throw new ArgumentException($"\"{key}\" must be an integer, got {Describe(value)}."),
    };

    /// <summary>A real number from a number or its text.</summary>
    public static double ToDouble(object? value, string key) => value switch
    {
        double d => d,
        float f => f,
        int i => i,
        long l => l,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => throw new ArgumentException($"\"{key}\" must be a number, got {Describe(value)}."),
    };

    /// <summary>A point or vector from a pair: (double, double), (int, int), or a two-element double[] or int[].</summary>
    public static (double X, double Y) ToPair(object? value, string key) => value switch
    {
        ValueTuple<double, double> p => p,
        ValueTuple<int, int> p => p,
        double[] { Length: 2 } a => (a[0], a[1]),
        int[] { Length: 2 } a => (a[0], a[1]),
        _ => throw new ArgumentException($"\"{key}\" must be a pair (x, y) as (double, double), (int, int) or a two-element array, got {Describe(value)}."),
    };

    /// <summary>An integer point from a pair whose elements are whole numbers.</summary>
    public static (int X, int Y) ToIntPair(object? value, string key)
    {
        var (x, y) = ToPair(value, key);
        if (x != Math.Floor(x) || y != Math.Floor(y)) throw new ArgumentException($"\"{key}\" must have integer coordinates, got ({x}, {y}).");
        return ((int)x, (int)y);
    }

    static string Describe(object? value) => value is null ? "null" : $"{value} ({value.GetType().Name})";
}
