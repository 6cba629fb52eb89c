using System.CommandLine;
using System.Diagnostics;
using PanGym.WorldModel;
using Spectre.Console;
using static TorchSharp.torch;

namespace PanGym.Cli.Commands;

/// <summary><c>pangym model info</c>: a preset's parts, parameter counts and per-step costs on this machine.</summary>
internal static class ModelCommand
{
    public static Command Create()
    {
        var command = new Command("model", "World-model presets.");
        var preset = new Option<string>("--preset") { Description = "tiny, small or pan.", DefaultValueFactory = _ => "small" };
        var backbone = new Option<string?>("--backbone") { Description = "Pretrained Qwen2/Qwen2.5 folder (the pan preset)." };
        var time = new Option<bool>("--time") { Description = "Also time encode, predict (with the cache) and decode." };
        var steps = new Option<int>("--decode-steps") { Description = "K, solver steps per decoded frame.", DefaultValueFactory = _ => 16 };
        var info = new Command("info", "Print a preset's sizes and parameter counts (and with --time, per-step timings).") { preset, backbone, time, steps };
        info.SetAction(parse =>
        {
            var config = WorldModelConfig.FromPreset(parse.GetValue(preset)!, parse.GetValue(backbone));
            using var model = PanGym.WorldModel.PanWorldModel.Create(config);
            var table = new Table().AddColumns("part", "parameters");
            foreach (var (part, count) in model.ParameterCounts()) table.AddRow(part, count.ToString("N0"));
            AnsiConsole.MarkupLine($"preset [bold]{config.Preset}[/]: {config.ImageSize}×{config.ImageSize} frames, {config.Dynamics.LatentTokens} latent tokens × {config.Dynamics.LatentWidth}, " +
                $"backbone {config.Backbone.NumHiddenLayers} layers × {config.Backbone.HiddenSize}, {model.Dynamics.TurnLength} tokens per turn, tokenizer {config.Tokenizer}");
            AnsiConsole.Write(table);
            if (parse.GetValue(time)) AnsiConsole.Write(Timings(model, parse.GetValue(steps)));
            return 0;
        });
        command.Subcommands.Add(info);
        return command;
    }

    /// <summary>Median milliseconds of encode, cached predict at a few history lengths, and decode, for one trajectory.</summary>
    static Table Timings(PanGym.WorldModel.PanWorldModel model, int decodeSteps)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        int size = model.Config.ImageSize;
        var frame = rand(1, 3, size, size).mul(2).sub(1);
        double Median(Action action, int repetitions = 5)
        {
            action();
            var times = Enumerable.Range(0, repetitions).Select(_ =>
            {
                var clock = Stopwatch.StartNew();
                using (NewDisposeScope()) action();
                return clock.Elapsed.TotalMilliseconds;
            }).Order().ToArray();
            return times[times.Length / 2];
        }
        var table = new Table().AddColumns("step", "ms");
        table.AddRow("encode (1 frame)", Median(() => model.Encode(frame)).ToString("F1"));
        var state = model.Encode(frame);
        using var history = model.NewHistory();
        foreach (int turns in new[] { 1, 8, 32 })
        {
            while (history.Turns < turns - 1) model.PredictNext(history, state, ["wait"]);
            table.AddRow($"predict with cache (turn {turns})", Median(() =>
            {
                using var branch = history.Clone();
                model.PredictNext(branch, state, ["move the red circle left"]);
            }).ToString("F1"));
        }
        var latent = model.PredictNext(history, state, ["wait"]);
        table.AddRow($"decode (K = {decodeSteps} Euler steps)", Median(() => model.Decode(latent, frame, new FlowSamplingOptions(decodeSteps)), 3).ToString("F1"));
        return table;
    }
}
