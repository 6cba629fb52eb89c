namespace PanGym.WorldModel;

/// <summary>
/// Sizes of the dynamics f around its LLM backbone (PAN §3.2.1): N latent tokens of width D per state, at most
/// <see cref="MaxActionTokens"/> tokens of action text per turn (shorter actions are padded, so every turn has the same
/// layout), and which parameters train.
/// </summary>
public sealed record LatentDynamicsConfig
{
    /// <summary>Creates and validates a configuration.</summary>
    /// <param name="latentTokens">N: latent tokens per state (and query slots per turn).</param>
    /// <param name="latentWidth">D: width of a latent token.</param>
    /// <param name="maxActionTokens">Action text is tokenized and padded to this many tokens.</param>
    /// <param name="training">Whether the backbone trains or stays frozen.</param>
    /// <param name="historyTurns">Turns of history the dynamics is trained to read and reads at inference (PAN caps the
    /// history at 10 rounds in training): the trainer's default window length and the default <see cref="HistoryWindow"/>.</param>
    public LatentDynamicsConfig(int latentTokens, int latentWidth, int maxActionTokens, BackboneTraining training = BackboneTraining.Full, int historyTurns = 4)
    {
        if (historyTurns < 1) throw new ArgumentOutOfRangeException(nameof(historyTurns), historyTurns, "The dynamics must read at least one turn of history.");
        if (latentTokens <= 0 || latentWidth <= 0)
            throw new ArgumentException($"Latent tokens ({latentTokens}) and latent width ({latentWidth}) must be positive.");
        if (maxActionTokens <= 0) throw new ArgumentOutOfRangeException(nameof(maxActionTokens), maxActionTokens, "Actions need at least one token.");
        if (!Enum.IsDefined(training)) throw new ArgumentOutOfRangeException(nameof(training), training, "Unknown backbone training mode.");
        (LatentTokens, LatentWidth, MaxActionTokens, Training, HistoryTurns) = (latentTokens, latentWidth, maxActionTokens, training, historyTurns);
    }

    /// <summary>N: latent tokens per state (and query slots per turn).</summary>
    public int LatentTokens { get; }

    /// <summary>D: width of a latent token.</summary>
    public int LatentWidth { get; }

    /// <summary>Action text is tokenized and padded to this many tokens; a longer action is refused.</summary>
    public int MaxActionTokens { get; }

    /// <summary>Whether the backbone trains or stays frozen.</summary>
    public BackboneTraining Training { get; }

    /// <summary>Turns of history the dynamics is trained to read and reads at inference.</summary>
    public int HistoryTurns { get; }
}
