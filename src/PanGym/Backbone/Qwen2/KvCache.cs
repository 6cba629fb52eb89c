using static TorchSharp.torch;

namespace PanGym.Backbone;

/// <summary>
/// The keys and values of every decoder layer for B sequences of equal length, so that extending the sequences by
/// k positions costs O(k × context) instead of recomputing the history. Append-only: each layer's keys and values
/// live in a buffer [B, kvHeads, capacity, headDim] that doubles when full (amortised O(1) copies per position);
/// <see cref="Length"/> says how much of it is valid.
/// </summary>
/// <remarks>
/// Ownership: the cache owns its buffers. They are detached from any dispose scope (so a cache may be created and
/// grown inside a per-step <c>NewDisposeScope</c>) and are freed by <see cref="Dispose"/>. <see cref="Clone"/>,
/// <see cref="Repeat"/> and <see cref="Select(long[])"/> return new caches that the caller owns and disposes.
/// The cache is meant for inference (under <c>torch.no_grad()</c> or inference mode); train without a cache.
/// </remarks>
public sealed class KvCache : IDisposable
{
    private readonly Tensor[] _keys;
    private readonly Tensor[] _values;
    private bool _disposed;

    /// <summary>Creates an empty cache for <paramref name="batchSize"/> sequences.</summary>
    /// <param name="layerCount">Decoder layers of the model it serves.</param>
    /// <param name="batchSize">Number of sequences B.</param>
    /// <param name="keyValueHeads">Key/value heads per layer.</param>
    /// <param name="headDim">Width of one head.</param>
    /// <param name="dtype">Dtype of keys and values (the model's dtype).</param>
    /// <param name="device">Device of the buffers; the CPU when null.</param>
    /// <param name="initialCapacity">Positions allocated up front; the buffers double when they fill.</param>
    public KvCache(int layerCount, int batchSize, int keyValueHeads, int headDim, ScalarType dtype, Device? device = null, int initialCapacity = 64)
    {
        if (layerCount <= 0) throw new ArgumentOutOfRangeException(nameof(layerCount), layerCount, "A cache needs at least one layer.");
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "A cache needs at least one sequence.");
        if (keyValueHeads <= 0) throw new ArgumentOutOfRangeException(nameof(keyValueHeads), keyValueHeads, "Key/value heads must be positive.");
        if (headDim <= 0) throw new ArgumentOutOfRangeException(nameof(headDim), headDim, "Head width must be positive.");
        if (initialCapacity <= 0) throw new ArgumentOutOfRangeException(nameof(initialCapacity), initialCapacity, "Initial capacity must be positive.");
        LayerCount = layerCount;
        BatchSize = batchSize;
        KeyValueHeads = keyValueHeads;
        HeadDim = headDim;
        DType = dtype;
        Device = device ?? CPU;
        _keys = new Tensor[layerCount];
        _values = new Tensor[layerCount];
        for (var layer = 0; layer < layerCount; layer++)
        {
            _keys[layer] = AllocateBuffer(initialCapacity);
            _values[layer] = AllocateBuffer(initialCapacity);
        }
    }

    private KvCache(KvCache shape, int batchSize, Tensor[] keys, Tensor[] values, int length)
    {
        LayerCount = shape.LayerCount;
        BatchSize = batchSize;
        KeyValueHeads = shape.KeyValueHeads;
        HeadDim = shape.HeadDim;
        DType = shape.DType;
        Device = shape.Device;
        _keys = keys;
        _values = values;
        Length = length;
    }

    /// <summary>Decoder layers held.</summary>
    public int LayerCount { get; }

    /// <summary>Number of sequences B.</summary>
    public int BatchSize { get; }

    /// <summary>Key/value heads per layer.</summary>
    public int KeyValueHeads { get; }

    /// <summary>Width of one head.</summary>
    public int HeadDim { get; }

    /// <summary>Dtype of the stored keys and values.</summary>
    public ScalarType DType { get; }

    /// <summary>Device of the buffers.</summary>
    public Device Device { get; }

    /// <summary>Positions held per sequence (the same for all B sequences).</summary>
    public int Length { get; private set; }

    /// <summary>Positions the buffers can hold before they grow.</summary>
    public int Capacity
    {
        get
        {
            ThrowIfDisposed();
            return (int)_keys[0].shape[2];
        }
    }

    /// <summary>A deep copy that can then diverge from this cache (a planner's branch).</summary>
    public KvCache Clone()
    {
        ThrowIfDisposed();
        return new KvCache(this, BatchSize, _keys.Select(Detached(buffer => buffer.clone())).ToArray(),
            _values.Select(Detached(buffer => buffer.clone())).ToArray(), Length);
    }

    /// <summary>Forgets every position from <paramref name="length"/> on; later appends overwrite them.</summary>
    public void Truncate(int length)
    {
        ThrowIfDisposed();
        if (length < 0 || length > Length)
            throw new ArgumentOutOfRangeException(nameof(length), length, $"Truncate needs a length in [0, {Length}].");
        Length = length;
    }

    /// <summary>
    /// A new cache with each sequence repeated <paramref name="copies"/> times in a row (sequence b becomes rows
    /// b·copies … b·copies + copies − 1), to branch many futures from one history without recomputing it.
    /// </summary>
    public KvCache Repeat(int copies)
    {
        if (copies <= 0) throw new ArgumentOutOfRangeException(nameof(copies), copies, "Repeat needs at least one copy.");
        var indices = new long[BatchSize * copies];
        for (var row = 0; row < indices.Length; row++) indices[row] = row / copies;
        return Select(indices);
    }

    /// <summary>A new cache whose sequence i is this cache's sequence <c>indices[i]</c> (repeats allowed).</summary>
    public KvCache Select(params long[] indices)
    {
        ThrowIfDisposed();
        if (indices.Length == 0) throw new ArgumentException("Select needs at least one index.", nameof(indices));
        foreach (var index in indices)
        {
            if (index < 0 || index >= BatchSize)
                throw new ArgumentOutOfRangeException(nameof(indices), index, $"Sequence index outside [0, {BatchSize}).");
        }
        using var scope = NewDisposeScope();
        var rows = tensor(indices, device: Device);
        return new KvCache(this, indices.Length, _keys.Select(Detached(buffer => buffer.index_select(0, rows))).ToArray(),
            _values.Select(Detached(buffer => buffer.index_select(0, rows))).ToArray(), Length);
    }

    /// <summary>The valid keys of one layer, [B, kvHeads, Length, headDim] (a view: copy it to keep it past an append).</summary>
    public Tensor Keys(int layer)
    {
        ThrowIfDisposed();
        return _keys[layer].narrow(2, 0, Length);
    }

    /// <summary>The valid values of one layer, [B, kvHeads, Length, headDim] (a view: copy it to keep it past an append).</summary>
    public Tensor Values(int layer)
    {
        ThrowIfDisposed();
        return _values[layer].narrow(2, 0, Length);
    }

    /// <summary>Frees the buffers.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var buffer in _keys.Concat(_values)) buffer.Dispose();
    }

    /// <summary>
    /// Writes one layer's new keys and values ([B, kvHeads, T, headDim]) at positions [Length, Length + T) and returns
    /// the keys and values of positions [0, Length + T). <see cref="Advance"/> commits the T positions once every
    /// layer has appended.
    /// </summary>
    internal (Tensor Keys, Tensor Values) Append(int layer, Tensor keys, Tensor values)
    {
        ThrowIfDisposed();
        if (keys.requires_grad || values.requires_grad)
            throw new InvalidOperationException("KvCache is for inference: run the forward pass under torch.no_grad() (train without a cache).");
        var count = (int)keys.shape[2];
        var end = Length + count;
        if (end > _keys[layer].shape[2])
        {
            var capacity = Math.Max(end, 2 * (int)_keys[layer].shape[2]);
            _keys[layer] = Grow(_keys[layer], capacity);
            _values[layer] = Grow(_values[layer], capacity);
        }
        using (no_grad())
        {
            _keys[layer].narrow(2, Length, count).copy_(keys);
            _values[layer].narrow(2, Length, count).copy_(values);
        }
        return (_keys[layer].narrow(2, 0, end), _values[layer].narrow(2, 0, end));
    }

    /// <summary>Commits <paramref name="count"/> positions that every layer has appended.</summary>
    internal void Advance(int count) => Length += count;

    /// <summary>Checks that this cache can serve a model of the given shape and dtype for a batch of B sequences.</summary>
    internal void EnsureCompatible(Qwen2Config config, ScalarType dtype, long batchSize)
    {
        ThrowIfDisposed();
        if (LayerCount != config.NumHiddenLayers || KeyValueHeads != config.NumKeyValueHeads || HeadDim != config.HeadDim)
            throw new ArgumentException($"KV cache shape (layers {LayerCount}, kv heads {KeyValueHeads}, head dim {HeadDim}) does not match the model (layers {config.NumHiddenLayers}, kv heads {config.NumKeyValueHeads}, head dim {config.HeadDim}).");
        if (DType != dtype)
            throw new ArgumentException($"KV cache dtype {DType} does not match the model dtype {dtype}.");
        if (BatchSize != batchSize)
            throw new ArgumentException($"KV cache holds {BatchSize} sequences but the input has batch size {batchSize}.");
    }

    private Tensor AllocateBuffer(int capacity) =>
        zeros([BatchSize, KeyValueHeads, capacity, HeadDim], dtype: DType, device: Device).DetachFromDisposeScope();

    private Tensor Grow(Tensor buffer, int capacity)
    {
        var grown = AllocateBuffer(capacity);
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            grown.narrow(2, 0, Length).copy_(buffer.narrow(2, 0, Length));
        }
        buffer.Dispose();
        return grown;
    }

    private static Func<Tensor, Tensor> Detached(Func<Tensor, Tensor> make) => buffer => make(buffer).DetachFromDisposeScope();

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
