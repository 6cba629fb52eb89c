using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PanGym.WorldModel;

/// <summary>
/// A pre-norm transformer block: <c>x + Attn(LN(x), LN(context))</c>, then <c>x + MLP(LN(x))</c>. Without a context it
/// is self-attention; with one, the tokens read from the context (cross-attention).
/// </summary>
internal sealed class TransformerBlock : nn.Module<Tensor, Tensor?, Tensor>
{
#pragma warning disable IDE1006 // RegisterComponents takes the state-dict key from the field name: these keep the checkpoint's names.
    readonly LayerNorm norm1;
    readonly LayerNorm contextNorm;
    readonly Linear query;
    readonly Linear keyValue;
    readonly Linear output;
    readonly LayerNorm norm2;
    readonly Sequential mlp;
#pragma warning restore IDE1006
    readonly int _heads;

    public TransformerBlock(string name, int width, int heads, int contextWidth, int mlpRatio = 4) : base(name)
    {
        _heads = heads;
        norm1 = nn.LayerNorm(width);
        contextNorm = nn.LayerNorm(contextWidth);
        query = nn.Linear(width, width);
        keyValue = nn.Linear(contextWidth, 2 * width);
        output = nn.Linear(width, width);
        norm2 = nn.LayerNorm(width);
        mlp = nn.Sequential(nn.Linear(width, mlpRatio * width), nn.GELU(), nn.Linear(mlpRatio * width, width));
        RegisterComponents();
    }

    /// <summary>Updates tokens <paramref name="x"/> [B, T, W], attending to themselves or to <paramref name="context"/> [B, S, C].</summary>
    public override Tensor forward(Tensor x, Tensor? context) => Forward(x, context, null);

    /// <summary>As <see cref="forward"/>, where token i may read source j only if <paramref name="mask"/>[i, j] is true ([T, S], bool).</summary>
    public Tensor Forward(Tensor x, Tensor? context, Tensor? mask)
    {
        var h = norm1.forward(x);
        var source = context is null ? h : contextNorm.forward(context);
        var keyValues = keyValue.forward(source).chunk(2, -1);
        x = x + output.forward(MultiHeadAttention.Attend(query.forward(h), keyValues[0], keyValues[1], _heads, mask));
        return x + mlp.forward(norm2.forward(x));
    }
}
