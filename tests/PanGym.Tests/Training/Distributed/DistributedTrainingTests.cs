using System.Diagnostics;
using PanGym.Tests.Cli;
using PanGym.Training;
using PanGym.WorldModel;
using Xunit.Abstractions;
using static PanGym.Tests.Training.Distributed.DistributedTrainingFixture;
using static TorchSharp.torch;

namespace PanGym.Tests.Training.Distributed;

/// <summary>
/// Data-parallel training as a user runs it: <c>mpiexec.mpich -n 2 dotnet PanGym.Cli.dll train … --distributed mpi</c>
/// on localhost, against one process; a rank killed, stopped or sent SIGTERM; ranks given different inputs.
/// </summary>
public sealed class DistributedTrainingTests(DistributedTrainingFixture fixture, ITestOutputHelper output) : IClassFixture<DistributedTrainingFixture>
{
    /// <summary>How long a job may take to end after one of its ranks is killed or sent SIGTERM (measured: well under a second).</summary>
    static readonly TimeSpan EndsWithin = TimeSpan.FromSeconds(10);

    [Fact]
    public void Two_ranks_with_half_batches_train_as_one_process_with_the_whole_batch()
    {
        var one = TrainLosses(fixture.SingleProcessRun);
        var two = TrainLosses(fixture.TwoRankRun);
        Assert.Equal(Enumerable.Range(1, Steps).Select(s => (long)s), one.Keys);
        Assert.Equal(one.Keys, two.Keys);
        double lossDifference = one.Keys.Max(step => Math.Abs(one[step] - two[step]));

        var validation = new[] { fixture.SingleProcessRun, fixture.TwoRankRun }
            .Select(run => TrainingMetric.ReadFile(TrainingOutput.MetricsFile(run)).Where(m => m.Kind == TrainingMetric.ValidationKind).ToList()).ToList();
        Assert.Equal([0L, Steps], validation[1].Select(m => m.Step));
        double validationDifference = validation[0].Zip(validation[1]).Max(pair => Math.Abs(pair.First.Loss - pair.Second.Loss));

        using var single = WorldModelCheckpoint.Load(TrainingOutput.ModelFolder(fixture.SingleProcessRun));
        using var ranks = WorldModelCheckpoint.Load(TrainingOutput.ModelFolder(fixture.TwoRankRun));
        using var scope = NewDisposeScope();
        var (a, b) = (single.state_dict(), ranks.state_dict());
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        Assert.All(a.Keys.Except(single.named_parameters().Select(p => p.name)), name => Assert.True(a[name].eq(b[name]).all().item<bool>(), $"buffer {name} differs"));
        // Which weights the loss depends on: those with a gradient at the final weights. The rest (here: the encoder
        // readout's query and key, and its norm1, since each latent token reads one patch, so its attention weight is 1
        // whatever they are) get only rounding noise (|g| < 1e-10) as a gradient, which AdamW turns into steps: they
        // drift apart as far as between two one-process runs at 1 and 2 threads (2e-5 over these 20 steps).
        var learned = GradientElements(single);
        var (withGradient, without) = (0.0, 0.0);
        long dead = 0;
        foreach (var (name, parameter) in single.named_parameters())
        {
            var difference = (parameter - b[name]).abs();
            var mask = learned.TryGetValue(name, out var m) ? m : zeros_like(parameter, dtype: ScalarType.Bool);
            dead += mask.logical_not().sum().item<long>();
            if (mask.any().item<bool>()) withGradient = Math.Max(withGradient, difference.masked_select(mask).max().item<float>());
            if (mask.logical_not().any().item<bool>()) without = Math.Max(without, difference.masked_select(mask.logical_not()).max().item<float>());
        }
        output.WriteLine($"{Steps} steps, 1 process × batch 8 vs 2 ranks × batch 4: max |Δ train loss| {lossDifference:E2} (loss {one[1]:F4} → {one[Steps]:F4}), " +
            $"max |Δ validation loss| {validationDifference:E2}; max |Δ weight| {withGradient:E2} over the weights with a gradient, " +
            $"{without:E2} over the {dead} the loss does not depend on");

        Assert.True(lossDifference < 1e-5, $"train losses differ by up to {lossDifference}");
        Assert.True(validationDifference < 1e-5, $"validation losses (of the final weights) differ by up to {validationDifference}");
        Assert.True(withGradient < 1e-5, $"weights differ by up to {withGradient}");
        Assert.True(without < 1e-4, $"weights without a gradient differ by up to {without}");
        Assert.True(one[Steps] < one[1], "the runs learned");

        // Rank 0 alone wrote the run's files: one TensorBoard event file, each metric once; it printed the ranks.
        Assert.Single(Directory.GetFiles(TrainingOutput.TensorBoardFolder(fixture.TwoRankRun), "events.out.tfevents.*"));
        Assert.Equal(Steps + 2, File.ReadAllLines(TrainingOutput.MetricsFile(fixture.TwoRankRun)).Length);
        Assert.Contains("distributed: 2 ranks over MPI", MpiJob.Flat(fixture.TwoRankOutput));
        Assert.Contains("MaxSteps at step 20", fixture.TwoRankOutput);
    }

