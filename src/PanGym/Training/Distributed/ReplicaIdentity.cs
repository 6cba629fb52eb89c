using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using PanGym.Data;
using static TorchSharp.torch;
using PanGym.WorldModel;

namespace PanGym.Training.Distributed;

/// <summary>
/// What must be the same on every rank of a data-parallel run for the replicas to stay identical, as named entries:
/// the data set (its shape, and a SHA-256 of its manifest and of its episode files' sizes, so that two data sets of the
/// same shape but other episodes are told apart), each training setting, the model's configuration and a SHA-256 of
/// its weights, and on resume the step, the sampler's position and the noise generator. The ranks gather their
/// identities and compare them with rank 0's (<see cref="Difference"/>).
/// </summary>
/// <param name="Entries">Each entry's name, the value compared, and what an error shows of it (the data set's folder may differ between nodes).</param>
internal sealed record ReplicaIdentity(IReadOnlyList<ReplicaIdentity.Entry> Entries)
{
    /// <summary>One compared value.</summary>
    public sealed record Entry(string Name, string Value, string Shown);

    /// <summary>The identity of a replica about to train.</summary>
    public static ReplicaIdentity Of(EpisodeDataset dataset, TrainingConfig config, PanWorldModel model, TrainingState? resumed)
    {
        var fingerprint = DatasetFingerprint.Of(dataset);
        string manifest = ManifestDigest(dataset);
        var entries = new List<Entry>
        {
            new("data set", $"{fingerprint with { Folder = "" }} {manifest}", $"{fingerprint.Describe()}, manifest {manifest[..12]}… at {dataset.Folder}"),
        };
        foreach (var (key, value) in JsonNode.Parse(config.ToJson())!.AsObject())
            entries.Add(new($"training {key}", value?.ToJsonString() ?? "null", value?.ToJsonString() ?? "null"));
        string modelConfig = Digest(System.Text.Encoding.UTF8.GetBytes(model.Config.ToJson()));
        entries.Add(new("model configuration", modelConfig, $"{model.Config.Preset} preset, {modelConfig[..12]}…"));
        string weights = WeightsDigest(model.parameters());
        entries.Add(new("model weights", weights, $"SHA-256 {weights[..12]}…"));
        if (resumed is not null)
        {
            entries.Add(new("resumed step", resumed.Step.ToString(System.Globalization.CultureInfo.InvariantCulture), $"step {resumed.Step}"));
            entries.Add(new("sampler position", resumed.Sampler.ToString(), resumed.Sampler.ToString()));
            string noise = Digest(resumed.NoiseGeneratorState);
            entries.Add(new("noise generator", noise, $"state {noise[..12]}…"));
        }
        return new ReplicaIdentity(entries);
    }

    /// <summary>A SHA-256 (hex) of the parameters' values in order, as a check that replicas hold the same weights.</summary>
    public static string WeightsDigest(IEnumerable<Tensor> parameters)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var scope = NewDisposeScope();
        foreach (var parameter in parameters)
        {
            using var values = parameter.detach().cpu().contiguous();
            hash.AppendData(values.bytes);
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <summary>The identity as bytes, for an all-gather.</summary>
    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(Entries);

    /// <summary>An identity read back from <see cref="ToBytes"/>.</summary>
    public static ReplicaIdentity FromBytes(byte[] bytes) => new(JsonSerializer.Deserialize<List<Entry>>(bytes) ?? []);

    /// <summary>
    /// One line naming the first rank whose identity differs from rank 0's and each entry in which it differs (with both
    /// values shown), or null when every rank matches rank 0.
    /// </summary>
    public static string? Difference(IReadOnlyList<ReplicaIdentity> ranks)
    {
        var reference = ranks[0].Entries.ToDictionary(e => e.Name);
        for (int rank = 1; rank < ranks.Count; rank++)
        {
            var differences = ranks[rank].Entries
                .Where(e => !reference.TryGetValue(e.Name, out var expected) || expected.Value != e.Value)
                .Select(e => $"{e.Name} {e.Shown} (rank 0: {(reference.TryGetValue(e.Name, out var expected) ? expected.Shown : "none")})")
                .ToList();
            if (differences.Count == 0) continue;
            return $"The ranks do not hold the same replica: rank {rank} of {ranks.Count} differs from rank 0 in {string.Join("; ", differences)}. " +
                "Launch every rank with the same options, on the same data set (one folder on a shared file system, or an identical copy on each node) and the same build.";
        }
        return null;
    }

    /// <summary>A SHA-256 (hex) of the data set's two manifest files and of each episode file's size.</summary>
    static string ManifestDigest(EpisodeDataset dataset)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(File.ReadAllBytes(Path.Combine(dataset.Folder, EpisodeDatasetJson.HeaderFile)));
        hash.AppendData(File.ReadAllBytes(Path.Combine(dataset.Folder, EpisodeDatasetJson.EpisodesFile)));
        foreach (var episode in dataset.Episodes)
            hash.AppendData(BitConverter.GetBytes(new FileInfo(Path.Combine(dataset.Folder, episode.File)).Length));
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    static string Digest(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes));
}
