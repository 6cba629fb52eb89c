using PanGym.Backbone;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PanGym.WorldModel;

/// <summary>
/// The dynamics f of Generative Latent Prediction (PAN §3.2): a Qwen2-family LLM reads the whole history of latent
/// states and text actions laid out as a multi-turn chat (<see cref="ChatTurnLayout"/>) and writes the next latent
/// state into N query slots. Latent tokens enter through a linear projection into the LM's width; slot k starts from
/// the projection of state token k plus a learned slot embedding, so that it holds what it is to update before it reads
/// the action (with learned slots alone, the small models took thousands of steps to find their own token); the slots'
/// final hidden states leave through a projection back to latent width as the change of state: ŝ_{t+1} = s_t + Δ, with
/// the output projection starting at zero. The residual form starts the dynamics at "nothing changes", the right prior for
/// a world where most of a frame stays put, and lets every gradient step go to what the action changes instead of to
/// first reproducing s_t through the chat.
/// </summary>
/// <remarks>
/// Training reads the true encoded states as history (teacher forcing) and predicts every step of a sequence in one
/// causal forward pass: the slots of turn t see states 1…t and actions 1…t, never state t+1 or later.
/// Inference (<see cref="PredictNext"/>) feeds states one turn at a time through a <see cref="LatentHistory"/>; both paths
/// lay out identical tokens at identical positions, so they agree.
/// A backbone with M-RoPE (Qwen2.5-VL's language model) reads each state as an image between vision markers, and the
/// state tokens and query slots at the 3-D positions of their latent grid (<see cref="MultimodalTurnPositions"/>).
/// </remarks>
public sealed class LatentDynamics : nn.Module
{
#pragma warning disable IDE1006 // RegisterComponents takes the state-dict key from the field name: these keep the checkpoint's names.
    readonly Qwen2Model backbone;
    readonly Linear stateIn;
    readonly Linear stateOut;
    readonly Parameter querySlots;
#pragma warning restore IDE1006
    readonly ChatTurnLayout _layout;
    readonly MultimodalTurnPositions? _positions;

    /// <summary>Builds the dynamics around <paramref name="backbone"/>, which it takes ownership of.</summary>
    public LatentDynamics(LatentDynamicsConfig config, Qwen2Model backbone, ITokenizer tokenizer) : base(nameof(LatentDynamics))
    {
        Config = config ?? throw new ArgumentNullException(nameof(config));
        this.backbone = backbone ?? throw new ArgumentNullException(nameof(backbone));
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (tokenizer.VocabSize > backbone.Config.VocabSize)
            throw new ArgumentException($"The tokenizer has {tokenizer.VocabSize} ids but the backbone's vocabulary has only {backbone.Config.VocabSize}.", nameof(tokenizer));
        _layout = new ChatTurnLayout(tokenizer, config.LatentTokens, config.MaxActionTokens, visionMarkers: backbone.MultimodalRopeSection is not null);
        if (backbone.MultimodalRopeSection is not null) _positions = new MultimodalTurnPositions(_layout, EncoderConfig.GridFor(config.LatentTokens));
        int hidden = backbone.Config.HiddenSize;
        stateIn = nn.Linear(config.LatentWidth, hidden);
        stateOut = nn.Linear(hidden, config.LatentWidth);
        using (no_grad())
        {
            nn.init.zeros_(stateOut.weight);
            nn.init.zeros_(stateOut.bias!);
        }
        querySlots = nn.Parameter(randn(config.LatentTokens, hidden).mul_(0.02));
        RegisterComponents();
        if (config.Training == BackboneTraining.Frozen)
            foreach (var p in backbone.parameters()) p.requires_grad = false;
    }

    /// <summary>The sizes and training mode.</summary>
    public LatentDynamicsConfig Config { get; }

    /// <summary>The LLM backbone.</summary>
    public Qwen2Model Backbone => backbone;

    /// <summary>The tokenizer of the action text.</summary>
    public ITokenizer Tokenizer => _layout.Tokenizer;

