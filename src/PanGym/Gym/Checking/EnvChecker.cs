namespace PanGym.Gym.Checking;

/// <summary>
/// Gymnasium's <c>check_env</c>: exercises an environment against the contract and reports every failure by name
/// rather than stopping at the first. The environment is reset and stepped, and by default closed at the end (the
/// "close" check closes it twice); pass a fresh instance, or <c>leaveOpen: true</c> to keep using it afterwards.
/// </summary>
/// <remarks>
/// Checks: spaces (present, samples inside, seeded sampling repeatable); reset result (observation inside the space,
/// info present); reset determinism under a seed; different seeds give different generator states and no seed keeps
/// the generator going; options accepted; step result (observation inside the space, finite reward, info present);
/// step determinism under a seed; render returns an RGB frame; close twice (skipped with <c>leaveOpen</c>).
/// </remarks>
public static class EnvChecker
{
    /// <summary>Runs every check on <paramref name="env"/> starting from <paramref name="seed"/>.</summary>
    /// <param name="env">The environment; closed by the last check unless <paramref name="leaveOpen"/>.</param>
    /// <param name="seed">The seed of the resets and of the action samples.</param>
    /// <param name="leaveOpen">Skip the close check and leave <paramref name="env"/> open (as .NET streams' <c>leaveOpen</c>).</param>
    public static EnvCheckReport Check<TObs, TAction>(Env<TObs, TAction> env, int seed = 42, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(env);
        var checks = new List<string>();
        var failures = new List<EnvCheckFailure>();
        void Run(string name, Action check)
        {
            checks.Add(name);
            try { check(); }
            catch (CheckFailedException e) { failures.Add(new EnvCheckFailure(name, e.Message)); }
            catch (Exception e) { failures.Add(new EnvCheckFailure(name, $"threw {e.GetType().Name}: {e.Message}")); }
        }
        string description = env.ToString() ?? env.GetType().Name;

        Run("spaces", () =>
        {
            var observationSpace = env.ObservationSpace ?? throw new CheckFailedException("ObservationSpace is null.");
            var actionSpace = env.ActionSpace ?? throw new CheckFailedException("ActionSpace is null.");
            actionSpace.Seed(seed);
            var first = actionSpace.Sample();
            Require(actionSpace.Contains(first), $"ActionSpace.Sample() returned {Show(first)}, which ActionSpace.Contains rejects.");
            actionSpace.Seed(seed);
            Require(actionSpace.ValuesEqual(first, actionSpace.Sample()), "ActionSpace.Sample() after the same Seed gave a different action.");
            Require(observationSpace.Contains(observationSpace.Sample()), "ObservationSpace.Sample() returned a value that ObservationSpace.Contains rejects.");
        });

        Run("reset-result", () =>
        {
            var result = env.Reset(seed);
            Require(result is not null, "Reset returned null.");
            Require(result!.Observation is not null, "Reset returned a null observation.");
            Require(result.Info is not null, "Reset returned a null info dictionary.");
            Require(env.ObservationSpace.Contains(result.Observation), $"The observation from Reset ({Show(result.Observation)}) is outside ObservationSpace ({env.ObservationSpace}).");
        });

        Run("reset-seed-determinism", () =>
        {
            var first = env.Reset(seed).Observation;
            long firstRng = env.Unwrapped.NpRandom.NextInt64();
            for (int repeat = 0; repeat < 3; repeat++)
            {
                var again = env.Reset(seed).Observation;
                Require(env.ObservationSpace.ValuesEqual(first, again), $"Reset(seed: {seed}) twice gave different observations: the environment does not seed its randomness from the seed.");
                Require(env.Unwrapped.NpRandom.NextInt64() == firstRng, $"Reset(seed: {seed}) twice left NpRandom in different states.");
            }
        });

        Run("reset-seed-variation", () =>
        {
            env.Reset(seed);
            long a = env.Unwrapped.NpRandom.NextInt64();
            env.Reset(seed + 1);
            long b = env.Unwrapped.NpRandom.NextInt64();
            Require(a != b, $"Reset(seed: {seed}) and Reset(seed: {seed + 1}) left NpRandom in the same state: the seed is ignored.");
            env.Reset(seed);
            long first = env.Unwrapped.NpRandom.NextInt64();
            env.Reset();
            long next = env.Unwrapped.NpRandom.NextInt64();
            Require(first != next, "Reset() without a seed reseeded NpRandom; it must keep the generator going.");
        });

        Run("reset-options", () =>
        {
            var result = env.Reset(seed, new Dictionary<string, object?>());
            Require(env.ObservationSpace.Contains(result.Observation), "Reset with an empty options dictionary returned an observation outside ObservationSpace.");
        });

        Run("step-result", () =>
        {
            env.Reset(seed);
            env.ActionSpace.Seed(seed);
            var result = env.Step(env.ActionSpace.Sample());
            Require(result is not null, "Step returned null.");
            Require(result!.Observation is not null, "Step returned a null observation.");
            Require(env.ObservationSpace.Contains(result.Observation), $"The observation from Step ({Show(result.Observation)}) is outside ObservationSpace ({env.ObservationSpace}).");
            Require(double.IsFinite(result.Reward), $"Step returned a non-finite reward ({result.Reward}).");
            Require(result.Info is not null, "Step returned a null info dictionary.");
        });

        Run("step-determinism", () =>
        {
            env.ActionSpace.Seed(seed);
            var action = env.ActionSpace.Sample();
            env.Reset(seed);
            var a = env.Step(action);
            env.Reset(seed);
            var b = env.Step(action);
            Require(env.ObservationSpace.ValuesEqual(a.Observation, b.Observation), "The same seed and action gave different observations from Step.");
            Require(a.Reward.Equals(b.Reward), $"The same seed and action gave different rewards ({a.Reward} vs {b.Reward}).");
            Require(a.Terminated == b.Terminated && a.Truncated == b.Truncated, "The same seed and action gave different terminated/truncated flags.");
        });

        Run("render", () =>
        {
            env.Reset(seed);
            var frame = env.Render();
            Require(frame is not null, "Render returned null; render mode rgb_array must return an RGB frame (an Image).");
            Require(frame!.Data.Length == frame.Height * frame.Width * Image.Channels, "Render returned a frame whose data does not hold H×W×3 bytes.");
        });

        if (!leaveOpen)
            Run("close", () =>
            {
                env.Close();
                env.Close();
            });

        return new EnvCheckReport(description, checks, failures);
    }

    static void Require(bool condition, string message)
    {
        if (!condition) throw new CheckFailedException(message);
    }

    static string Show<T>(T value) => value?.ToString() is { Length: > 80 } s ? s[..80] + "…" : value?.ToString() ?? "null";

    sealed class CheckFailedException(string message) : Exception(message);
}
