using PanGym.Backbone;
using PanGym.Backbone.ImageProcessing;
using PanGym.Backbone.Qwen25VL;
using PanGym.Data;
using PanGym.Gym;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PanGym.WorldModel;

/// <summary>
/// PAN's Generative Latent Prediction world model: the encoder h maps a frame to N latent tokens, the LLM dynamics f
/// predicts the next latent state from the whole history of states and text actions, and the flow-matching decoder g
/// renders the next frame from the predicted state and the previous frame. Pixels inside the model are float
/// [B, 3, H, W] in [−1, 1] (<see cref="ToModelPixels"/>).
/// </summary>
public sealed class PanWorldModel : nn.Module
{
#pragma warning disable IDE1006 // RegisterComponents takes the state-dict key from the field name: these keep the checkpoint's names.
    readonly nn.Module<Tensor, Tensor> encoder;
    readonly LatentDynamics dynamics;
    readonly FlowMatchingDecoder decoder;
#pragma warning restore IDE1006

    /// <summary>Ties the three parts together around <paramref name="backbone"/> (which the model takes ownership of).</summary>
    public PanWorldModel(WorldModelConfig config, Qwen2Model backbone, ITokenizer tokenizer)
        : this(config, new Encoder((config ?? throw new ArgumentNullException(nameof(config))).Encoder), backbone, tokenizer)
    {
    }

    /// <summary>
    /// PAN's own configuration (PAN §4.2) around a Qwen2.5-VL model (which the world model takes ownership of): its vision
    /// tower, frozen, is the encoder h (<see cref="VisionTowerEncoder"/>), and its language model with M-RoPE is the
    /// dynamics' backbone. <paramref name="imageProcessor"/> gives the normalisation (CLIP's when null).
    /// </summary>
    public PanWorldModel(WorldModelConfig config, Qwen25VLModel backbone, ITokenizer tokenizer, Qwen2VLImageProcessorConfig? imageProcessor = null)
        : this(config, new VisionTowerEncoder((backbone ?? throw new ArgumentNullException(nameof(backbone))).Visual,
            (config ?? throw new ArgumentNullException(nameof(config))).ImageSize, imageProcessor?.ImageMean, imageProcessor?.ImageStd), backbone.LanguageModel, tokenizer)
    {
        if (!backbone.Config.Equals(config.VisionLanguage))
            throw new ArgumentException("The Qwen2.5-VL backbone's architecture differs from the one in the world model's config.", nameof(backbone));
        if (imageProcessor is not null)
        {
            var (height, width) = Qwen2VLImageProcessor.SmartResize(config.ImageSize, config.ImageSize, imageProcessor.Factor, imageProcessor.MinPixels, imageProcessor.MaxPixels);
            if (height != config.ImageSize || width != config.ImageSize)
                throw new ArgumentException(
                    $"The checkpoint's image processor would resize {config.ImageSize}×{config.ImageSize} frames to {width}×{height} (min_pixels {imageProcessor.MinPixels}, max_pixels {imageProcessor.MaxPixels}); the encoder reads frames at their size.",
                    nameof(imageProcessor));
        }
    }

    PanWorldModel(WorldModelConfig config, nn.Module<Tensor, Tensor> encoder, Qwen2Model backbone, ITokenizer tokenizer) : base(nameof(PanWorldModel))
    {
        Config = config;
        ArgumentNullException.ThrowIfNull(backbone);
        if (!backbone.Config.WithTorchDtype(config.Backbone.TorchDtype).Equals(config.Backbone))
            throw new ArgumentException("The backbone's architecture differs from the one in the world model's config.", nameof(backbone));
        if ((encoder is VisionTowerEncoder) != (config.VisionLanguage is not null))
            throw new ArgumentException(config.VisionLanguage is null
                ? "A vision-language backbone needs a config made for it (WorldModelConfig.Pan or FromVisionLanguageFolder on a Qwen2.5-VL folder)."
                : "This config names a Qwen2.5-VL backbone: build the world model around a Qwen25VLModel.", nameof(backbone));
        this.encoder = encoder;
        dynamics = new LatentDynamics(config.Dynamics, backbone, tokenizer);
        decoder = new FlowMatchingDecoder(config.Decoder);
        RegisterComponents();
    }

