namespace PanGym.Gym;

/// <summary>
/// Reads an environment's true state back out of a rendered frame, so that predicted frames can be scored by what they
/// show (object positions) rather than by pixel error alone (PAN §7: action fidelity, drift, multi-step error).
/// </summary>
/// <remarks>
/// A probe is tied to one environment configuration (frame size, palette). Objects it cannot find in the frame are
/// absent from the result; it tolerates mild pixel noise, so it also reads slightly noisy predicted frames.
/// </remarks>
public interface IStateProbe
{
    /// <summary>The objects visible in <paramref name="frame"/>, in a fixed order of names.</summary>
    /// <exception cref="ArgumentException">The frame's size differs from the environment's (the message names both).</exception>
    IReadOnlyList<ProbedObject> Probe(Image frame);
}
