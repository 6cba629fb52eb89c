using System.Text.Json.Nodes;
using PanGym.Data;

namespace PanGym.Training;

/// <summary>Everything a resumed run needs beside the weights and the optimizer: what <c>trainer.json</c> holds.</summary>
/// <param name="Step">Optimizer steps taken.</param>
/// <param name="ScheduleSteps">The learning-rate schedule's length, once fixed.</param>
/// <param name="ElapsedSeconds">Training time so far.</param>
/// <param name="Config">The run's configuration.</param>
/// <param name="Sampler">Where the training sampler's next batch starts.</param>
/// <param name="NoiseGeneratorState">The flow-matching noise generator's state (libtorch's bytes).</param>
/// <param name="Dataset">The data set trained on.</param>
/// <param name="IntraOpThreads">libtorch's intra-op thread count when the checkpoint was written: its reductions, and so the
/// losses' last bits, depend on it, so a resume restores it (null in checkpoints written before it was recorded).</param>
internal sealed record TrainingState(long Step, long? ScheduleSteps, double ElapsedSeconds, TrainingConfig Config,
    EpisodeWindowSamplerState Sampler, byte[] NoiseGeneratorState, DatasetFingerprint Dataset, int? IntraOpThreads = null)
{
    public JsonObject ToJson()
    {
        var node = TrainingCheckpoint.Header();
        node["step"] = Step;
        node["schedule_steps"] = ScheduleSteps;
        node["elapsed_seconds"] = ElapsedSeconds;
        node["sampler"] = new JsonObject { ["seed"] = Sampler.Seed, ["epoch"] = Sampler.Epoch, ["index"] = Sampler.Index };
        node["noise_generator_state"] = Convert.ToBase64String(NoiseGeneratorState);
        node["dataset"] = Dataset.ToJson();
        node["intra_op_threads"] = IntraOpThreads;
        node["config"] = JsonNode.Parse(Config.ToJson());
        return node;
    }

    public static TrainingState FromJson(JsonObject node, string source) => new(
        TrainingCheckpoint.Required<long>(node, "step"),
        node["schedule_steps"] is null ? null : TrainingCheckpoint.Required<long>(node, "schedule_steps"),
        TrainingCheckpoint.Required<double>(node, "elapsed_seconds"),
        TrainingConfig.FromJson((node["config"] ?? throw new FormatException("\"config\" is missing")).ToJsonString(), source),
        TrainingCheckpoint.ReadSampler(node["sampler"]),
        Convert.FromBase64String(TrainingCheckpoint.Required<string>(node, "noise_generator_state")),
        DatasetFingerprint.FromJson(node["dataset"]),
        node["intra_op_threads"] is null ? null : TrainingCheckpoint.Required<int>(node, "intra_op_threads"));
}
