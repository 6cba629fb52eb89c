using System.CommandLine;
using System.Globalization;
using PanGym.Backbone;
using PanGym.Backbone.ImageProcessing;
using PanGym.Backbone.Qwen25VL;
using PanGym.Media;
using static TorchSharp.torch;

namespace PanGym.Cli.Commands;

/// <summary>
/// <c>pangym lm</c>: runs a Qwen2 or Qwen2.5-VL checkpoint folder (Hugging Face layout) as a plain (vision-)language
/// model, so that any checkpoint can be checked against a reference implementation: <c>logits</c> prints the logits of
/// every position as JSON (with images, their tokens expanded and the M-RoPE positions printed), <c>vision</c> prints an
/// image's pixel values and vision-tower embeddings, <c>tokenize</c> prints token ids, <c>generate</c> decodes greedily
/// with the KV cache.
/// </summary>
internal static class LmCommand
{
    public static Command Create()
    {
        var command = new Command("lm", "Run a Qwen2/Qwen2.5 or Qwen2.5-VL checkpoint folder (config.json, *.safetensors, tokenizer.json) as a language model.");
        command.Subcommands.Add(CreateLogits());
        command.Subcommands.Add(CreateVision());
        command.Subcommands.Add(CreateTokenize());
        command.Subcommands.Add(CreateGenerate());
        return command;
    }

    private static Command CreateLogits()
    {
        var folder = FolderArgument();
        var ids = new Option<string?>("--ids") { Description = "Comma-separated token ids, e.g. 1,2,3." };
        var text = new Option<string?>("--text") { Description = "Text to tokenize with the folder's tokenizer.json (special tokens such as <|image_pad|> included)." };
        var images = ImagesOption("PNG image for the i-th <|image_pad|> (Qwen2.5-VL folders); repeat for several images.");
        var dtype = DtypeOption();
        var command = new Command("logits",
            "Print {\"ids\": [...], \"logits\": [[...], ...]}: float32 logits of every position over the full vocabulary; a Qwen2.5-VL folder also prints \"position_ids\" (temporal, height, width).")
        {
            folder, ids, text, images, dtype,
        };
        command.SetAction(parse => Run(parse, output =>
        {
            var idsText = parse.GetValue(ids);
            var inputText = parse.GetValue(text);
            if ((idsText is null) == (inputText is null)) throw new UsageException("give exactly one of --ids and --text.");
            var folderPath = parse.GetRequiredValue(folder);
            var imagePaths = parse.GetValue(images) ?? [];
            if (Qwen25VLCheckpoint.IsQwen25VLFolder(folderPath))
            {
                using var vl = Qwen25VLCheckpoint.Load(folderPath, ParseDtype(parse.GetValue(dtype)!));
                var tokens = idsText is not null ? ParseIds(idsText) : RequireTokenizer(vl.Tokenizer, folderPath).Encode(inputText!).Select(id => (long)id).ToArray();
                RequireInVocabulary(tokens, vl.Config.Text.VocabSize);
                var prompt = Qwen25VLPrompt.Expand(tokens.Select(id => (int)id).ToArray(), ReadImages(vl.ImageProcessor, imagePaths), vl.Config);
                WriteVisionLanguageLogitsJson(output, vl.Model, prompt);
                return;
            }
            if (imagePaths.Length > 0) throw new UsageException($"{folderPath} is a text-only checkpoint; --image needs a Qwen2.5-VL folder (model_type \"{Qwen25VLConfig.ModelType}\").");
            using var checkpoint = Qwen2Checkpoint.Load(folderPath, ParseDtype(parse.GetValue(dtype)!));
            var textTokens = idsText is not null ? ParseIds(idsText) : RequireTokenizer(checkpoint.Tokenizer, folderPath).Encode(inputText!).Select(id => (long)id).ToArray();
            RequireInVocabulary(textTokens, checkpoint.Config.VocabSize);
            WriteLogitsJson(output, checkpoint.Model, textTokens);
        }));
        return command;
    }