    /// <summary>
    /// A freshly initialised model, fixed by <paramref name="seed"/>. A config with a <see cref="WorldModelConfig.BackboneFolder"/>
    /// loads that pretrained Qwen2 checkpoint and its tokenizer; otherwise the backbone starts random and actions are read
    /// by the byte tokenizer. A vision-language config (<see cref="WorldModelConfig.VisionLanguage"/>) loads its Qwen2.5-VL
    /// folder: the tower becomes the encoder, the language model the dynamics' backbone.
    /// </summary>
    public static PanWorldModel Create(WorldModelConfig config, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(config);
        manual_seed(seed);
        if (config.VisionLanguage is { } visionLanguage)
        {
            var vlFolder = config.BackboneFolder ?? throw new ArgumentException("A vision-language world model loads its backbone from a Qwen2.5-VL folder: the config has no backbone folder.");
            var loaded = Qwen25VLCheckpoint.Load(vlFolder);
            if (!loaded.Config.Equals(visionLanguage) || loaded.Tokenizer is null)
            {
                loaded.Dispose();
                throw new InvalidDataException(loaded.Tokenizer is null
                    ? $"The Qwen2.5-VL folder {vlFolder} has no tokenizer.json."
                    : $"The Qwen2.5-VL backbone in {vlFolder} no longer matches the config it was created from.");
            }
            return new PanWorldModel(config, loaded.Model, loaded.Tokenizer, loaded.ImageProcessor.Config);
        }
        if (config.BackboneFolder is string folder)
        {
            var pretrained = Qwen2Checkpoint.Load(folder);
            if (!pretrained.Config.Equals(config.Backbone))
                throw new InvalidDataException($"The backbone in {folder} no longer matches the config it was created from.");
            return new PanWorldModel(config, pretrained.Model, pretrained.Tokenizer
                ?? throw new FileNotFoundException($"The pretrained backbone folder {folder} has no tokenizer.json."));
        }
        return new PanWorldModel(config, new Qwen2Model(config.Backbone), new ByteTokenizer());
    }

    /// <summary>The sizes of every part.</summary>
    public WorldModelConfig Config { get; }

    /// <summary>The encoder h: an <see cref="PanGym.WorldModel.Encoder"/> trained with the model, or a frozen <see cref="VisionTowerEncoder"/>.</summary>
    public nn.Module<Tensor, Tensor> Encoder => encoder;

    /// <summary>The dynamics f.</summary>
    public LatentDynamics Dynamics => dynamics;

    /// <summary>The decoder g.</summary>
    public FlowMatchingDecoder Decoder => decoder;

    /// <summary>The tokenizer of the action text.</summary>
    public ITokenizer Tokenizer => dynamics.Tokenizer;

    /// <summary>The device the weights live on.</summary>
    public Device Device => encoder.parameters().First().device;

    /// <summary>The parameters that learn (the backbone's only when it is not frozen).</summary>
    public IEnumerable<Parameter> TrainableParameters() => parameters().Where(p => p.requires_grad);