    /// <summary>Tokens per turn of the chat (state, action, template markers and query slots).</summary>
    public int TurnLength => _layout.TurnLength;

    /// <summary>Checks that <paramref name="action"/> fits the action slot and is plain text, as every step that reads it would.</summary>
    /// <exception cref="ArgumentException">It has too many tokens or spells a special token.</exception>
    public void CheckAction(string action) => _layout.ActionTokenIds(action);

    /// <summary>The parameters that learn: everything, or all but the backbone when it is frozen.</summary>
    public IEnumerable<Parameter> TrainableParameters() => parameters().Where(p => p.requires_grad);

    /// <summary>
    /// Teacher-forced prediction for a batch of sequences: given the encoded states s_1…s_L [B, L, N, D] and the
    /// actions a_1…a_L (B lists of L), returns [B, L, N, D] whose entry t is ŝ_{t+1}, predicted from s_1…s_t and a_1…a_t.
    /// </summary>
    public Tensor PredictSequence(Tensor states, IReadOnlyList<IReadOnlyList<string>> actions)
    {
        var (batch, length) = CheckStates(states, actions.Count);
        if (actions.Any(row => row.Count != length))
            throw new ArgumentException($"Each sequence needs one action per state ({length}); got {string.Join(", ", actions.Select(r => r.Count))}.", nameof(actions));
        using var scope = NewDisposeScope();
        var turns = TurnEmbeddings(states, actions);
        var hidden = backbone.ForwardEmbeddings(turns.reshape(batch, length * TurnLength, -1), positions: _positions?.For(0, length * TurnLength, turns.device));
        var slots = hidden.reshape(batch, length, TurnLength, -1).narrow(2, _layout.SlotOffset, Config.LatentTokens);
        return (states + stateOut.forward(slots.to_type(ScalarType.Float32))).MoveToOuterDisposeScope();
    }

    /// <summary>The most turns the backbone's positions can hold in one history (its positions ÷ the turn length).</summary>
    public int MaxTurns => backbone.Config.MaxPositionEmbeddings / TurnLength;

    /// <summary>
    /// An empty history for <paramref name="batchSize"/> trajectories, bounded by <paramref name="window"/> (default the
    /// window it was trained to read, <see cref="HistoryWindow.For"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The window's turns do not fit the backbone's positions.</exception>
    public LatentHistory NewHistory(int batchSize = 1, HistoryWindow? window = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        window ??= HistoryWindow.For(Config);
        EnsureFits(window);
        return new LatentHistory(NewCache(batchSize, window), window);
    }

    /// <summary>Refuses a <paramref name="window"/> whose turns do not fit the backbone's positions, without allocating a history.</summary>
    /// <exception cref="ArgumentException">The window's turns do not fit the backbone's positions.</exception>
    public void EnsureFits(HistoryWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        if (window.MaxTurns > MaxTurns)
            throw new ArgumentException(
                $"A history window of {window.MaxTurns} turns needs {window.MaxTurns * TurnLength} positions, but the backbone has " +
                $"{backbone.Config.MaxPositionEmbeddings} ({MaxTurns} turns of {TurnLength} tokens).", nameof(window));
    }

