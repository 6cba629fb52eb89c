using static TorchSharp.torch;

namespace PanGym.WorldModel;

/// <summary>
/// The M-RoPE positions (temporal, height, width) of the dynamics' chat on a Qwen2.5-VL backbone, by the rule of
/// transformers' <c>get_rope_index</c>: text tokens count up with all three components equal; the N state tokens of a
/// turn, an image of the latent grid (rows × columns), sit at start + (0, row, column), and so do the N query slots,
/// which hold the next state's tokens; the text after either resumes at the largest position so far + 1. Every turn
/// spans the same <see cref="Span"/> positions, so token k of the sequence sits at (k / turn length) × span + its place in
/// a turn, in the teacher-forced sequence and in the cached rollout alike.
/// </summary>
internal sealed class MultimodalTurnPositions
{
    readonly long[] _temporal;
    readonly long[] _height;
    readonly long[] _width;
    readonly int _turnLength;

    public MultimodalTurnPositions(ChatTurnLayout layout, (int Rows, int Columns) grid)
    {
        _turnLength = layout.TurnLength;
        _temporal = new long[_turnLength];
        _height = new long[_turnLength];
        _width = new long[_turnLength];
        long next = 0;
        for (int token = 0; token < _turnLength;)
        {
            if (token == layout.StateOffset || token == layout.SlotOffset)
            {
                for (int i = 0; i < layout.LatentTokens; i++, token++)
                    (_temporal[token], _height[token], _width[token]) = (next, next + i / grid.Columns, next + i % grid.Columns);
                next += Math.Max(grid.Rows, grid.Columns);
                continue;
            }
            _temporal[token] = _height[token] = _width[token] = next++;
            token++;
        }
        Span = next;
    }

    /// <summary>Positions one turn advances.</summary>
    public long Span { get; }

    /// <summary>The positions [3, 1, count] of sequence tokens firstToken … firstToken + count − 1.</summary>
    public Tensor For(long firstToken, int count, Device device)
    {
        var values = new long[3 * count];
        for (int i = 0; i < count; i++)
        {
            long index = firstToken + i, offset = index / _turnLength * Span;
            int inTurn = (int)(index % _turnLength);
            values[i] = offset + _temporal[inTurn];
            values[count + i] = offset + _height[inTurn];
            values[2 * count + i] = offset + _width[inTurn];
        }
        return tensor(values, [3, 1, count], device: device);
    }
}