    /// <summary>
    /// Frames as model pixels [B, 3, H, W] in [−1, 1], by the same conversion the training data goes through
    /// (<see cref="ModelPixels.FromBytes"/>); every frame must be the model's size.
    /// </summary>
    public Tensor ToModelPixels(IReadOnlyList<Image> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.Count == 0) throw new ArgumentException("No frames to convert.", nameof(frames));
        int size = Config.ImageSize, frameBytes = size * size * Image.Channels;
        var bytes = new byte[frames.Count * frameBytes];
        for (int i = 0; i < frames.Count; i++)
        {
            frames[i].EnsureSize(size, size, "world model's input frame");
            frames[i].Data.CopyTo(bytes, i * frameBytes);
        }
        using var scope = NewDisposeScope();
        return ModelPixels.FromBytes(tensor(bytes, [frames.Count, size, size, Image.Channels])).to(Device).MoveToOuterDisposeScope();
    }

    /// <summary>Model pixels [B, 3, H, W] in [−1, 1] back to frames (<see cref="ModelPixels.ToBytes"/>).</summary>
    public static Image[] FromModelPixels(Tensor pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.dim() != 4) throw new ArgumentException($"Model pixels must be [B, 3, H, W]; got {TensorShape.Format(pixels.shape)}.", nameof(pixels));
        using var scope = NewDisposeScope();
        var bytes = ModelPixels.ToBytes(pixels.cpu()).data<byte>().ToArray();
        int height = (int)pixels.shape[2], width = (int)pixels.shape[3], frameBytes = height * width * Image.Channels;
        return Enumerable.Range(0, (int)pixels.shape[0])
            .Select(i => new Image(height, width, bytes.AsSpan(i * frameBytes, frameBytes).ToArray()))
            .ToArray();
    }

    /// <summary>h: frames [B, 3, H, W] in [−1, 1] → latent states [B, N, D].</summary>
    public Tensor Encode(Tensor frames) => encoder.forward(frames);

    /// <summary>
    /// An empty history for <paramref name="batchSize"/> trajectories, bounded by <paramref name="window"/> (default the
    /// window the dynamics was trained to read).
    /// </summary>
    public LatentHistory NewHistory(int batchSize = 1, HistoryWindow? window = null) => dynamics.NewHistory(batchSize, window);

    /// <summary>f: reads state s_t [B, N, D] and one action per trajectory into <paramref name="history"/>; returns ŝ_{t+1} [B, N, D].</summary>
    public Tensor PredictNext(LatentHistory history, Tensor state, IReadOnlyList<string> actions) => dynamics.PredictNext(history, state, actions);

    /// <summary>g: samples the next frame [B, 3, H, W] in [−1, 1] from ŝ_{t+1} [B, N, D] and the previous frame.</summary>
    public Tensor Decode(Tensor latent, Tensor previousFrame, FlowSamplingOptions? options = null, Generator? generator = null) =>
        new FlowSampler(decoder, options).Sample(previousFrame, latent, generator);

    /// <summary>
    /// The training loss for B sequences of L steps: frames [B, L + 1, 3, H, W] in [−1, 1] (o_0 … o_L) and B lists of L
    /// actions. The dynamics reads the true encodings (teacher forcing) and predicts ŝ_1 … ŝ_L in one pass; the decoder's
    /// flow-matching loss on o_1 … o_L given ŝ (PAN's GLP objective, in windows of the decoder's chunk budget, each after
    /// the frame before it) trains the dynamics and the decoder.
    /// </summary>
    /// <remarks>
    /// <para>The encoder stands in for PAN's pretrained vision encoder: it learns from <see cref="WorldModelLoss.Reconstruction"/>
    /// alone (its codes painted back into the frames by the <see cref="LatentRenderer"/>), and the states the dynamics
    /// reads are detached from it. Trained end to end instead, the encoder collapses: a decoder that sees the previous
    /// frame needs nothing from the codes, and the latent loss pulls h(o_t) and h(o_{t+1}) together through the
    /// dynamics' input, until every frame has the same code and the action has nothing to act on.</para>
    /// <para>The latent loss, MSE(ŝ_{t+1}, sg(h(o_{t+1}))), keeps predicted states in the space the encoder maps frames
    /// to: at inference the dynamics reads its own predictions back as history, and planners compare them with encoded
    /// goals. <see cref="WorldModelLoss.Painted"/>, the renderer's painting of ŝ_{t+1} against o_{t+1}, tells the dynamics
    /// in pixels where things went.</para>
    /// <para>Every second sequence of the batch (odd indices) is decoded from the true next encodings h(o_{t+1}) instead
    /// of ŝ_{t+1}: the decoder learns to read states from exact ones while the dynamics is still poor, and the even
    /// sequences keep the dynamics in the flow loss.</para>
    /// <para>The flow term decodes one drawn stretch of each window (see <see cref="FlowLoss"/>), not all of it.</para>
    /// </remarks>
    /// <param name="frames">o_0 … o_L, [B, L + 1, 3, H, W] in [−1, 1].</param>
    /// <param name="actions">B lists of L actions; a_t takes o_t to o_{t+1}.</param>
    /// <param name="generator">Source of the flow-matching noise; null for torch's default generator.</param>
    /// <param name="history">
    /// The states the dynamics reads as s_0 … s_{L−1}, [B, L, N, D], in place of the true encodings: for self-forcing,
    /// the model's own rolled-out predictions (detached), so that it learns to continue from its own drift. Null:
    /// teacher forcing. The targets stay the true next frames and their encodings.
    /// </param>
    /// <param name="contexts">
    /// The frames the decoder continues from, [B, L, 3, H, W], in place of the true o_0 … o_{L−1}: for self-forcing, the
    /// model's own decoded frames, so that the decoder learns to take an imperfect frame of its own to the true next one
    /// (the flow target is the change from the context it is given). Null: the true frames.
    /// </param>
    /// <param name="shard">
    /// In data-parallel training, which rows of the global batch these sequences are (see <see cref="BatchShard"/>): the
    /// flow noise is drawn for the whole global batch and the odd rows are counted in it, so the shards' losses average
    /// to the loss of the global batch. Null: the batch is whole.
    /// </param>
    public WorldModelLoss Loss(Tensor frames, IReadOnlyList<IReadOnlyList<string>> actions, Generator? generator = null, Tensor? history = null,
        Tensor? contexts = null, BatchShard? shard = null)
    {
        ArgumentNullException.ThrowIfNull(frames);
        int size = Config.ImageSize;
        if (frames.dim() != 5 || frames.shape[1] < 2 || frames.shape[2] != 3 || frames.shape[3] != size || frames.shape[4] != size)
            throw new ArgumentException($"Training frames must be [B, L + 1, 3, {size}, {size}] with L ≥ 1; got {TensorShape.Format(frames.shape)}.", nameof(frames));
        long batch = frames.shape[0];
        int steps = (int)frames.shape[1] - 1;
        var states = encoder.forward(frames.flatten(0, 1)).unflatten(0, [batch, steps + 1]);
        if (history is not null && !history.shape.SequenceEqual([batch, steps, Config.Dynamics.LatentTokens, Config.Dynamics.LatentWidth]))
            throw new ArgumentException(
                $"The history must be [B, L, N, D] = [{batch}, {steps}, {Config.Dynamics.LatentTokens}, {Config.Dynamics.LatentWidth}]; got {TensorShape.Format(history.shape)}.",
                nameof(history));
        var read = (history ?? states.narrow(1, 0, steps)).detach();
        var predicted = dynamics.PredictSequence(read, actions);

        var encoded = states.narrow(1, 1, steps).detach();
        int firstRow = shard?.Offset ?? 0;
        var teacher = tensor(Enumerable.Range(firstRow, (int)batch).Select(i => i % 2 == 1).ToArray(), device: frames.device).reshape(batch, 1, 1, 1);
        if (contexts is not null && !contexts.shape.SequenceEqual([batch, steps, 3, size, size]))
            throw new ArgumentException($"The decoder's contexts must be [B, L, 3, H, W] = [{batch}, {steps}, 3, {size}, {size}]; got {TensorShape.Format(contexts.shape)}.", nameof(contexts));
        var flow = FlowLoss(frames, contexts?.detach(), where(teacher, encoded, predicted), generator, shard);
        var latent = nn.functional.mse_loss(predicted, encoded);
        var reconstruction = nn.functional.mse_loss(decoder.Renderer.forward(states), frames);
        var painted = nn.functional.mse_loss(decoder.Renderer.forward(predicted), frames.narrow(1, 1, steps));
        return new WorldModelLoss(flow + latent * Config.LatentLossWeight + reconstruction + painted, flow, latent, reconstruction, painted);
    }

    /// <summary>
    /// The decoder's flow-matching loss on one stretch of the windows, drawn from <paramref name="generator"/>: frames
    /// o_{k+1} … o_{k+w} from latents k … k+w−1 and the true frame o_k as context, with k uniform over the window and w
    /// uniform up to the decoder's chunk budget. Short stretches train what step-by-step decoding does (a clean previous
    /// frame) at a fraction of the cost of decoding the whole window; longer ones keep the chunk-causal attention that
    /// Causal Swin-DPM needs. The dynamics still learns from every step, through the latent and painted terms.
    /// </summary>
    Tensor FlowLoss(Tensor frames, Tensor? contexts, Tensor latents, Generator? generator, BatchShard? shard)
    {
        var (start, width) = FlowStretch.Draw((int)latents.shape[1], Config.Decoder.MaxWindow, generator, frames.device);
        var context = contexts is null ? frames.select(1, start) : contexts.select(1, start);
        return decoder.Loss(frames.narrow(1, start + 1, width), latents.narrow(1, start, width), context, generator, shard);
    }

    /// <summary>Parameter counts of each part and in total (trainable ones separately).</summary>
    public IReadOnlyDictionary<string, long> ParameterCounts() => new Dictionary<string, long>
    {
        ["encoder"] = encoder.parameters().Sum(p => p.numel()),
        ["backbone"] = dynamics.Backbone.parameters().Sum(p => p.numel()),
        ["dynamics adapters"] = dynamics.parameters().Sum(p => p.numel()) - dynamics.Backbone.parameters().Sum(p => p.numel()),
        ["decoder"] = decoder.parameters().Sum(p => p.numel()),
        ["total"] = parameters().Sum(p => p.numel()),
        ["trainable"] = TrainableParameters().Sum(p => p.numel()),
    };
}
