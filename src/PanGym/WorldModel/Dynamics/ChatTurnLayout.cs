using PanGym.Backbone;

namespace PanGym.WorldModel;

/// <summary>
/// The token layout of one turn of the multi-turn chat that the dynamics reads (PAN §3.2.1), in the backbone's own
/// chat template:
/// <code>
/// &lt;|im_start|&gt;user\n [state: N latent tokens] [action text, padded] &lt;|im_end|&gt;\n&lt;|im_start|&gt;assistant\n [N query slots] &lt;|im_end|&gt;\n
/// </code>
/// The query slots' outputs are the prediction ŝ_{t+1}. Every turn has the same length, so turn t starts at
/// t × <see cref="TurnLength"/> in both the teacher-forced sequence and the cached rollout. With vision markers (a
/// Qwen2.5-VL backbone) the state is an image of the chat, as Qwen2.5-VL's template writes one:
/// <c>&lt;|vision_start|&gt; [state] &lt;|vision_end|&gt;</c>.
/// </summary>
internal sealed class ChatTurnLayout
{
    public ChatTurnLayout(ITokenizer tokenizer, int latentTokens, int maxActionTokens, bool visionMarkers = false)
    {
        Tokenizer = tokenizer;
        LatentTokens = latentTokens;
        MaxActionTokens = maxActionTokens;
        if (visionMarkers && (tokenizer.TokenToId("<|vision_start|>") is null || tokenizer.TokenToId("<|vision_end|>") is null))
            throw new ArgumentException("The tokenizer lacks <|vision_start|> and <|vision_end|>, which mark the states of a vision-language backbone's turns.", nameof(tokenizer));
        UserPrefix = [.. tokenizer.Encode(visionMarkers ? "<|im_start|>user\n<|vision_start|>" : "<|im_start|>user\n").Select(id => (long)id)];
        StateSuffix = visionMarkers ? [.. tokenizer.Encode("<|vision_end|>").Select(id => (long)id)] : [];
        AssistantPrefix = [.. tokenizer.Encode("<|im_end|>\n<|im_start|>assistant\n").Select(id => (long)id)];
        TurnSuffix = [.. tokenizer.Encode("<|im_end|>\n").Select(id => (long)id)];
        PadId = tokenizer.TokenToId("<|endoftext|>") ?? tokenizer.EosTokenId
            ?? throw new ArgumentException("The tokenizer has neither <|endoftext|> nor an end-of-sequence token to pad actions with.", nameof(tokenizer));
        if (tokenizer.TokenToId("<|im_start|>") is null || tokenizer.TokenToId("<|im_end|>") is null)
            throw new ArgumentException("The tokenizer lacks the chat markers <|im_start|> and <|im_end|> that lay out the dynamics' turns.", nameof(tokenizer));
    }

    public ITokenizer Tokenizer { get; }
    public int LatentTokens { get; }
    public int MaxActionTokens { get; }
    public long[] UserPrefix { get; }
    public long[] StateSuffix { get; }
    public long[] AssistantPrefix { get; }
    public long[] TurnSuffix { get; }
    public int PadId { get; }

    /// <summary>Offset of the state tokens within a turn.</summary>
    public int StateOffset => UserPrefix.Length;

    /// <summary>Offset of the action tokens within a turn.</summary>
    public int ActionOffset => StateOffset + LatentTokens + StateSuffix.Length;

    /// <summary>Offset of the query slots within a turn.</summary>
    public int SlotOffset => ActionOffset + MaxActionTokens + AssistantPrefix.Length;

    /// <summary>Tokens in one turn.</summary>
    public int TurnLength => SlotOffset + LatentTokens + TurnSuffix.Length;

    /// <summary>
    /// The text token ids of one turn (length <see cref="TurnLength"/>), with placeholders (the pad id) where the
    /// state tokens and query slots go.
    /// </summary>
    /// <exception cref="ArgumentException">The action has more than <see cref="MaxActionTokens"/> tokens, or spells a special
    /// token (a turn marker or the pad), which would let the action text rewrite the chat's layout.</exception>
    public long[] TurnTokenIds(string action)
    {
        var actionIds = ActionTokenIds(action);
        var ids = Enumerable.Repeat((long)PadId, TurnLength).ToArray();
        UserPrefix.CopyTo(ids, 0);
        StateSuffix.CopyTo(ids, StateOffset + LatentTokens);
        for (int i = 0; i < actionIds.Count; i++) ids[ActionOffset + i] = actionIds[i];
        AssistantPrefix.CopyTo(ids, ActionOffset + MaxActionTokens);
        TurnSuffix.CopyTo(ids, SlotOffset + LatentTokens);
        return ids;
    }

    /// <summary>The action's token ids, checked to fit the turn and to be plain text (see <see cref="TurnTokenIds"/>).</summary>
    public IReadOnlyList<int> ActionTokenIds(string action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var actionIds = Tokenizer.Encode(action);
        if (actionIds.Count > MaxActionTokens)
            throw new ArgumentException($"The action {DisplayText.Quote(action)} has {actionIds.Count} tokens; this world model accepts at most {MaxActionTokens}.", nameof(action));
        foreach (int id in actionIds)
            if (Tokenizer.IsSpecialToken(id))
                throw new ArgumentException(
                    $"The action {DisplayText.Quote(action)} spells the special token {DisplayText.Quote(Tokenizer.Decode([id]))}, which marks the chat's turns " +
                    "and padding; an action is plain text.", nameof(action));
        return actionIds;
    }
}
