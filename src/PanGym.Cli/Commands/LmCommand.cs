using System.CommandLine;
using System.Globalization;
using System.Text;
using PanGym.Backbone;
using TorchSharp;
using static TorchSharp.torch;

namespace PanGym.Cli.Commands;

/// <summary>
/// <c>pangym lm</c>: runs a Qwen2 checkpoint folder (Hugging Face layout) as a plain language model, so that any
/// checkpoint can be checked against a reference implementation: <c>logits</c> prints the logits of every position
/// as JSON, <c>tokenize</c> prints token ids, <c>generate</c> decodes greedily with the KV cache.
/// </summary>
internal static class LmCommand
{
    public static Command Create()
    {
        var command = new Command("lm", "Run a Qwen2/Qwen2.5 checkpoint folder (config.json, *.safetensors, tokenizer.json) as a language model.");
        command.Subcommands.Add(CreateLogits());
        command.Subcommands.Add(CreateTokenize());
        command.Subcommands.Add(CreateGenerate());
        return command;
    }

    private static Command CreateLogits()
    {
        var folder = FolderArgument();
        var ids = new Option<string?>("--ids") { Description = "Comma-separated token ids, e.g. 1,2,3." };
        var text = new Option<string?>("--text") { Description = "Text to tokenize with the folder's tokenizer.json." };
        var dtype = DtypeOption();
        var command = new Command("logits", "Print {\"ids\": [...], \"logits\": [[...], ...]}: float32 logits of every position over the full vocabulary.")
        {
            folder, ids, text, dtype,
        };
        command.SetAction(parse => Run(parse, output =>
        {
            var idsText = parse.GetValue(ids);
            var inputText = parse.GetValue(text);
            if ((idsText is null) == (inputText is null)) throw new UsageException("give exactly one of --ids and --text.");
            using var checkpoint = Qwen2Checkpoint.Load(parse.GetRequiredValue(folder), ParseDtype(parse.GetValue(dtype)!));
            var tokens = idsText is not null
                ? ParseIds(idsText)
                : RequireTokenizer(checkpoint, parse.GetRequiredValue(folder)).Encode(inputText!).Select(id => (long)id).ToArray();
            RequireInVocabulary(tokens, checkpoint.Config.VocabSize);
            WriteLogitsJson(output, checkpoint.Model, tokens);
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
            output.WriteLine($"{{\"ids\": [{string.Join(", ", tokenizer.Encode(parse.GetRequiredValue(text)))}]}}");
        }));
        return command;
    }

    private static Command CreateGenerate()
    {
        var folder = FolderArgument();
        var prompt = new Option<string>("--prompt") { Description = "The prompt text.", Required = true };
        var maxNewTokens = new Option<int>("--max-new-tokens") { Description = "Most tokens to generate.", DefaultValueFactory = _ => 32 };
        var chat = new Option<bool>("--chat") { Description = "Wrap the prompt as a user turn in the Qwen2 chat template." };
        var dtype = DtypeOption();
        var command = new Command("generate", "Greedy decoding with the KV cache; prints the generated text.") { folder, prompt, maxNewTokens, chat, dtype };
        command.SetAction(parse => Run(parse, output =>
        {
            var count = parse.GetValue(maxNewTokens);
            if (count < 0) throw new UsageException($"--max-new-tokens must be at least 0, got {count}.");
            using var checkpoint = Qwen2Checkpoint.Load(parse.GetRequiredValue(folder), ParseDtype(parse.GetValue(dtype)!));
            var tokenizer = RequireTokenizer(checkpoint, parse.GetRequiredValue(folder));
            var promptText = parse.GetValue(chat)
                ? ChatTemplate.Render([new ChatMessage("user", parse.GetRequiredValue(prompt))], addGenerationPrompt: true)
                : parse.GetRequiredValue(prompt);
            var stopIds = checkpoint.Config.EosTokenIds.ToHashSet();
            if (tokenizer.EosTokenId is { } eos) stopIds.Add(eos);
            if (parse.GetValue(chat) && tokenizer.TokenToId("<|im_end|>") is { } endOfTurn) stopIds.Add(endOfTurn);

            var generated = GreedyDecoding.Generate(checkpoint.Model, tokenizer.Encode(promptText), count, stopIds);
            var visible = generated.Count > 0 && stopIds.Contains(generated[^1]) ? generated.Take(generated.Count - 1) : generated;
            output.WriteLine(tokenizer.Decode(visible));
        }));
        return command;
    }

    /// <summary>Writes the logits of every position, float32, shortest round-trip formatting, one row per position.</summary>
    private static void WriteLogitsJson(TextWriter output, Qwen2Model model, long[] tokens)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var logits = model.Forward(tensor(tokens).view(1, tokens.Length))[0].to(ScalarType.Float32).contiguous();
        var values = logits.data<float>().ToArray();
        var vocab = (int)logits.shape[1];
        output.Write($"{{\"ids\": [{string.Join(", ", tokens)}], \"logits\": [");
        var row = new StringBuilder();
        for (var position = 0; position < tokens.Length; position++)
        {
            row.Clear().Append(position == 0 ? "[" : ", [");
            for (var index = 0; index < vocab; index++)
            {
                if (index > 0) row.Append(", ");
                row.Append(FormatFloat(values[position * vocab + index]));
            }
            output.Write(row.Append(']'));
        }
        output.WriteLine("]}");
    }

    /// <summary>Round-trip exact float32 text; non-finite values as Python's json module writes them.</summary>
    private static string FormatFloat(float value) => value switch
    {
        float.NaN => "NaN",
        float.PositiveInfinity => "Infinity",
        float.NegativeInfinity => "-Infinity",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

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

    private static HuggingFaceTokenizer RequireTokenizer(LoadedQwen2Checkpoint checkpoint, string folder) =>
        checkpoint.Tokenizer ?? throw new UsageException($"{folder} has no tokenizer.json; pass --ids instead of text.");

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

    private static Option<string> DtypeOption() => new("--dtype")
    {
        Description = "Dtype to compute in: float32 (default, agrees with a float32 reference to 1e-4), bfloat16 or float16.",
        DefaultValueFactory = _ => "float32",
    };

    /// <summary>Runs an action, turning bad input (a missing folder, a malformed checkpoint, a bad id) into "error: …" and exit code 1.</summary>
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
            parse.InvocationConfiguration.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    private sealed class UsageException(string message) : Exception(message);
}