    [Fact]
    public void A_killed_rank_ends_the_job_at_once_and_the_run_resumes_from_its_checkpoint_as_if_uninterrupted()
    {
        string run = Path.Combine(fixture.Root, "killed");
        using var job = MpiJob.Start(2, ["train", .. TrainArguments(fixture.Data, run), "--distributed", "mpi"]);
        int rankOne = job.ProcessIdOf(1, TimeSpan.FromMinutes(1));
        WaitForTrainLines(run, 7, job);
        var clock = Stopwatch.StartNew();
        Process.GetProcessById(rankOne).Kill();
        var (code, stdout, _) = job.WaitForExit(TimeSpan.FromMinutes(1));
        var ended = clock.Elapsed;
        long checkpointed = TrainingCheckpoint.ReadState(run).Step;
        long logged = TrainLosses(run).Keys.Max();
        output.WriteLine($"rank 1 (pid {rankOne}) killed after {logged} logged steps: the job ended {ended.TotalSeconds:F2} s later with exit code {code}; last checkpoint at step {checkpointed}");

        Assert.NotEqual(0, code);
        Assert.True(ended < EndsWithin, $"the job took {ended} to end");
        Assert.Contains($"rank 1: pid {rankOne} on ", MpiJob.Flat(stdout));
        Assert.Contains($"PID {rankOne} RUNNING AT", stdout);
        Assert.True(checkpointed >= 5 && checkpointed % 5 == 0 && checkpointed < Steps, $"checkpoint at step {checkpointed}");

        var (resumedCode, resumedOutput, resumedError) = MpiJob.Run(2, "train", "--resume", "--data", fixture.Data, "--out", run, "--threads", "1", "--distributed", "mpi");
        Assert.True(resumedCode == 0, resumedError + resumedOutput);
        Assert.Contains($"resuming at step {checkpointed}", MpiJob.Flat(resumedOutput));
        var resumed = TrainLosses(run);
        var uninterrupted = TrainLosses(fixture.TwoRankRun);
        Assert.Equal(uninterrupted.Keys, resumed.Keys);
        double difference = resumed.Keys.Max(step => Math.Abs(resumed[step] - uninterrupted[step]));
        output.WriteLine($"resumed to step {Steps}: max |Δ loss| against the uninterrupted 2-rank run {difference:E2}");
        Assert.True(difference < 1e-6, $"the resumed losses differ from the uninterrupted run's by up to {difference}");
    }

    [Fact]
    public void A_rank_sent_SIGTERM_names_itself_and_ends_the_job()
    {
        using var run = StartLongRun("terminated", trainLines: 6);
        var (job, rankOne) = (run.Job, run.RankOne);
        var clock = Stopwatch.StartNew();
        Signal("TERM", rankOne);
        var (code, _, error) = job.WaitForExit(TimeSpan.FromMinutes(1));
        output.WriteLine($"SIGTERM to rank 1: the job ended {clock.Elapsed.TotalSeconds:F2} s later with exit code {code}: {error.Split('\n')[0]}");

        Assert.True(clock.Elapsed < EndsWithin, $"the job took {clock.Elapsed} to end");
        Assert.Equal(143, code);
        Assert.Contains($"error: rank 1 of 2 (pid {rankOne} on ", error);
        Assert.Contains("was sent SIGTERM", error);
        Assert.True(TrainingCheckpoint.ReadState(run.Folder).Step >= 5, "the checkpoint written before the signal is intact");
    }

