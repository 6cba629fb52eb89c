using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PanGym.Backbone;

namespace PanGym.Tests.Backbone;

/// <summary>
/// Tokenizers against transformers.js goldens (tools/reference/tokenizer_goldens.mjs) for the Qwen2-format test
/// tokenizer in TestData/Tokenizer, plus the byte tokenizer, the chat template and bad input.
/// </summary>
public sealed class TokenizerTests : IDisposable
{
    private static readonly string TestTokenizerFolder = Path.Combine(AppContext.BaseDirectory, "TestData", "Tokenizer");
    private static readonly JsonNode Goldens = JsonNode.Parse(File.ReadAllText(Path.Combine(TestTokenizerFolder, "goldens.json")))!;
    private static readonly HuggingFaceTokenizer TestTokenizer = HuggingFaceTokenizer.FromFolder(TestTokenizerFolder);

    private readonly string _folder = Directory.CreateTempSubdirectory("pangym-tokenizer-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<int> GoldenCases() => [.. Enumerable.Range(0, Goldens["cases"]!.AsArray().Count)];

    private static JsonNode Case(int index) => Goldens["cases"]![index]!;

    private static int[] Ids(JsonNode node) => node.AsArray().Select(id => (int)id!).ToArray();

    [Theory]
    [MemberData(nameof(GoldenCases))]
    public void EncodeMatchesTransformersJs(int index)
    {
        string text = (string)Case(index)["text"]!;
        Assert.Equal(Ids(Case(index)["ids"]!), TestTokenizer.Encode(text));
    }

    [Theory]
    [MemberData(nameof(GoldenCases))]
    public void DecodeOfEncodeGivesTheNormalizedText(int index)
    {
        string text = (string)Case(index)["text"]!;
        string decoded = TestTokenizer.Decode(TestTokenizer.Encode(text));
        Assert.Equal((string)Case(index)["decoded"]!, decoded);
        Assert.Equal(text.Normalize(NormalizationForm.FormC), decoded); // equal to the text itself unless it was not NFC
    }

    [Fact]
    public void RandomAwkwardTextsMatchTransformersJs()
    {
        foreach (JsonNode golden in Goldens["random"]!.AsArray().Select(node => node!))
        {
            string text = (string)golden["text"]!;
            IReadOnlyList<int> ids = TestTokenizer.Encode(text);
            Assert.True(Ids(golden["ids"]!).SequenceEqual(ids), $"{JsonSerializer.Serialize(text)}: expected [{golden["ids"]!.ToJsonString()}], got [{string.Join(',', ids)}]");
            Assert.Equal(text.Normalize(NormalizationForm.FormC), TestTokenizer.Decode(ids));
        }
    }

    /// <summary>
    /// The golden cases that have pre-tokenizer pieces: every text without added tokens (those are split on the tokens
    /// first), and the empty text, whose pieces are none (the goldens store null for it).
    /// </summary>
    public static TheoryData<int> PieceCases() =>
        [.. Enumerable.Range(0, Goldens["cases"]!.AsArray().Count).Where(i => Case(i)["pieces"] is JsonArray || (string)Case(i)["text"]! == "")];

    [Theory]
    [MemberData(nameof(PieceCases))]
    public void PreTokenizerPiecesMatchTransformersJs(int index)
    {
        var expected = Case(index)["pieces"] as JsonArray ?? [];
        var split = new CodePointRegexSplitter(TinyTokenizerJson.Qwen2SplitPattern, "tokenizer.json");
        string text = ((string)Case(index)["text"]!).Normalize(NormalizationForm.FormC);
        Assert.Equal(expected.Select(piece => (string)piece!), split.Split(text).Select(ByteLevelAlphabet.Encode));
    }

    [Fact]
    public void GoldenCasesWithoutPiecesAreExactlyTheEmptyTextAndTheTextsWithAddedTokens()
    {
        string[] added = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"];
        var cases = Goldens["cases"]!.AsArray();
        int withPieces = cases.Count(c => c!["pieces"] is JsonArray);
        Assert.True(withPieces >= cases.Count / 2, $"only {withPieces} of {cases.Count} golden cases carry pieces");
        for (int i = 0; i < cases.Count; i++)
        {
            string text = (string)Case(i)["text"]!;
            bool noPieces = text == "" || added.Any(text.Contains);
            Assert.True(noPieces == Case(i)["pieces"] is not JsonArray, $"case {i}: expected pieces {!noPieces}, has pieces {Case(i)["pieces"] is JsonArray}");
        }
    }

    [Fact]
    public void TestTokenizerHasQwenSpecialTokensAndConfigEos()
    {
        Assert.Equal((int)Goldens["vocabSize"]!, TestTokenizer.VocabSize);
        Assert.Equal(559, TestTokenizer.VocabSize); // 256 bytes + 300 merges + 3 added tokens
        Assert.Equal((int)Goldens["eosTokenId"]!, TestTokenizer.EosTokenId);
        Assert.Equal(TestTokenizer.TokenToId("<|im_end|>"), TestTokenizer.EosTokenId); // eos_token in tokenizer_config.json
        Assert.Equal(new[] { 556, 557, 558 }, new[] { "<|endoftext|>", "<|im_start|>", "<|im_end|>" }.Select(t => TestTokenizer.TokenToId(t)!.Value));
        Assert.Equal(220, TestTokenizer.TokenToId("Ġ")); // GPT-2/Qwen2 byte order: the space byte is id 220
        Assert.Null(TestTokenizer.TokenToId("no such token"));
    }

    [Fact]
    public void TinyTokenizerJsonWritesTheCommittedTestTokenizer()
    {
        // The goldens were made for the committed files; if TinyTokenizerJson changes, regenerate both (tools/reference).
        TinyTokenizerJson.Write(_folder);
        foreach (string file in new[] { HuggingFaceTokenizer.TokenizerFileName, HuggingFaceTokenizer.ConfigFileName })
        {
            Assert.Equal(File.ReadAllText(Path.Combine(TestTokenizerFolder, file)), File.ReadAllText(Path.Combine(_folder, file)));
        }
    }

    [Fact]
    public void MergesWrittenAsPairsGiveTheSameIds()
    {
        JsonNode json = JsonNode.Parse(File.ReadAllText(Path.Combine(TestTokenizerFolder, HuggingFaceTokenizer.TokenizerFileName)))!;
        JsonArray merges = json["model"]!["merges"]!.AsArray();
        json["model"]!["merges"] = new JsonArray([.. merges.Select(merge => (JsonNode)new JsonArray([.. ((string)merge!).Split(' ').Select(part => (JsonNode)part)]))]);
        string path = Path.Combine(_folder, HuggingFaceTokenizer.TokenizerFileName);
        File.WriteAllText(path, json.ToJsonString());

        var tokenizer = HuggingFaceTokenizer.FromFile(path);
        foreach (JsonNode golden in Goldens["cases"]!.AsArray().Select(node => node!))
        {
            Assert.Equal(Ids(golden["ids"]!), tokenizer.Encode((string)golden["text"]!));
        }
    }

    [Fact]
    public void IgnoreMergesTakesWholePiecesFromTheVocabulary()
    {
        JsonNode golden = Goldens["ignoreMerges"]!;
        JsonNode json = JsonNode.Parse(File.ReadAllText(Path.Combine(TestTokenizerFolder, HuggingFaceTokenizer.TokenizerFileName)))!;
        json["model"]!["ignore_merges"] = true;
        foreach ((string token, JsonNode? id) in golden["addedVocab"]!.AsObject())
        {
            json["model"]!["vocab"]![token] = (int)id!;
        }
        var tokenizer = HuggingFaceTokenizer.FromFile(WriteTokenizerJson(json.ToJsonString()));
        Assert.Equal(Ids(golden["ids"]!), tokenizer.Encode((string)golden["text"]!));
    }

    [Fact]
    public void EosFallsBackToEndOfTextWithoutConfig()
    {
        var tokenizer = HuggingFaceTokenizer.FromFile(Path.Combine(TestTokenizerFolder, HuggingFaceTokenizer.TokenizerFileName));
        Assert.Equal(tokenizer.TokenToId("<|endoftext|>"), tokenizer.EosTokenId);
    }

    [Fact]
    public void EosTokenMayBeAnAddedTokenObject()
    {
        string configPath = Path.Combine(_folder, HuggingFaceTokenizer.ConfigFileName);
        File.WriteAllText(configPath, """{"eos_token": {"__type": "AddedToken", "content": "<|im_start|>", "special": true}}""");
        var tokenizer = HuggingFaceTokenizer.FromFile(Path.Combine(TestTokenizerFolder, HuggingFaceTokenizer.TokenizerFileName), configPath);
        Assert.Equal(tokenizer.TokenToId("<|im_start|>"), tokenizer.EosTokenId);
    }

    [Fact]
    public void SaveWritesFilesThatLoadToTheSameTokenizer()
    {
        TestTokenizer.Save(_folder);
        Assert.Equal([HuggingFaceTokenizer.TokenizerFileName, HuggingFaceTokenizer.ConfigFileName],
            Directory.GetFiles(_folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        var reloaded = HuggingFaceTokenizer.FromFolder(_folder);
        string text = (string)Goldens["chat"]!["rendered"]!;
        Assert.Equal(TestTokenizer.Encode(text), reloaded.Encode(text));
        Assert.Equal(TestTokenizer.EosTokenId, reloaded.EosTokenId);
    }

    [Fact]
    public void SaveWithoutConfigKeepsTheEosToken()
    {
        var tokenizer = HuggingFaceTokenizer.FromFile(Path.Combine(TestTokenizerFolder, HuggingFaceTokenizer.TokenizerFileName));
        tokenizer.Save(_folder);
        Assert.Equal(tokenizer.EosTokenId, HuggingFaceTokenizer.FromFolder(_folder).EosTokenId);
    }

    [Fact]
    public void ChatTemplateRendersQwen2Layout()
    {
        ChatMessage[] conversation =
        [
            new("system", "You are a world model."),
            new("user", "move the red circle left"),
            new("assistant", "The red circle moves left."),
        ];
        string expected =
            "<|im_start|>system\nYou are a world model.<|im_end|>\n" +
            "<|im_start|>user\nmove the red circle left<|im_end|>\n" +
            "<|im_start|>assistant\nThe red circle moves left.<|im_end|>\n";
        Assert.Equal(expected, ChatTemplate.Render(conversation, addGenerationPrompt: false));
        Assert.Equal((string)Goldens["chat"]!["rendered"]!, expected); // Qwen2's Jinja template, rendered by transformers.js
        Assert.Equal(expected + "<|im_start|>assistant\n", ChatTemplate.Render(conversation, addGenerationPrompt: true));
    }

    [Fact]
    public void ChatTemplateAddsQwen2DefaultSystemMessage()
    {
        string rendered = ChatTemplate.Render([new ChatMessage("user", "move the red circle left")], addGenerationPrompt: true);
        Assert.Equal((string)Goldens["chat"]!["userOnlyWithGenerationPrompt"]!, rendered);
        Assert.StartsWith($"<|im_start|>system\n{ChatTemplate.DefaultSystemMessage}<|im_end|>\n", rendered);
    }

    [Fact]
    public void ChatTemplateOutputEncodesTurnMarkersAsSpecialTokens()
    {
        string rendered = ChatTemplate.Render([new ChatMessage("user", "hi")], addGenerationPrompt: false);
        IReadOnlyList<int> ids = TestTokenizer.Encode(rendered);
        Assert.Equal(2, ids.Count(id => id == TestTokenizer.TokenToId("<|im_start|>")));
        Assert.Equal(2, ids.Count(id => id == TestTokenizer.TokenToId("<|im_end|>")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("line\nbreak")]
    public void ChatMessageRejectsBadRoles(string role) => Assert.Throws<ArgumentException>(() => new ChatMessage(role, "content"));

    [Fact]
    public void ByteTokenizerRoundTripsArbitraryUnicode()
    {
        var tokenizer = new ByteTokenizer();
        var random = new Random(7);
        for (int sample = 0; sample < 200; sample++)
        {
            var text = new StringBuilder();
            for (int i = random.Next(0, 40); i > 0; i--)
            {
                int codePoint;
                do
                {
                    codePoint = random.Next(4) == 0 ? random.Next(0x10000, 0x110000) : random.Next(0, 0x10000);
                }
                while (codePoint is >= 0xD800 and <= 0xDFFF);
                text.Append(char.ConvertFromUtf32(codePoint));
            }
            IReadOnlyList<int> ids = tokenizer.Encode(text.ToString());
            Assert.All(ids, id => Assert.InRange(id, 0, tokenizer.VocabSize - 1));
            Assert.Equal(text.ToString(), tokenizer.Decode(ids));
        }
    }

    [Fact]
    public void ByteTokenizerGivesBytesAndSpecialTokens()
    {
        var tokenizer = new ByteTokenizer();
        Assert.Equal(259, tokenizer.VocabSize);
        Assert.Equal(256, tokenizer.EosTokenId);
        Assert.Equal(new[] { 257, 'h', 0xC3, 0xA9, 258, 256 }, tokenizer.Encode("<|im_start|>hé<|im_end|><|endoftext|>"));
        Assert.Equal("<|im_start|>hé<|im_end|>", tokenizer.Decode([257, 'h', 0xC3, 0xA9, 258]));
        Assert.Equal(258, tokenizer.TokenToId("<|im_end|>"));
        Assert.Equal((int)'a', tokenizer.TokenToId("a"));
        Assert.Null(tokenizer.TokenToId("é"));
        Assert.Equal("\uFFFD", tokenizer.Decode([0xC3])); // a cut-off character decodes to U+FFFD, as Hugging Face's errors="replace"
    }

    public static TheoryData<ITokenizer> Tokenizers() => [new ByteTokenizer(), TestTokenizer];

    [Theory]
    [MemberData(nameof(Tokenizers))]
    public void DecodeRejectsUnknownIds(ITokenizer tokenizer)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode([1, tokenizer.VocabSize]));
        Assert.Contains($"Token id {tokenizer.VocabSize} is not in the vocabulary", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode([-1]));
    }

    [Theory]
    [MemberData(nameof(Tokenizers))]
    public void EncodeRejectsUnpairedSurrogates(ITokenizer tokenizer)
    {
        var error = Assert.Throws<ArgumentException>(() => tokenizer.Encode("ok \uD83D then"));
        Assert.Contains("unpaired surrogate U+D83D at index 3", error.Message);
    }

    [Fact]
    public void MissingFilesAreNamed()
    {
        string missing = Path.Combine(_folder, "nowhere", HuggingFaceTokenizer.TokenizerFileName);
        Assert.Contains(missing, Assert.Throws<FileNotFoundException>(() => HuggingFaceTokenizer.FromFile(missing)).Message);
        Assert.Contains(_folder, Assert.Throws<FileNotFoundException>(() => HuggingFaceTokenizer.FromFolder(_folder)).Message);
        Assert.Throws<DirectoryNotFoundException>(() => HuggingFaceTokenizer.FromFolder(Path.Combine(_folder, "nowhere")));
    }

    [Fact]
    public void MalformedJsonIsNamed()
    {
        string path = WriteTokenizerJson("{ \"model\": ");
        string message = Assert.Throws<InvalidInputException>(() => HuggingFaceTokenizer.FromFile(path)).Message;
        Assert.StartsWith($"{path}: not valid JSON", message);
    }

    [Theory]
    [InlineData("model.type", "WordPiece", "model.type is \"WordPiece\"; only byte-level \"BPE\" is supported")]
    [InlineData("model.type", "Unigram", "model.type is \"Unigram\"")]
    [InlineData("model.vocab", null, "model.vocab is missing")]
    [InlineData("model.merges", "not a list", "model.merges expected Array, found String")]
    [InlineData("normalizer.type", "Lowercase", "normalizer.type is \"Lowercase\"")]
    [InlineData("pre_tokenizer", null, "pre_tokenizer has no ByteLevel step")]
    [InlineData("added_tokens.0.lstrip", true, "added_tokens[0].lstrip is true")]
    [InlineData("added_tokens.0.content", null, "added_tokens[0].content is missing")]
    public void UnsupportedOrBrokenFieldsAreNamed(string field, object? value, string expectedMessage)
    {
        JsonNode json = JsonNode.Parse(File.ReadAllText(Path.Combine(TestTokenizerFolder, HuggingFaceTokenizer.TokenizerFileName)))!;
        string[] steps = field.Split('.');
        JsonNode parent = steps[..^1].Aggregate(json, (node, step) => int.TryParse(step, out int i) ? node[i]! : node[step]!);
        if (value is null)
        {
            parent.AsObject().Remove(steps[^1]);
        }
        else
        {
            parent[steps[^1]] = value is bool flag ? JsonValue.Create(flag) : JsonValue.Create((string)value);
        }
        string path = WriteTokenizerJson(json.ToJsonString());

        string message = Assert.Throws<InvalidInputException>(() => HuggingFaceTokenizer.FromFile(path)).Message;
        Assert.StartsWith($"{path}: ", message);
        Assert.Contains(expectedMessage, message);
    }

    [Fact]
    public void MergesOfUnknownTokensAreRejected()
    {
        JsonNode json = JsonNode.Parse(File.ReadAllText(Path.Combine(TestTokenizerFolder, HuggingFaceTokenizer.TokenizerFileName)))!;
        json["model"]!["merges"]!.AsArray().Add("zz qq");
        string path = WriteTokenizerJson(json.ToJsonString());
        string message = Assert.Throws<InvalidInputException>(() => HuggingFaceTokenizer.FromFile(path)).Message;
        Assert.Contains($"{path}: model.merges and model.vocab do not agree", message);
        Assert.Contains("zz", message);
    }

    [Fact]
    public void EosTokenOutsideTheVocabularyIsNamed()
    {
        string configPath = Path.Combine(_folder, HuggingFaceTokenizer.ConfigFileName);
        File.WriteAllText(configPath, """{"eos_token": "</s>"}""");
        string message = Assert.Throws<InvalidInputException>(() =>
            HuggingFaceTokenizer.FromFile(Path.Combine(TestTokenizerFolder, HuggingFaceTokenizer.TokenizerFileName), configPath)).Message;
        Assert.StartsWith($"{configPath}: eos_token \"</s>\" is not a token of", message);
    }

    private string WriteTokenizerJson(string text)
    {
        string path = Path.Combine(_folder, HuggingFaceTokenizer.TokenizerFileName);
        File.WriteAllText(path, text);
        return path;
    }
}
