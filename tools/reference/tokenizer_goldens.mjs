// Golden token ids from transformers.js (Hugging Face's JavaScript port of `tokenizers`) for the test tokenizer.
// Usage (see README.md): node tokenizer_goldens.mjs <folder with tokenizer.json + tokenizer_config.json> <goldens.json>
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PreTrainedTokenizer, env } from '@huggingface/transformers';

const [folder, output] = process.argv.slice(2);
if (!folder || !output) {
  console.error('usage: node tokenizer_goldens.mjs <tokenizer folder> <goldens.json>');
  process.exit(2);
}
const readJson = (name) => JSON.parse(readFileSync(join(folder, name), 'utf8'));
const tokenizer = new PreTrainedTokenizer(readJson('tokenizer.json'), readJson('tokenizer_config.json'));

// The conversation the C# ChatTemplate test renders; transformers.js renders it with the config's Qwen2 chat_template.
const conversation = [
  { role: 'system', content: 'You are a world model.' },
  { role: 'user', content: 'move the red circle left' },
  { role: 'assistant', content: 'The red circle moves left.' },
];
const chat = {
  messages: conversation,
  rendered: tokenizer.apply_chat_template(conversation, { tokenize: false }),
  userOnlyWithGenerationPrompt: tokenizer.apply_chat_template([conversation[1]], { tokenize: false, add_generation_prompt: true }),
};

const texts = [
  'move the red circle left',
  'Move The RED Circle LEFT',
  'push the green triangle to the left wall.',
  'the planner imagines unseen worlds',
  'rotate by 90 degrees, then wait 12345 steps',
  "Hello, world! How's it going?!? (fine) [ok] {yes} #1 @me",
  'spaces:  two   three    four',
  '   leading and trailing   ',
  'line one\nline two\r\nline three\n\n\nend\n',
  'tabs\tand\ttabs\t\t',
  "don't, I'm, we'll, they've, she'd, it's, you're, DON'T",
  'café naïve résumé',
  'cafe\u0301 (decomposed; NFC composes it)',
  '中文分词测试：我们移动红色的圆。',
  'emoji 🙂🚀 and 👍🏽 thumbs',
  "🙂the a🙂the x𝐀y 𝟙𝟚 it𝐀'S",
  '\u00a0no-break and\u3000ideographic spaces',
  '$x_1 = (a + b) * 3.14; // done',
  'text<|endoftext|>more<|im_end|>',
  '<|im_start|<|im_end|> <|im_start|>',
  '',
  chat.rendered,
];

// Pre-tokenizer pieces (byte-level spelled) of the normalized text, for texts without added tokens.
const { normalizer, pre_tokenizer: preTokenizer } = tokenizer._tokenizer;
const hasAddedToken = (text) => ['<|endoftext|>', '<|im_start|>', '<|im_end|>'].some((token) => text.includes(token));
const cases = texts.map((text) => {
  const ids = tokenizer.encode(text, { add_special_tokens: false });
  return {
    text,
    ids,
    tokens: ids.map((id) => tokenizer._tokenizer.id_to_token(id)),
    decoded: ids.length === 0 ? '' : tokenizer.decode(ids),
    pieces: text.length === 0 || hasAddedToken(text) ? null : preTokenizer(normalizer(text)),
  };
});

// model.ignore_merges: a piece found whole in the vocabulary is one token even when no merge path leads to it.
const ignoreMergesJson = readJson('tokenizer.json');
ignoreMergesJson.model.ignore_merges = true;
ignoreMergesJson.model.vocab['Ġworldmodel'] = 559;
const ignoreMergesText = 'the worldmodel moves';
const ignoreMerges = {
  addedVocab: { 'Ġworldmodel': 559 },
  text: ignoreMergesText,
  ids: new PreTrainedTokenizer(ignoreMergesJson, readJson('tokenizer_config.json')).encode(ignoreMergesText, { add_special_tokens: false }),
};

// Random texts glued from awkward atoms (case folding, Unicode spaces and digits, astral letters, combining marks,
// cut-off special tokens), from a fixed-seed generator, so they are the same on every run.
let seed = 12345;
const nextRandom = (n) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
const atoms = ['the', 'move', ' red', 'circle', 'Left', 'LEFT', "'s", "'LL", "n't", ' ', '  ', '\n', '\r\n', '\t', '\u00a0',
  '\u3000', 'é', 'e\u0301', '中文', '🙂', '👍🏽', '𝐀', '𝟙', '1', '23', '.', ',', '!?', '<|im_start|>', '<|im_end|>',
  '<|endoftext|>', '<|im_', 'world', 'planner', 'ü', 'ß', 'İ', 'ſ', 'K', 'Ω', '\u0085', '\u2028', '\u200b', 'ﬁ', '½', 'Ⅻ',
  '٣', '😀😃', 'a\u0308', '≮', '<\u0338'];
const random = Array.from({ length: 300 }, () => {
  let text = '';
  for (let k = nextRandom(12); k >= 0; k--) text += atoms[nextRandom(atoms.length)];
  return { text, ids: tokenizer.encode(text, { add_special_tokens: false }) };
});

const goldens = {
  generator: `@huggingface/transformers ${env.version}`,
  eosTokenId: tokenizer.eos_token_id,
  vocabSize: tokenizer._tokenizer.get_vocab(true).size,
  chat,
  ignoreMerges,
  cases,
  random,
};
writeFileSync(output, JSON.stringify(goldens, null, 2) + '\n');
console.log(`wrote ${cases.length} cases to ${output}`);