    private static Command CreateVision()
    {
        var folder = FolderArgument();
        var image = new Option<string>("--image") { Description = "The PNG image.", Required = true };
        var dtype = DtypeOption();
        var command = new Command("vision",
            "Print {\"grid_thw\": [t, h, w], \"pixel_values_shape\": [n, d], \"pixel_values\": [[...]], \"embeddings\": [[...]]}: the image processor's patch rows and the vision tower's merged tokens of one image (Qwen2.5-VL folders).")
        {
            folder, image, dtype,
        };
        command.SetAction(parse => Run(parse, output =>
        {
            var folderPath = parse.GetRequiredValue(folder);
            RequireVisionLanguage(folderPath);
            using var vl = Qwen25VLCheckpoint.Load(folderPath, ParseDtype(parse.GetValue(dtype)!));
            var processed = ReadImages(vl.ImageProcessor, [parse.GetRequiredValue(image)])[0];
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var embeddings = vl.Model.EncodeImages([processed]);
            output.Write($"{{\"grid_thw\": {LmJson.List([processed.Grid.T, processed.Grid.H, processed.Grid.W])}, ");
            output.Write($"\"pixel_values_shape\": {LmJson.List([processed.Rows, processed.RowWidth])}, ");
            LmJson.WriteMatrix(output, "pixel_values", processed.PixelValues, processed.RowWidth);
            output.Write(", ");
            LmJson.WriteMatrix(output, "embeddings", embeddings);
            output.WriteLine("}");
        }));
        return command;
    }

    private static Command CreateTokenize()
    {
        var folder = FolderArgument();
        var text = new Option<string>("--text") { Description = "Text to tokenize.", Required = true };
        var command = new Command("tokenize", "Print {\"ids\": [...]} for a text, with the folder's tokenizer.json.") { folder, text };
        command.SetAction(parse => Run(parse, output =>
        {
            var folderPath = parse.GetRequiredValue(folder);
            if (!Directory.Exists(folderPath)) throw new DirectoryNotFoundException($"Checkpoint folder not found: {folderPath}");
            var tokenizer = HuggingFaceTokenizer.FromFolder(folderPath);
            output.WriteLine($"{{\"ids\": {LmJson.List(tokenizer.Encode(parse.GetRequiredValue(text)))}}}");
        }));
        return command;
    }

    private static Command CreateGenerate()
    {
        var folder = FolderArgument();
        var prompt = new Option<string>("--prompt") { Description = "The prompt text.", Required = true };
        var images = ImagesOption("PNG image to show the model (Qwen2.5-VL folders; with --chat each is placed before the prompt as <|vision_start|><|image_pad|><|vision_end|>); repeatable.");
        var maxNewTokens = new Option<int>("--max-new-tokens") { Description = "Most tokens to generate.", DefaultValueFactory = _ => 32 };
        var chat = new Option<bool>("--chat") { Description = "Wrap the prompt as a user turn in the Qwen2 chat template." };
        var dtype = DtypeOption();
        var command = new Command("generate", "Greedy decoding with the KV cache; prints the generated text.") { folder, prompt, images, maxNewTokens, chat, dtype };
        command.SetAction(parse => Run(parse, output =>
        {
            var count = parse.GetValue(maxNewTokens);
            if (count < 0) throw new UsageException($"--max-new-tokens must be at least 0, got {count}.");
            var folderPath = parse.GetRequiredValue(folder);
            var imagePaths = parse.GetValue(images) ?? [];
            var userText = parse.GetRequiredValue(prompt);
            if (parse.GetValue(chat)) userText = string.Concat(Enumerable.Repeat(Qwen25VLPrompt.ImagePlaceholder, imagePaths.Length)) + userText;
            var promptText = parse.GetValue(chat) ? ChatTemplate.Render([new ChatMessage("user", userText)], addGenerationPrompt: true) : userText;
            if (Qwen25VLCheckpoint.IsQwen25VLFolder(folderPath))
            {
                using var vl = Qwen25VLCheckpoint.Load(folderPath, ParseDtype(parse.GetValue(dtype)!));
                var tokenizer = RequireTokenizer(vl.Tokenizer, folderPath);
                var stopIds = StopIds(vl.Config.Text, tokenizer, parse.GetValue(chat));
                var vlPrompt = Qwen25VLPrompt.Expand(tokenizer.Encode(promptText), ReadImages(vl.ImageProcessor, imagePaths), vl.Config);
                output.WriteLine(tokenizer.Decode(Visible(GreedyDecoding.Generate(vl.Model, vlPrompt, count, stopIds), stopIds)));
                return;
            }
            if (imagePaths.Length > 0) throw new UsageException($"{folderPath} is a text-only checkpoint; --image needs a Qwen2.5-VL folder (model_type \"{Qwen25VLConfig.ModelType}\").");
            using var checkpoint = Qwen2Checkpoint.Load(folderPath, ParseDtype(parse.GetValue(dtype)!));
            var textTokenizer = RequireTokenizer(checkpoint.Tokenizer, folderPath);
            var textStopIds = StopIds(checkpoint.Config, textTokenizer, parse.GetValue(chat));
            output.WriteLine(textTokenizer.Decode(Visible(GreedyDecoding.Generate(checkpoint.Model, textTokenizer.Encode(promptText), count, textStopIds), textStopIds)));
        }));
        return command;
    }

