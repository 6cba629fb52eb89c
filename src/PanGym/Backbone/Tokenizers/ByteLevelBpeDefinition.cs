using System.Text;

namespace PanGym.Backbone;

/// <summary>What a byte-level BPE tokenizer.json defines, parsed and checked (see <see cref="TokenizerJsonReader"/>).</summary>
/// <param name="Vocabulary">Byte-level token spelling → id (<c>model.vocab</c>).</param>
/// <param name="Merges">Merge rules, highest priority first (<c>model.merges</c>).</param>
/// <param name="AddedTokens">Added token content → id (<c>added_tokens</c>), matched in raw text before anything else.</param>
/// <param name="Normalization">Unicode normalizations applied in order to text between added tokens (<c>normalizer</c>).</param>
/// <param name="PreTokenizerSplits">Split steps applied in order, each to every piece of the previous one (<c>pre_tokenizer</c>).</param>
/// <param name="IgnoreMerges">Whether a piece found whole in the vocabulary skips the merges (<c>model.ignore_merges</c>).</param>
internal sealed record ByteLevelBpeDefinition(
    IReadOnlyDictionary<string, int> Vocabulary,
    IReadOnlyList<(string Left, string Right)> Merges,
    IReadOnlyDictionary<string, int> AddedTokens,
    IReadOnlyList<NormalizationForm> Normalization,
    IReadOnlyList<CodePointRegexSplitter> PreTokenizerSplits,
    bool IgnoreMerges);
