// Plan with your own reward function: model-predictive control with CEM against a world model, where the reward of
// every imagined step is a delegate you write. Here: "push the red circle to the left edge", scored on the imagined
// frames by the red pixels' mean column.
//   dotnet run --project examples/PlanWithOwnReward -- [checkpoint-folder | -] [steps]
// Without a checkpoint (or with "-") an untrained tiny model is used: the mechanics run, the plans mean nothing.
// On a busy machine with few cores, OMP_NUM_THREADS=1 avoids libtorch's spinning threads (often several times faster).
using PanGym.Envs;
using PanGym.Imagination;
using PanGym.Planning;
using PanGym.WorldModel;
using static TorchSharp.torch;

string? checkpoint = args.Length > 0 && args[0] is not ("" or "-") ? args[0] : null;
int steps = args.Length > 1 ? int.Parse(args[1]) : 10;

using var model = checkpoint is not null ? WorldModelCheckpoint.Load(checkpoint) : PanWorldModel.Create(WorldModelConfig.Tiny);
model.eval();
Console.WriteLine(checkpoint is not null ? $"world model: {checkpoint}" : "world model: untrained tiny (pass a checkpoint folder to plan for real)");

// Your reward: one number per imagined trajectory, from what the world model imagined at this step. Frames are model
// pixels [B, 3, H, W] in [-1, 1]; red is high in channel 0 and low in channels 1 and 2.
var pushRedLeft = new DelegateReward(step =>
{
    using var scope = NewDisposeScope();
    var frames = step.Frames!;
    var red = frames[.., 0] > 0.5 & frames[.., 1] < 0 & frames[.., 2] < 0;            // [B, H, W]
    var columns = arange(frames.shape[3], dtype: ScalarType.Float32).expand_as(red);  // column index of every pixel
    var redPixels = red.sum([1, 2]).to_type(ScalarType.Float32).clamp_min(1);
    var meanColumn = (columns * red).sum([1, 2]) / redPixels;                          // [B]
    var rewards = (-meanColumn / frames.shape[3]).data<float>().Select(r => (double)r).ToArray();
    return new StepRewards(rewards);                                                  // never terminates
}, needsFrames: true);

// Imagination decodes each imagined frame with 2 deterministic flow steps, because the reward reads pixels. A reward
// on latents (LatentGoalReward, or a delegate over step.Latents) skips decoding and plans many times faster.
var imagination = new ImaginationOptions(rollout: new RolloutOptions(sampling: new FlowSamplingOptions(steps: 2, temperature: 0)));
using var planning = new WorldModelPlanningModel(model, pushRedLeft, imagination);
var agent = new MpcAgent(planning, new CemPlanner(new CemConfig(horizon: 2, population: 16, iterations: 2)), ShapesWorldAction.Candidates);

using var env = new ShapesWorld(ShapesWorldConfig.ForSize(model.Config.ImageSize));
var (observation, info) = env.Reset(seed: 0, new Dictionary<string, object?>
{
    ["shapes"] = new[] { new ShapeState(ShapeKind.Circle, env.Config.Size / 2, env.Config.Size / 2) },
});
Console.WriteLine($"start: {env.State}");
for (int step = 0; step < steps; step++)
{
    var action = agent.Act(observation, info);
    (observation, _, _, _, info) = env.Step(action);
    Console.WriteLine($"step {step + 1}: {action,-30} imagined return {agent.LastPlan!.Return:F3} ({agent.LastPlan.Elapsed.TotalSeconds:F2} s)  -> {env.State.Shapes[0]}");
}