    private static HashSet<int> StopIds(Qwen2Config config, HuggingFaceTokenizer tokenizer, bool chat)
    {
        var stopIds = config.EosTokenIds.ToHashSet();
        if (tokenizer.EosTokenId is { } eos) stopIds.Add(eos);
        if (chat && tokenizer.TokenToId("<|im_end|>") is { } endOfTurn) stopIds.Add(endOfTurn);
        return stopIds;
    }

    private static IEnumerable<int> Visible(IReadOnlyList<int> generated, HashSet<int> stopIds) =>
        generated.Count > 0 && stopIds.Contains(generated[^1]) ? generated.Take(generated.Count - 1) : generated;

    /// <summary>Writes the logits of every position, float32, shortest round-trip formatting, one row per position.</summary>
    private static void WriteLogitsJson(TextWriter output, Qwen2Model model, long[] tokens)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var logits = model.Forward(tensor(tokens).view(1, tokens.Length))[0];
        output.Write($"{{\"ids\": {LmJson.List(tokens)}, ");
        LmJson.WriteMatrix(output, "logits", logits);
        output.WriteLine("}");
    }

    /// <summary>Writes the expanded ids, the 3-D positions and the logits of every position of a Qwen2.5-VL prompt.</summary>
    private static void WriteVisionLanguageLogitsJson(TextWriter output, Qwen25VLModel model, Qwen25VLPrompt prompt)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var positions = model.Positions(prompt);
        var logits = model.Forward(prompt)[0];
        output.Write($"{{\"ids\": {LmJson.List(prompt.Ids)}, ");
        output.Write($"\"position_ids\": [{LmJson.List(positions.Temporal)}, {LmJson.List(positions.Height)}, {LmJson.List(positions.Width)}], ");
        LmJson.WriteMatrix(output, "logits", logits);
        output.WriteLine("}");
    }

    private static ProcessedImage[] ReadImages(Qwen2VLImageProcessor processor, IReadOnlyList<string> paths) =>
        paths.Select(path =>
        {
            try
            {
                return processor.Process(PngReader.Read(path));
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"{path}: {e.Message}");
            }
        }).ToArray();

    private static void RequireVisionLanguage(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Checkpoint folder not found: {folder}");
        if (!Qwen25VLCheckpoint.IsQwen25VLFolder(folder))
            throw new UsageException($"{folder} is not a Qwen2.5-VL checkpoint: its config.json needs model_type \"{Qwen25VLConfig.ModelType}\".");
    }

    private static long[] ParseIds(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var ids = new long[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!long.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out ids[i]))
                throw new UsageException($"--ids: \"{parts[i]}\" is not an integer token id.");
        }
        return ids;
    }

    private static void RequireInVocabulary(long[] tokens, int vocabSize)
    {
        if (tokens.Length == 0) throw new UsageException("no tokens to run (the text encodes to nothing).");
        foreach (var id in tokens)
        {
            if (id < 0 || id >= vocabSize) throw new UsageException($"token id {id} is outside the vocabulary [0, {vocabSize}).");
        }
    }

    private static HuggingFaceTokenizer RequireTokenizer(HuggingFaceTokenizer? tokenizer, string folder) =>
        tokenizer ?? throw new UsageException($"{folder} has no tokenizer.json; pass --ids instead of text.");

    private static ScalarType ParseDtype(string name)
    {
        try
        {
            return TorchDtypeNames.Parse(name);
        }
        catch (FormatException e)
        {
            throw new UsageException($"--dtype: {e.Message}");
        }
    }

    private static Argument<string> FolderArgument() => new("folder") { Description = "Checkpoint folder in Hugging Face layout." };

    private static Option<string[]> ImagesOption(string description) => new("--image") { Description = description, AllowMultipleArgumentsPerToken = false };

    private static Option<string> DtypeOption() => new("--dtype")
    {
        Description = "Dtype to compute in: float32 (default, agrees with a float32 reference to 1e-4), bfloat16 or float16.",
        DefaultValueFactory = _ => "float32",
    };

    /// <summary>Runs an action, turning bad input (a missing folder, a malformed checkpoint, a bad id) into "error: …" and exit code 2 (as every input error of pangym).</summary>
    private static int Run(ParseResult parse, Action<TextWriter> action)
    {
        var output = parse.InvocationConfiguration.Output;
        try
        {
            action(output);
            output.Flush();
            return 0;
        }
        catch (Exception e) when (e is UsageException or IOException or InvalidDataException or FormatException or ArgumentException or UnauthorizedAccessException)
        {
            parse.InvocationConfiguration.Error.WriteLine($"error: {CliErrors.OneLine(e.Message)}");
            return 2;
        }
    }

    private sealed class UsageException(string message) : Exception(message);
}
