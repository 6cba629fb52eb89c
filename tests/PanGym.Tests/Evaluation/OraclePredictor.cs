using PanGym.Evaluation;
using PanGym.Gym;

namespace PanGym.Tests.Evaluation;

/// <summary>A perfect predictor for tests: it looks ahead into the true frames (which a real predictor must not).</summary>
internal sealed class OraclePredictor(IReadOnlyList<GroundTruthEpisode> episodes) : IFramePredictor
{
    public string Name => "oracle";

    public int FrameSize => episodes[0].Frames[0].Height;

    public IReadOnlyList<IReadOnlyList<Image>> PredictOneStep(IReadOnlyList<IReadOnlyList<Image>> frames, IReadOnlyList<IReadOnlyList<string>> actions) =>
        [.. frames.Select(f => (IReadOnlyList<Image>)[.. f.Skip(1).Select(i => i.Clone())])];

    public IReadOnlyList<IReadOnlyList<Image>> Rollout(IReadOnlyList<Image> starts, IReadOnlyList<IReadOnlyList<string>> actions) =>
        [.. starts.Select((start, b) =>
        {
            var truth = episodes.First(e => e.Frames[0].Equals(start) && e.Actions.SequenceEqual(actions[b]));
            return (IReadOnlyList<Image>)[.. truth.Frames.Skip(1).Select(i => i.Clone())];
        })];
}
