using System.Text;
using PanGym.Training.Distributed;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PanGym.Tests.Training.Distributed;

/// <summary>The gradient average's flat bucketed layout and the ranks' agreement, with the other ranks simulated.</summary>
public sealed class CollectiveStepTests
{
    static Parameter[] Parameters() => [new(zeros(3, 4)), new(zeros(5)), new(zeros(2, 2))];

    static void GiveGradients(Parameter[] parameters)
    {
        parameters[0].grad = arange(12, dtype: ScalarType.Float32).reshape(3, 4) * 0.5f;
        parameters[1].grad = arange(5, dtype: ScalarType.Float32) - 10;
    }

    [Fact]
    public void Identical_replicas_keep_their_gradients_and_a_parameter_without_one_stays_without()
    {
        using var scope = NewDisposeScope();
        var parameters = Parameters();
        GiveGradients(parameters);
        var before = parameters.Take(2).Select(p => p.grad!.clone()).ToList();
        var ranks = new SimulatedPeersCommunicator(rank: 1, size: 3);
        using var averager = new GradientAverager(ranks, parameters, scalars: 2, bucketFloats: 7);
        Span<float> losses = [1.5f, -2f];
        averager.Average(losses);

        Assert.Equal(3 + 2 + 12 + 5 + 4, averager.TotalFloats);
        Assert.Equal((averager.TotalFloats + 6) / 7, ranks.SumCalls);
        Assert.Equal([1.5f, -2f], losses.ToArray());
        Assert.True(parameters[0].grad!.eq(before[0]).all().item<bool>());
        Assert.True(parameters[1].grad!.eq(before[1]).all().item<bool>());
        Assert.Null(parameters[2].grad);
    }

    [Fact]
    public void Each_value_is_averaged_with_the_other_ranks_value_at_its_place_in_the_flat_buffer()
    {
        using var scope = NewDisposeScope();
        var parameters = Parameters();
        GiveGradients(parameters);
        var before = parameters.Take(2).Select(p => p.grad!.clone().reshape(-1)).ToList();
        // The other rank contributes, at each position of the stream, the position itself: the average shows where each value travelled.
        var ranks = new SimulatedPeersCommunicator(rank: 0, size: 2, peerSum: (position, _) => position);
        using var averager = new GradientAverager(ranks, parameters, scalars: 2, bucketFloats: 7);
        Span<float> losses = [1.5f, -2f];
        averager.Average(losses);

        // Layout: 3 has-gradient flags, 2 scalars, then the gradients end to end.
        Assert.Equal([(1.5f + 3) / 2, (-2f + 4) / 2], losses.ToArray());
        var expectedFirst = (before[0] + arange(5, 17, dtype: ScalarType.Float32)) / 2;
        var expectedSecond = (before[1] + arange(17, 22, dtype: ScalarType.Float32)) / 2;
        Assert.True(parameters[0].grad!.reshape(-1).eq(expectedFirst).all().item<bool>());
        Assert.True(parameters[1].grad!.reshape(-1).eq(expectedSecond).all().item<bool>());
        // Only the other rank had a gradient for the third parameter (its flag arrives non-zero): it gets one, half the other's.
        Assert.NotNull(parameters[2].grad);
        Assert.True(parameters[2].grad!.reshape(-1).eq(arange(22, 26, dtype: ScalarType.Float32) / 2).all().item<bool>());
    }

    [Fact]
    public void One_rank_failing_makes_every_rank_throw_and_the_lowest_failing_rank_reports()
    {
        static IReadOnlyList<byte[]> RankOneFails(byte[] mine) => [mine, Encoding.UTF8.GetBytes("!No data set at /data: the folder does not exist.")];
        var disposed = new DisposalProbe();
        var rankZero = new SimulatedPeersCommunicator(rank: 0, size: 2, gather: RankOneFails);
        var quiet = Assert.Throws<RankFailedException>(() => rankZero.Agree(() => disposed));
        Assert.Equal("rank 1 of 2: No data set at /data: the folder does not exist.", quiet.Message);
        Assert.Equal([1], quiet.FailedRanks);
        Assert.False(quiet.ReportedHere);
        Assert.True(disposed.Disposed, "the step's result on a rank that succeeded is disposed");

        var rankOne = new SimulatedPeersCommunicator(rank: 1, size: 2, gather: mine => [[], mine]);
        var reported = Assert.Throws<RankFailedException>(() => rankOne.Agree(() => throw new IOException("No data set at /data: the folder does not exist.")));
        Assert.True(reported.ReportedHere);
        Assert.IsType<IOException>(reported.InnerException);
        Assert.Equal(quiet.Message, reported.Message);
    }

    [Fact]
    public void The_same_failure_on_every_rank_is_one_message_and_different_ones_are_grouped_by_rank()
    {
        var everyone = new SimulatedPeersCommunicator(rank: 0, size: 3, gather: mine => [mine, mine, mine]);
        var same = Assert.Throws<RankFailedException>(() => everyone.Agree(() => throw new ArgumentException("A global batch of 3 windows does not split evenly over 3 ranks.")));
        Assert.Equal("A global batch of 3 windows does not split evenly over 3 ranks.", same.Message);
        Assert.True(same.ReportedHere);

        var mixed = new SimulatedPeersCommunicator(rank: 2, size: 4, gather: mine =>
            [[], Encoding.UTF8.GetBytes("!disk full"), mine, Encoding.UTF8.GetBytes("!no data")]);
        var grouped = Assert.Throws<RankFailedException>(() => mixed.Agree(() => throw new IOException("disk full")));
        Assert.Equal("ranks 1, 2 of 4: disk full; rank 3 of 4: no data", grouped.Message);
        Assert.False(grouped.ReportedHere);
        Assert.Equal([1, 2, 3], grouped.FailedRanks);
    }

    [Fact]
    public void In_one_process_a_step_runs_as_it_is()
    {
        Assert.Equal(7, SingleProcessCommunicator.Instance.Agree(() => 7));
        Assert.Throws<FormatException>(() => SingleProcessCommunicator.Instance.Agree(() => throw new FormatException("bad")));
    }

    sealed class DisposalProbe : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }
}