    [Fact]
    public void A_rank_that_hangs_is_found_by_the_collective_timeout()
    {
        using var run = StartLongRun("stopped", trainLines: 2, "--collective-timeout", "2");
        var (job, rankOne) = (run.Job, run.RankOne);
        var clock = Stopwatch.StartNew();
        Signal("STOP", rankOne);
        var (code, _, error) = job.WaitForExit(TimeSpan.FromMinutes(1));
        output.WriteLine($"rank 1 stopped (SIGSTOP): the job ended {clock.Elapsed.TotalSeconds:F2} s later with exit code {code}: {error.Split('\n')[0]}");

        Assert.Equal(3, code);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(2) && clock.Elapsed < TimeSpan.FromSeconds(2) + EndsWithin, $"the job took {clock.Elapsed} to end");
        Assert.Contains("error: rank 0 of 2 (pid ", error);
        Assert.Contains("waited more than 2 s for the other ranks", error);
        Assert.True(SpinWait.SpinUntil(() => !IsRunning(rankOne), TimeSpan.FromSeconds(10)), "the stopped rank is gone");
    }

    [Fact]
    public void A_global_batch_that_does_not_split_over_the_ranks_is_refused_before_anything_is_written()
    {
        string run = Path.Combine(fixture.Root, "odd-batch");
        var arguments = TrainArguments(fixture.Data, run);
        arguments[Array.IndexOf(arguments, "--batch-size") + 1] = "3";
        var (code, _, error) = MpiJob.Run(2, ["train", .. arguments, "--distributed", "mpi"]);
        Assert.Equal(2, code);
        Assert.Equal(
            "error: A global batch of 3 windows does not split evenly over 2 ranks: give a batch size that is a multiple of 2 " +
            "(the batch size is the global batch; each rank computes batch / ranks windows of it).", error.Trim());
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void Ranks_given_different_data_sets_or_options_are_refused_before_anything_is_written()
    {
        string run = Path.Combine(fixture.Root, "mismatch");
        using var job = MpiJob.StartEach(
            ["train", .. TrainArguments(fixture.Data, run), "--distributed", "mpi"],
            ["train", .. TrainArguments(fixture.OtherData, run), "--lr", "0.002", "--distributed", "mpi"]);
        var (code, _, error) = job.WaitForExit(TimeSpan.FromMinutes(2));
        output.WriteLine(error);
        Assert.Equal(2, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: The ranks do not hold the same replica: rank 1 of 2 differs from rank 0 in data set", line);
        Assert.Contains($"at {fixture.OtherData} (rank 0: ", line);
        Assert.Contains("training learning_rate 0.002 (rank 0: 0.001)", line);
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void Distributed_mpi_without_an_MPI_library_is_a_clear_error()
    {
        string run = Path.Combine(fixture.Root, "no-mpi");
        Environment.SetEnvironmentVariable("PANGYM_MPI_LIBRARY", Path.Combine(fixture.Root, "nowhere", "libmpich.so.12"));
        try
        {
            var (code, _, error) = CliRunner.Run(["train", .. TrainArguments(fixture.Data, run), "--distributed", "mpi"]);
            Assert.Equal(2, code);
            var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("error: --distributed mpi needs an MPI library with MPICH's ABI, but none could be loaded", line);
            Assert.Contains("sudo apt-get install mpich", line);
            Assert.False(Directory.Exists(run));

            (code, _, error) = CliRunner.Run(["train", .. TrainArguments(fixture.Data, run), "--distributed", "nccl"]);
            Assert.Equal(2, code);
            Assert.Contains("--distributed must be none or mpi", error);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PANGYM_MPI_LIBRARY", null);
        }
    }

    /// <summary>For each parameter of <paramref name="model"/>, which of its elements get a gradient above rounding noise (1e-9) from the loss of a batch.</summary>
    Dictionary<string, Tensor> GradientElements(PanGym.WorldModel.PanWorldModel model)
    {
        var dataset = PanGym.Data.EpisodeDataset.Open(fixture.Data);
        using var batch = new PanGym.Data.EpisodeWindowSampler(dataset, new PanGym.Data.EpisodeWindowSamplerConfig(batchSize: 8, windowSteps: 2, seed: 1)).NextBatch();
        using var generator = new Generator(1, CPU);
        model.Loss(batch.ToModelPixels(), batch.Actions, generator).Total.backward();
        return model.named_parameters().Where(p => p.parameter.grad is not null).ToDictionary(p => p.name, p => p.parameter.grad!.abs().ge(1e-9));
    }

    /// <summary>A running 2-rank job, rank 1's pid and its output folder.</summary>
    sealed record LongRun(MpiJob Job, int RankOne, string Folder) : IDisposable
    {
        public void Dispose() => Job.Dispose();
    }

    /// <summary>Starts a 2-rank run of 1000 steps in <c>Root/name</c> and waits for rank 1's pid and <paramref name="trainLines"/> metric lines.</summary>
    LongRun StartLongRun(string name, int trainLines, params string[] options)
    {
        string folder = Path.Combine(fixture.Root, name);
        var job = MpiJob.Start(2, ["train", .. TrainArguments(fixture.Data, folder, steps: 1000), "--distributed", "mpi", .. options]);
        try
        {
            int rankOne = job.ProcessIdOf(1, TimeSpan.FromMinutes(1));
            WaitForTrainLines(folder, trainLines, job);
            return new LongRun(job, rankOne, folder);
        }
        catch
        {
            job.Dispose();
            throw;
        }
    }

    static void WaitForTrainLines(string run, int lines, MpiJob job)
    {
        var clock = Stopwatch.StartNew();
        string metrics = TrainingOutput.MetricsFile(run);
        while (!(File.Exists(metrics) && File.ReadLines(metrics).Count(line => line.Contains("\"train\"")) >= lines))
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(1)) Assert.Fail($"no {lines} train lines after a minute: {job.Output}");
            Thread.Sleep(10);
        }
    }

    /// <summary>Whether a process exists and is not a zombie waiting to be reaped.</summary>
    static bool IsRunning(int processId)
    {
        try
        {
            return !File.ReadAllText($"/proc/{processId}/stat").Contains(") Z ");
        }
        catch (IOException)
        {
            return false;
        }
    }

    static void Signal(string signal, int processId)
    {
        using var kill = Process.Start("kill", [$"-{signal}", processId.ToString()])!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }
}
