using PanGym.Envs;
using PanGym.Imagination;
using PanGym.Planning;
using PanGym.WorldModel;
using static TorchSharp.torch;

namespace PanGym.Bench;

/// <summary>
/// The planners' part of <see cref="WorldModelBenchmark"/>: MPC decisions on ShapesWorld goal task 0 with CEM, random
/// shooting and MPPI at their defaults, and MPPI at TD-MPC2's budget (<see cref="MppiConfig.TdMpc2"/>), scored by the
/// latent goal reward and by the probe reward (<c>pangym plan</c>'s default), each timed after one untimed decision.
/// </summary>
internal static class PlannerDecisions
{
    public static List<PlannerTiming> Measure(PanWorldModel model, ShapesWorld env, IReadOnlyDictionary<string, object?> startInfo, IImaginedReward goal, int decisions)
    {
        var probeSampling = ImaginationOptions.DefaultRollout.Sampling;
        var cem = CemConfig.Default;
        string cemSettings = $"horizon {cem.Horizon}, population {cem.Population}, elites {cem.EliteCount}, {cem.Iterations} iterations, α {cem.Alpha}";
        string randomSettings = $"horizon {RandomShootingConfig.Default.Horizon}, population {RandomShootingConfig.Default.Population}";
        string mppiSettings = MppiSettings(MppiConfig.Default), tdMpc2Settings = MppiSettings(MppiConfig.TdMpc2);
        const string TdMpc2 = "mppi, TD-MPC2 budget";
        var rows = new List<PlannerTiming>();
        foreach (var (name, planner, settings, rewardName, reward) in new (string, IPlanner, string, string, IImaginedReward)[]
        {
            ("cem", new CemPlanner(), cemSettings, "latent goal", goal),
            ("random", new RandomShootingPlanner(), randomSettings, "latent goal", goal),
            ("cem", new CemPlanner(), cemSettings, $"probe, decode K = {probeSampling.Steps} (plan's default)", ShapesWorldGoalTasks.ProbeDistanceReward(env, startInfo)),
            ("mppi", new MppiPlanner(), mppiSettings, "latent goal", goal),
            (TdMpc2, new MppiPlanner(MppiConfig.TdMpc2), tdMpc2Settings, "latent goal", goal),
            (TdMpc2, new MppiPlanner(MppiConfig.TdMpc2), tdMpc2Settings, $"probe, decode K = {probeSampling.Steps} (plan's default)", ShapesWorldGoalTasks.ProbeDistanceReward(env, startInfo)),
        })
        {
            var times = new List<double>();
            int sequencesScored = 0, rowsComputed = 0;
            using var planning = new WorldModelPlanningModel(model, reward);
            var agent = new MpcAgent(planning, planner, ShapesWorldAction.Candidates);
            var (observation, info) = env.Reset(seed: 0);
            using (NewDisposeScope()) agent.Act(observation, info);
            agent.Reset();
            for (int decision = 0; decision < decisions; decision++)
            {
                using var step = NewDisposeScope();
                var action = agent.Act(observation, info);
                times.Add(agent.LastPlan!.Elapsed.TotalSeconds);
                sequencesScored += agent.LastPlan.SequencesScored;
                rowsComputed += agent.LastPlan.ComputedSteps;
                (observation, _, _, _, info) = env.Step(action);
            }
            rows.Add(new PlannerTiming(name, settings, rewardName, times.Average(), times.Max(), sequencesScored / decisions, rowsComputed / decisions));
        }
        return rows;
    }

    static string MppiSettings(MppiConfig config) =>
        $"horizon {config.Horizon}, population {config.Population}, {config.Iterations} iterations, λ {config.Temperature}, " +
        $"{(config.Elites is int k ? $"best {k}" : "all")} weighted, α {config.Alpha}";
}