    /// <summary>
    /// Reads one more turn (state s_t [B, N, D] and action a_t per trajectory) into <paramref name="history"/> and returns
    /// ŝ_{t+1} [B, N, D]; a full window is first re-read from its kept turns. Runs without gradients; the cost is
    /// O(turn length × context).
    /// </summary>
    public Tensor PredictNext(LatentHistory history, Tensor state, IReadOnlyList<string> actions)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(actions);
        if (state.dim() != 3) throw new ArgumentException($"A state batch must be [B, N, D]; got {TensorShape.Format(state.shape)}.", nameof(state));
        if (state.shape[0] != history.BatchSize)
            throw new ArgumentException($"The history holds {history.BatchSize} trajectories but {state.shape[0]} states were given.", nameof(state));
        if (actions.Count != history.BatchSize)
            throw new ArgumentException($"The history holds {history.BatchSize} trajectories but {actions.Count} actions were given.", nameof(actions));
        using var noGrad = no_grad();
        if (history.IsFull) Reread(history);
        var next = ReadTurn(history.Cache, history.Turns, state, actions);
        history.Append(state, actions);
        return next;
    }

    /// <summary>Re-reads a full history from its kept turns into a fresh cache, as if the episode had started there.</summary>
    void Reread(LatentHistory history)
    {
        var fresh = NewCache(history.BatchSize, history.Window);
        try
        {
            using var scope = NewDisposeScope();
            int turns = 0;
            foreach (var (state, actions) in history.Recent) ReadTurn(fresh, turns++, state, actions);
        }
        catch
        {
            fresh.Dispose();
            throw;
        }
        history.Restart(fresh);
    }

    KvCache NewCache(int batchSize, HistoryWindow window) => backbone.CreateCache(batchSize, initialCapacity: window.MaxTurns * TurnLength);

    /// <summary>One turn into <paramref name="cache"/>, which holds <paramref name="turns"/> turns: ŝ_{t+1} [B, N, D].</summary>
    Tensor ReadTurn(KvCache cache, int turns, Tensor state, IReadOnlyList<string> actions)
    {
        using var scope = NewDisposeScope();
        var turn = TurnEmbeddings(state.unsqueeze(1), actions.Select(a => (IReadOnlyList<string>)[a]).ToArray()).squeeze(1);
        // The previous turn's closing marker was not read yet: it opens this step's tokens.
        var newTokens = turn.narrow(1, 0, _layout.SlotOffset + Config.LatentTokens);
        if (turns > 0)
            newTokens = cat([turn.narrow(1, _layout.SlotOffset + Config.LatentTokens, _layout.TurnSuffix.Length), newTokens], 1);
        var hidden = backbone.ForwardEmbeddings(newTokens, cache, _positions?.For(cache.Length, (int)newTokens.shape[1], newTokens.device));
        var slots = hidden.narrow(1, hidden.shape[1] - Config.LatentTokens, Config.LatentTokens);
        return (state + stateOut.forward(slots.to_type(ScalarType.Float32))).MoveToOuterDisposeScope();
    }

    /// <summary>Embeddings [B, L, turn length, H] of L turns: template and action tokens embedded, states projected, slots learned.</summary>
    Tensor TurnEmbeddings(Tensor states, IReadOnlyList<IReadOnlyList<string>> actions)
    {
        var (batch, length) = CheckStates(states, actions.Count);
        var ids = new long[batch * length * TurnLength];
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < length; t++)
                _layout.TurnTokenIds(actions[b][t]).CopyTo(ids, (b * length + t) * TurnLength);
        var device = stateIn.weight!.device;
        var text = backbone.Embed(tensor(ids, [batch, length, TurnLength], ScalarType.Int64, device));
        var dtype = text.dtype;
        int n = Config.LatentTokens;
        var projected = stateIn.forward(states).to_type(dtype);
        var slots = querySlots.to_type(dtype) + projected;
        return cat([
            text.narrow(2, 0, _layout.StateOffset),
            projected,
            text.narrow(2, _layout.StateOffset + n, _layout.SlotOffset - _layout.StateOffset - n),
            slots,
            text.narrow(2, _layout.SlotOffset + n, TurnLength - _layout.SlotOffset - n),
        ], 2);
    }

    (int Batch, int Length) CheckStates(Tensor states, int actionRows)
    {
        ArgumentNullException.ThrowIfNull(states);
        if (states.dim() != 4 || states.shape[2] != Config.LatentTokens || states.shape[3] != Config.LatentWidth)
            throw new ArgumentException($"States must be [B, L, {Config.LatentTokens}, {Config.LatentWidth}]; got {TensorShape.Format(states.shape)}.", nameof(states));
        if (states.shape[0] != actionRows)
            throw new ArgumentException($"Got {states.shape[0]} state sequences but {actionRows} action sequences.", nameof(states));
        return ((int)states.shape[0], (int)states.shape[1]);
    }
}
