using PanGym.Gym;
using PanGym.Gym.Spaces;

namespace PanGym.Tests.Gym;

/// <summary>
/// A deliberately tiny environment for testing the Gym contract: a walker on a line of <see cref="Length"/> cells
/// starting at a seeded random cell; action 0 steps left, 1 steps right; reaching the right end terminates with
/// reward 1. Each <see cref="Fault"/> breaks one rule of the contract, so the checker's tests can show it is caught.
/// </summary>
public sealed class LineWorld(LineWorld.Fault fault = LineWorld.Fault.None) : Env<float[], int>
{
    public enum Fault { None, ObservationOutsideSpace, UnseededReset, NanReward, NullInfo, NullRender, IgnoresSeed }

    public const int Length = 32;
    static readonly Random Unseeded = new();
    int? _position;

    public override Space<float[]> ObservationSpace { get; } = new Box(0, Length - 1, 1);
    public override Space<int> ActionSpace { get; } = new Discrete(2);
    public int Position => _position ?? throw new ResetNeededException("LineWorld: call Reset before Step.");

    public override ResetResult<float[]> Reset(int? seed = null, IReadOnlyDictionary<string, object?>? options = null)
    {
        SeedRng(fault == Fault.IgnoresSeed ? 0 : seed);
        _position = fault == Fault.UnseededReset ? Unseeded.Next(Length - 1) : NpRandom.Next(Length - 1);
        if (options is not null && options.TryGetValue("start", out var start)) _position = Convert.ToInt32(start);
        return new ResetResult<float[]>(Observation(), new Dictionary<string, object?>());
    }

    public override StepResult<float[]> Step(int action)
    {
        if (!ActionSpace.Contains(action)) throw new ArgumentOutOfRangeException(nameof(action), action, "LineWorld actions are 0 (left) and 1 (right).");
        _position = Math.Clamp(Position + (action == 1 ? 1 : -1), 0, Length - 1);
        bool done = Position == Length - 1;
        double reward = fault == Fault.NanReward ? double.NaN : done ? 1 : 0;
        return new StepResult<float[]>(Observation(), reward, done, false, fault == Fault.NullInfo ? null! : new Dictionary<string, object?>());
    }

    public override Image? Render()
    {
        if (fault == Fault.NullRender) return null;
        var frame = new Image(4, Length * 2);
        for (int y = 0; y < 4; y++)
        {
            frame[Position * 2, y] = (255, 255, 255);
            frame[Position * 2 + 1, y] = (255, 255, 255);
        }
        return frame;
    }

    float[] Observation() => [fault == Fault.ObservationOutsideSpace ? Position + Length : Position];
}
