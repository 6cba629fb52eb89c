using System.Diagnostics;
using System.Text;
using PanGym.Backbone;
using PanGym.Data;
using PanGym.Media;
using PanGym.Tests.Backbone;
using PanGym.Tests.Data;
using PanGym.Tests.Media;
using PanGym.WorldModel;
using Xunit.Abstractions;
using static TorchSharp.torch;
using PanGym.IO;

namespace PanGym.Tests.Hardening;

/// <summary>
/// Seeded mutation fuzzing of every file format a user hands to PanGym: a valid safetensors file, config.json (Qwen2 and
/// world model), tokenizer.json, PNG and dataset.json is mutated (bit flips, bytes set to edge values, truncation, spans
/// deleted or repeated, JSON numbers set to extremes) and read back. Every case must load, or be refused with PanGym's
/// own <see cref="InvalidInputException"/>; any other exception, or a case that runs past its timeout, fails the test.
/// </summary>
public sealed class InputFuzzTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>Cases per format; five formats make 2,250.</summary>
    const int CasesPerFormat = 450;

    static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(10);

    readonly string _folder = Directory.CreateTempSubdirectory("pangym-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string> Formats => ["safetensors", "config.json", "tokenizer.json", "png", "dataset.json"];

    [Theory]
    [MemberData(nameof(Formats))]
    public void Every_mutated_file_loads_or_is_refused_with_PanGyms_exception(string format)
    {
        var (original, load) = Target(format);
        var clock = Stopwatch.StartNew();
        var failures = new List<string>();
        int refused = 0;
        for (int seed = 0; seed < CasesPerFormat; seed++)
        {
            var random = new Random(HashCode.Combine(format.Length, seed, 17));
            byte[] mutated = Mutate(original, random, json: format.EndsWith(".json", StringComparison.Ordinal));
            var run = Task.Run(() => load(mutated));
            bool finished;
            try
            {
                finished = run.Wait(CaseTimeout);
            }
            catch (AggregateException)
            {
                finished = true;
            }
            if (!finished)
            {
                failures.Add($"seed {seed}: still running after {CaseTimeout.TotalSeconds} s");
                break;
            }
            if (run.Exception?.InnerException is { } error)
            {
                if (error is InvalidInputException) refused++;
                else failures.Add($"seed {seed}: {error.GetType().Name}: {error.Message}");
            }
        }
        output.WriteLine($"{format}: {CasesPerFormat} cases, {refused} refused, {CasesPerFormat - refused - failures.Count} loaded, {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(failures.Count == 0, $"{failures.Count} case(s) of {format} failed: " + string.Join("\n", failures.Take(10)));
    }

    /// <summary>The valid file of <paramref name="format"/> and the reader that loads a mutated copy (and uses it, so a lazy reader is exercised too).</summary>
    (byte[] Original, Action<byte[]> Load) Target(string format)
    {
        switch (format)
        {
            case "safetensors":
            {
                string path = Path.Combine(_folder, "weights.safetensors");
                var tensors = TinyQwen2Checkpoint.RandomTensors(tied: true, ScalarType.Float32).Take(4).ToDictionary();
                SafetensorsWriter.Save(path, tensors, new Dictionary<string, string> { ["format"] = "pt" });
                return (File.ReadAllBytes(path), bytes =>
                {
                    string file = Write("case.safetensors", bytes);
                    using var weights = SafetensorsFile.Open(file);
                    foreach (var name in weights.Tensors.Keys)
                        using (var tensor = weights.Read(name)) { }
                });
            }
            case "config.json":
            {
                byte[] qwen = Encoding.UTF8.GetBytes(TinyQwen2Checkpoint.ConfigJson());
                byte[] world = Encoding.UTF8.GetBytes(WorldModelConfig.Tiny.ToJson());
                byte[] both = [.. qwen, 0, .. world];
                return (both, bytes =>
                {
                    int split = Array.IndexOf(bytes, (byte)0);
                    byte[] first = split < 0 ? bytes : bytes[..split], second = split < 0 ? world : bytes[(split + 1)..];
                    Qwen2Config.FromFile(Write("config.json", first));
                    string path = Write("world.json", second);
                    WorldModelConfig.FromJson(File.ReadAllText(path), path);
                });
            }
            case "tokenizer.json":
            {
                string folder = Path.Combine(_folder, "tokenizer");
                TinyTokenizerJson.Write(folder, mergeCount: 40);
                return (File.ReadAllBytes(Path.Combine(folder, "tokenizer.json")), bytes =>
                {
                    var tokenizer = HuggingFaceTokenizer.FromFile(Write("tokenizer.json", bytes));
                    var ids = tokenizer.Encode("The ball rolls left.<|im_end|> 123 ünï");
                    tokenizer.Decode(ids);
                });
            }
            case "png":
            {
                var image = new PanGym.Gym.Image(12, 10);
                for (int i = 0; i < image.Data.Length; i++) image.Data[i] = (byte)(i * 37);
                return (TestPng.Encode(image, colourType: 6, filterOfRow: y => y % 5), bytes => PngReader.Decode(bytes, "case.png"));
            }
            case "dataset.json":
            {
                string folder = Path.Combine(_folder, "data");
                TestEpisodes.Write(folder, [3, 2]);
                string header = Path.Combine(folder, "dataset.json");
                return (File.ReadAllBytes(header), bytes =>
                {
                    File.WriteAllBytes(header, bytes);
                    var dataset = EpisodeDataset.Open(folder);
                    dataset.VerifyEpisodeFiles();
                    foreach (var episode in dataset.Episodes)
                        using (var frames = dataset.ReadFrames(episode)) { }
                });
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, null);
        }
    }

    string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    static readonly byte[] EdgeBytes = [0, 0xff, 0x7f, 0x80, (byte)'"', (byte)'{', (byte)'}', (byte)'[', (byte)',', (byte)':', (byte)'-', (byte)'9', (byte)'\\'];

    static readonly string[] EdgeNumbers = ["0", "-1", "1e308", "-1e308", "2147483648", "9223372036854775807", "18446744073709551616", "1e-400", "NaN", "0.5", "999999999"];

    /// <summary>One to three mutations of <paramref name="original"/>; JSON files also get numbers replaced by edge values.</summary>
    static byte[] Mutate(byte[] original, Random random, bool json)
    {
        var bytes = new List<byte>(original);
        int count = 1 + random.Next(3);
        for (int m = 0; m < count && bytes.Count > 0; m++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(json ? 7 : 6))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes[at] = EdgeBytes[random.Next(EdgeBytes.Length)]; break;
                case 2: bytes.RemoveRange(at, bytes.Count - at); break;
                case 3: bytes.RemoveRange(at, Math.Min(1 + random.Next(16), bytes.Count - at)); break;
                case 4:
                    int length = Math.Min(1 + random.Next(32), bytes.Count - at);
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    break;
                case 5:
                    for (int i = at; i < Math.Min(at + 8, bytes.Count); i++) bytes[i] = (byte)random.Next(256);
                    break;
                default:
                    bytes = ReplaceNumber(bytes, random);
                    break;
            }
        }
        return [.. bytes];
    }

    static List<byte> ReplaceNumber(List<byte> bytes, Random random)
    {
        string text = Encoding.UTF8.GetString([.. bytes]);
        var numbers = System.Text.RegularExpressions.Regex.Matches(text, @"(?<=[:\[,]\s*)-?\d+(\.\d+)?([eE][-+]?\d+)?");
        if (numbers.Count == 0) return bytes;
        var number = numbers[random.Next(numbers.Count)];
        string replaced = text[..number.Index] + EdgeNumbers[random.Next(EdgeNumbers.Length)] + text[(number.Index + number.Length)..];
        return [.. Encoding.UTF8.GetBytes(replaced)];
    }
}
