// Bring your own environment: a new text-action environment (BeaconWorld, in this folder) on PanGym's public base types,
// registered by name, its episodes generated, a world model trained on them in code, evaluated one step ahead beside
// copying the last frame, and planned with on goal tasks executed in the real environment.
//   dotnet run --project examples/OwnEnvironment -c Release -- [out-folder] [training-steps]
// The defaults (tiny preset, 32×32 frames, 600 steps) take one to two minutes on two cores. On a busy machine,
// OMP_NUM_THREADS=1 keeps libtorch's threads from spinning against other work.
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using OwnEnvironment;
using PanGym;
using PanGym.Data;
using PanGym.DependencyInjection;
using PanGym.Envs;
using PanGym.Evaluation;
using PanGym.Experiments;
using PanGym.Gym;
using PanGym.Gym.Checking;
using PanGym.Planning;
using PanGym.Training;
using PanGym.WorldModel;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string outFolder = Path.GetFullPath(args.Length > 0 ? args[0] : "out/own-environment");
int trainingSteps = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 600;
const string id = "BeaconWorld-v0";
const int size = 32;
var clock = System.Diagnostics.Stopwatch.StartNew();

// 1. Registration: by name for registry.Make and the command line, with the exploration policy that records its data.
//    GroundTruthExploration.PolicyFor, GroundTruthSimulators.For and `pangym train/eval/rollout/plan` now find it.
using var services = new ServiceCollection()
    .AddPanGym(pan => pan.AddGroundTruthEnvironments()
        .AddGroundTruthEnvironment(BeaconWorld.Spec0, (_, kwargs) => BeaconWorld.Create(kwargs), _ => new BeaconExploration()))
    .BuildServiceProvider();
var registry = services.GetRequiredService<EnvRegistry>();
var sized = new Dictionary<string, object?> { ["size"] = size };

// 2. Gymnasium's checks on the new environment (spaces, seeding, determinism, info).
var check = EnvChecker.Check(registry.Make(id, sized));
Console.WriteLine($"env checker: {(check.Passed ? "passed" : check.ToString())}");

// 3. Data and training in code: 160 seeded episodes of 16 steps, the tiny preset, a fixed number of steps.
var data = TrainingDataSource.Generate(new EpisodeGenerator(() => registry.Make(id, sized), GroundTruthExploration.PolicyFor),
    new EpisodeGenerationConfig(episodes: 160, stepsPerEpisode: 16));
string run = Path.Combine(outFolder, "train");
var training = File.Exists(Path.Combine(run, "checkpoint", "trainer.json"))
    ? TrainingRunOptions.Resume(run)
    : TrainingRunOptions.NewRun(run, WorldModelConfig.Tiny, new TrainingConfig(maxSteps: trainingSteps, batchSize: 8, windowSteps: 4, warmupSteps: 50), data);
var trained = TrainingRun.Execute(training, progress: new SyncProgress<TrainingProgress>(p =>
{
    if (p.Step % 100 == 0) Console.WriteLine($"train step {p.Step}: loss {p.Loss:F4}");
}));
Console.WriteLine($"trained: {trained.FinalStep} steps, model in {trained.ModelFolder} ({clock.Elapsed.TotalSeconds:F0} s so far)");

// 4. Evaluation on held-out episodes of the environment's simulator, beside copying the last frame.
var report = EvaluationRun.Execute(
    new EvaluationRunOptions(run, new EvaluationConfig(episodes: 8, horizon: 4), sampling: new FlowSamplingOptions(steps: 4, temperature: 0), compareOpenLoop: false),
    GroundTruthSimulators.At(registry, id));
Console.WriteLine($"one-step action fidelity: model {Share(report.OneStep.ActionFidelity)}, copy-last {Share(report.OneStepCopyLast.ActionFidelity)}");
Console.WriteLine($"one-step PSNR: model {report.OneStep.Psnr.Mean:F1} dB, copy-last {report.OneStepCopyLast.Psnr.Mean:F1} dB ({clock.Elapsed.TotalSeconds:F0} s so far)");

// 5. Goal-task planning: the environment's own goal tasks (BeaconWorld implements IGoalTaskProvider), random actions and CEM
//    with the true simulator as baselines, and CEM with the world model, scored by the probe on imagined frames decoded with
//    one solver step (ImaginationOptions.Default). The world model's CEM is a smaller one (16 sequences, 2 iterations).
using var model = WorldModelCheckpoint.Load(trained.ModelFolder);
model.eval();
using var goalTasks = GroundTruthRegistry.Default.GoalTasksFor(registry.Make(id, sized));
using var planning = new WorldModelPlanningModel(model, (_, info) => goalTasks.ProbeReward(info)!);
var controllers = GoalTaskEvaluation.Baselines(goalTasks, () => new CemPlanner(), "cem").ToList();
controllers.Add(new GoalTaskController("cem + world model",
    () => new MpcAgent(planning, new CemPlanner(new CemConfig(horizon: 3, population: 16, iterations: 2)), goalTasks.CandidateActions)));
var comparison = GoalTaskEvaluation.Compare(goalTasks, controllers, tasks: 5);
Console.WriteLine(comparison.ToText());
foreach (var row in comparison.Rows) Console.WriteLine($"solved by {row.Controller}: {row.Result.Solved}/{row.Result.Runs.Count}");
Console.WriteLine($"done in {clock.Elapsed.TotalSeconds:F0} s");

static string Share(Estimate e) => $"{e.Mean:F3} [{e.Lower:F3}, {e.Upper:F3}]";
