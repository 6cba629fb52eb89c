using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PanGym.Training.Distributed;

/// <summary>
/// Averages the gradients of data-parallel replicas, as DDP's gradient buckets do: every trainable parameter's
/// gradient is laid end to end in one flat float32 vector, preceded by a has-gradient flag per parameter and the step's
/// loss scalars; the vector goes through the all-reduce in buckets of at most <see cref="BucketFloats"/> (one call per
/// bucket, not one per tensor), and each bucket is divided by the rank count and copied back. A parameter that no rank
/// gave a gradient keeps none, as in one process; one that only other ranks gave a gradient gets one.
/// </summary>
internal sealed class GradientAverager : IDisposable
{
    /// <summary>The default bucket: 4 Mi floats (16 MiB).</summary>
    public const int DefaultBucketFloats = 1 << 22;

    readonly ICommunicator _communicator;
    readonly Parameter[] _parameters;
    readonly long[] _starts;
    readonly int _scalars;
    readonly float[] _bucket;
    readonly Tensor _bucketTensor;

    /// <summary>An averager of <paramref name="parameters"/>' gradients with <paramref name="scalars"/> extra values per step.</summary>
    public GradientAverager(ICommunicator communicator, IReadOnlyList<Parameter> parameters, int scalars, int bucketFloats = DefaultBucketFloats)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bucketFloats, 1);
        (_communicator, _parameters, _scalars) = (communicator, [.. parameters], scalars);
        _starts = new long[_parameters.Length + 1];
        _starts[0] = _parameters.Length + scalars;
        for (int i = 0; i < _parameters.Length; i++) _starts[i + 1] = _starts[i] + _parameters[i].numel();
        BucketFloats = (int)Math.Min(bucketFloats, _starts[^1]);
        _bucket = new float[BucketFloats];
        _bucketTensor = frombuffer(_bucket, ScalarType.Float32);
    }

    /// <summary>Floats per all-reduce call.</summary>
    public int BucketFloats { get; }

    /// <summary>Floats reduced per step: the gradients, the flags and the scalars.</summary>
    public long TotalFloats => _starts[^1];

    /// <summary>Gradient elements (the trainable parameters' count).</summary>
    public long GradientFloats => _starts[^1] - _starts[0];

    /// <summary>Replaces each gradient and each of <paramref name="scalars"/> with its mean over the ranks.</summary>
    public void Average(Span<float> scalars)
    {
        if (scalars.Length != _scalars) throw new ArgumentException($"Expected {_scalars} scalars, got {scalars.Length}.", nameof(scalars));
        using var scope = NewDisposeScope();
        var grads = _parameters.Select(p => p.grad).ToArray();
        var flat = grads.Select(g => g?.view(-1)).ToArray();
        float ranks = _communicator.Size;
        for (long start = 0; start < TotalFloats; start += BucketFloats)
        {
            int length = (int)Math.Min(BucketFloats, TotalFloats - start);
            var bucket = _bucket.AsSpan(0, length);
            Fill(bucket, start, scalars, flat);
            _communicator.SumInPlace(bucket);
            _bucketTensor.narrow(0, 0, length).div_(ranks);
            Drain(bucket, start, scalars, grads, flat);
        }
    }

    /// <summary>Frees the bucket.</summary>
    public void Dispose() => _bucketTensor.Dispose();

    void Fill(Span<float> bucket, long start, ReadOnlySpan<float> scalars, Tensor?[] flat)
    {
        long end = start + bucket.Length;
        for (long at = start; at < Math.Min(end, _starts[0]); at++)
            bucket[(int)(at - start)] = at < _parameters.Length ? (flat[at] is null ? 0 : 1) : scalars[(int)(at - _parameters.Length)];
        ForEachOverlap(start, end, (i, from, to, count) =>
        {
            var target = _bucketTensor.narrow(0, to, count);
            if (flat[i] is { } gradient) target.copy_(gradient.narrow(0, from, count));
            else target.zero_();
        });
    }

    void Drain(ReadOnlySpan<float> bucket, long start, Span<float> scalars, Tensor?[] grads, Tensor?[] flat)
    {
        long end = start + bucket.Length;
        for (long at = start; at < Math.Min(end, _starts[0]); at++)
        {
            float value = bucket[(int)(at - start)];
            if (at >= _parameters.Length) scalars[(int)(at - _parameters.Length)] = value;
            else if (value > 0 && flat[at] is null)
            {
                var parameter = _parameters[at];
                parameter.grad = zeros_like(parameter);
                grads[at] = parameter.grad;
                flat[at] = grads[at]!.view(-1);
            }
        }
        ForEachOverlap(start, end, (i, from, to, count) => flat[i]?.narrow(0, from, count).copy_(_bucketTensor.narrow(0, to, count)));
    }

    /// <summary>For each parameter whose stretch of the flat vector overlaps [start, end): (parameter, offset in its gradient, offset in the bucket, count).</summary>
    void ForEachOverlap(long start, long end, Action<int, long, long, long> act)
    {
        for (int i = 0; i < _parameters.Length; i++)
        {
            long from = Math.Max(start, _starts[i]), to = Math.Min(end, _starts[i + 1]);
            if (from < to) act(i, from - _starts[i], from - start, to - from);
        }
    }
}
