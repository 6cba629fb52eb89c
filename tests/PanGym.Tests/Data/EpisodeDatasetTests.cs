using System.Text.Json.Nodes;
using PanGym.Backbone;
using PanGym.Data;
using PanGym.Gym;
using static TorchSharp.torch;
using PanGym.IO;

namespace PanGym.Tests.Data;

public sealed class EpisodeDatasetTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("pangym-dataset-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    string DatasetFolder => Path.Combine(_root, "dataset");

    string Staging => DatasetFolder + EpisodeDatasetWriter.StagingSuffix;

    static Image RandomFrame(Random random)
    {
        var frame = new Image(TestEpisodes.Size, TestEpisodes.Size);
        random.NextBytes(frame.Data);
        return frame;
    }

    [Fact]
    public void Writer_and_reader_round_trip_frames_actions_splits_and_metadata()
    {
        var random = new Random(1);
        var info = new EpisodeDatasetInfo(32, 32, "test:round-trip", new JsonObject { ["note"] = "hello", ["nested"] = new JsonObject { ["n"] = 3 } });
        var written = new List<(Image[] Frames, string[] Actions, EpisodeSplit Split, JsonObject Provenance)>();
        EpisodeDataset completed;
        using (var writer = new EpisodeDatasetWriter(DatasetFolder, info))
        {
            for (int e = 0; e < 4; e++)
            {
                var frames = Enumerable.Range(0, e + 3).Select(_ => RandomFrame(random)).ToArray();
                var actions = Enumerable.Range(0, e + 2).Select(t => $"move the red circle {(t % 2 == 0 ? "left" : "up")} ({e}.{t})").ToArray();
                var split = e == 3 ? EpisodeSplit.Validation : EpisodeSplit.Train;
                var provenance = new JsonObject { ["seed"] = e, ["source"] = $"clip-{e}.mp4" };
                if (e == 2)
                {
                    using var scope = NewDisposeScope();
                    writer.WriteEpisode(Image.ToTensor(frames).mul(255).round().to_type(ScalarType.Byte).permute(0, 2, 3, 1), actions, split, provenance);
                }
                else writer.WriteEpisode(frames, actions, split, provenance);
                written.Add((frames, actions, split, provenance));
            }
            Assert.False(Directory.Exists(DatasetFolder));
            completed = writer.Complete();
        }

        Assert.False(Directory.Exists(Staging));
        var dataset = EpisodeDataset.Open(DatasetFolder);
        Assert.Equal(info, dataset.Info);
        Assert.Equal("hello", dataset.Info.Metadata["note"]!.GetValue<string>());
        Assert.Equal(["e000000", "e000001", "e000002", "e000003"], dataset.Episodes.Select(e => e.Id));
        Assert.Equal(2 + 3 + 4 + 5, dataset.StepCount);
        Assert.Equal(completed.Episodes, dataset.Episodes);
        Assert.Equal(["e000003"], dataset.EpisodesIn(EpisodeSplit.Validation).Select(e => e.Id));
        for (int e = 0; e < 4; e++)
        {
            var record = dataset.Episode($"e{e:D6}");
            Assert.Equal($"episodes/e{e:D6}.safetensors", record.File);
            Assert.Equal(written[e].Actions, record.Actions);
            Assert.Equal(written[e].Split, record.Split);
            Assert.True(JsonNode.DeepEquals(written[e].Provenance, record.Provenance));
            Assert.Equal(written[e].Frames, dataset.ReadImages(record));
            using var frames = dataset.ReadFrames(record);
            Assert.Equal(ScalarType.Byte, frames.dtype);
            Assert.Equal(new long[] { e + 3, 32, 32, 3 }, frames.shape);
            Assert.Equal(written[e].Frames.SelectMany(f => f.Data).ToArray(), frames.bytes.ToArray());
        }

        var header = JsonNode.Parse(File.ReadAllText(Path.Combine(DatasetFolder, "dataset.json")))!.AsObject();
        Assert.Equal("pangym-episodes", header["format"]!.GetValue<string>());
        Assert.Equal(1, header["version"]!.GetValue<int>());
        Assert.Equal(4, header["episodes"]!.GetValue<int>());
        Assert.Equal(14, header["steps"]!.GetValue<int>());
        Assert.Equal(4, File.ReadAllLines(Path.Combine(DatasetFolder, "episodes.jsonl")).Length);
        using var file = SafetensorsFile.Open(Path.Combine(DatasetFolder, "episodes", "e000001.safetensors"));
        Assert.Equal("e000001", file.Metadata["id"]);
        Assert.Equal(["frames"], file.Tensors.Keys);
        dataset.VerifyEpisodeFiles();
    }

    [Fact]
    public void Writer_refuses_a_file_a_non_empty_folder_and_a_staged_write_but_takes_an_empty_folder()
    {
        string file = Path.Combine(_root, "a-file");
        File.WriteAllText(file, "x");
        Assert.Contains("is a file", Assert.Throws<EpisodeDatasetException>(() => new EpisodeDatasetWriter(file, TestEpisodes.Info())).Message);

        string full = Path.Combine(_root, "full");
        Directory.CreateDirectory(full);
        File.WriteAllText(Path.Combine(full, "keep.txt"), "precious");
        var notEmpty = Assert.Throws<EpisodeDatasetException>(() => new EpisodeDatasetWriter(full, TestEpisodes.Info(), resume: true));
        Assert.Contains("not empty", notEmpty.Message);
        Assert.Equal("precious", File.ReadAllText(Path.Combine(full, "keep.txt")));

        Directory.CreateDirectory(DatasetFolder);
        TestEpisodes.Write(DatasetFolder, [2]);
        Assert.Single(EpisodeDataset.Open(DatasetFolder).Episodes);

        string interrupted = Path.Combine(_root, "interrupted");
        new EpisodeDatasetWriter(interrupted, TestEpisodes.Info()).Dispose();
        var staged = Assert.Throws<EpisodeDatasetException>(() => new EpisodeDatasetWriter(interrupted, TestEpisodes.Info()));
        Assert.Contains("resume: true", staged.Message);
    }

    [Fact]
    public void Writer_refuses_frames_that_do_not_fit_the_data_set_or_the_actions()
    {
        using var writer = new EpisodeDatasetWriter(DatasetFolder, TestEpisodes.Info());
        var wrongSize = Assert.Throws<ArgumentException>(() => writer.WriteEpisode([new Image(32, 32), new Image(16, 32)], ["wait"], EpisodeSplit.Train));
        Assert.Contains("expected 32×32", wrongSize.Message);
        var mismatch = Assert.Throws<ArgumentException>(() => writer.WriteEpisode(TestEpisodes.CodedFrames(0, 3), ["wait", "wait"], EpisodeSplit.Train));
        Assert.Contains("[3, 32, 32, 3]", mismatch.Message);
        var empty = Assert.Throws<ArgumentException>(() => writer.WriteEpisode(TestEpisodes.CodedFrames(0, 2), ["wait", " "], EpisodeSplit.Train));
        Assert.Contains("action 1 is empty", empty.Message);
        Assert.Empty(writer.Episodes);
        Assert.Equal("e000000", writer.WriteEpisode(TestEpisodes.CodedFrames(0, 1), ["wait"], EpisodeSplit.Train).Id);
    }

    [Fact]
    public void An_interrupted_write_is_never_a_data_set_and_resumes_after_its_last_complete_episode()
    {
        using (var writer = new EpisodeDatasetWriter(DatasetFolder, TestEpisodes.Info()))
        {
            for (int e = 0; e < 3; e++) writer.WriteEpisode(TestEpisodes.CodedFrames(e, 4), TestEpisodes.Actions(e, 4), EpisodeSplit.Train);
        }
        Assert.False(Directory.Exists(DatasetFolder));
        Assert.Contains("unfinished write is staged", Assert.Throws<EpisodeDatasetException>(() => EpisodeDataset.Open(DatasetFolder)).Message);

        // What a crash can leave: a torn line, a frames file whose line was never appended, a temporary file.
        File.AppendAllText(Path.Combine(Staging, "episodes.jsonl"), "{\"id\": \"e000003\", \"fi");
        File.Copy(Path.Combine(Staging, "episodes", "e000000.safetensors"), Path.Combine(Staging, "episodes", "e000003.safetensors"));
        File.WriteAllText(Path.Combine(Staging, "episodes", "e000004.safetensors.0123.tmp"), "half");

        EpisodeDataset dataset;
        using (var writer = new EpisodeDatasetWriter(DatasetFolder, TestEpisodes.Info(), resume: true))
        {
            Assert.True(writer.Resumed);
            Assert.Equal(["e000000", "e000001", "e000002"], writer.Episodes.Select(e => e.Id));
            for (int e = 3; e < 5; e++) Assert.Equal($"e{e:D6}", writer.WriteEpisode(TestEpisodes.CodedFrames(e, 4), TestEpisodes.Actions(e, 4), EpisodeSplit.Train).Id);
            dataset = writer.Complete();
        }

        Assert.False(Directory.Exists(Staging));
        Assert.Equal(Enumerable.Range(0, 5).Select(e => $"e{e:D6}"), dataset.Episodes.Select(e => e.Id));
        Assert.Equal(5, Directory.GetFiles(Path.Combine(DatasetFolder, "episodes")).Length);
        for (int e = 0; e < 5; e++)
        {
            var record = dataset.Episodes[e];
            Assert.Equal(TestEpisodes.Actions(e, 4), record.Actions);
            Assert.Equal(TestEpisodes.CodedFrames(e, 4), dataset.ReadImages(record));
        }
    }

    [Fact]
    public void Resume_refuses_other_settings_and_starts_afresh_when_nothing_is_staged()
    {
        new EpisodeDatasetWriter(DatasetFolder, TestEpisodes.Info()).Dispose();
        var other = Assert.Throws<EpisodeDatasetException>(() => new EpisodeDatasetWriter(DatasetFolder, new EpisodeDatasetInfo(16, 16, "test"), resume: true));
        Assert.Contains("other settings", other.Message);
        Assert.Contains("16×16", other.Message);

        using var fresh = new EpisodeDatasetWriter(Path.Combine(_root, "fresh"), TestEpisodes.Info(), resume: true);
        Assert.False(fresh.Resumed);
        Assert.Empty(fresh.Episodes);
    }

    [Fact]
    public void Open_refuses_a_missing_dataset_json()
    {
        TestEpisodes.Write(DatasetFolder, [2, 2]);
        File.Delete(Path.Combine(DatasetFolder, "dataset.json"));
        var error = Assert.Throws<EpisodeDatasetException>(() => EpisodeDataset.Open(DatasetFolder));
        Assert.Contains("dataset.json is missing", error.Message);
        Assert.Contains("No data set", Assert.Throws<EpisodeDatasetException>(() => EpisodeDataset.Open(Path.Combine(_root, "nowhere"))).Message);
    }

    [Theory]
    [InlineData("\"format\": \"pangym-episodes\"", "\"format\": \"something-else\"", "\"format\" is \"something-else\"")]
    [InlineData("\"version\": 1", "\"version\": 2", "version 2 is not supported")]
    [InlineData("\"frame_height\": 32", "\"frame_height\": \"tall\"", "\"frame_height\" must be an integer")]
    [InlineData("\"episodes\": 2", "\"episodes\": 3", "says 3 episodes")]
    [InlineData("{", "[", "not valid JSON")]
    public void Open_refuses_a_broken_dataset_json(string field, string replacement, string problem)
    {
        TestEpisodes.Write(DatasetFolder, [2, 2]);
        string path = Path.Combine(DatasetFolder, "dataset.json");
        string text = File.ReadAllText(path);
        Assert.Contains(field, text);
        File.WriteAllText(path, text.Replace(field, replacement));
        var error = Assert.Throws<EpisodeDatasetException>(() => EpisodeDataset.Open(DatasetFolder));
        Assert.Contains("dataset.json", error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Open_refuses_a_bad_json_line_naming_its_line()
    {
        TestEpisodes.Write(DatasetFolder, [2, 2, 2]);
        ReplaceLine(1, _ => "{\"id\": \"e000001\", oops");
        var error = Assert.Throws<EpisodeDatasetException>(() => EpisodeDataset.Open(DatasetFolder));
        Assert.Contains("episodes.jsonl line 2 is not valid JSON", error.Message);
    }

    [Fact]
    public void Open_refuses_an_actions_count_that_differs_from_steps()
    {
        TestEpisodes.Write(DatasetFolder, [2, 3, 2]);
        ReplaceLine(1, line =>
        {
            var record = JsonNode.Parse(line)!.AsObject();
            record["actions"]!.AsArray().RemoveAt(0);
            return record.ToJsonString();
        });
        var error = Assert.Throws<EpisodeDatasetException>(() => EpisodeDataset.Open(DatasetFolder));
        Assert.Contains("line 2", error.Message);
        Assert.Contains("Episode e000001: it has 3 steps but 2 actions", error.Message);
    }

    [Fact]
    public void Open_refuses_a_bad_split_and_a_duplicate_id()
    {
        TestEpisodes.Write(DatasetFolder, [2, 2]);
        ReplaceLine(1, line => line.Replace("\"train\"", "\"test\""));
        Assert.Contains("\"split\" is \"test\"", Assert.Throws<EpisodeDatasetException>(() => EpisodeDataset.Open(DatasetFolder)).Message);
        ReplaceLine(1, line => line.Replace("\"test\"", "\"train\"").Replace("\"id\":\"e000001\"", "\"id\":\"e000000\""));
        Assert.Contains("\"e000000\" appears twice", Assert.Throws<EpisodeDatasetException>(() => EpisodeDataset.Open(DatasetFolder)).Message);
    }

    [Fact]
    public void A_missing_episode_file_is_named_when_that_episode_is_read()
    {
        var dataset = TestEpisodes.Write(DatasetFolder, [2, 2, 2]);
        File.Delete(Path.Combine(DatasetFolder, "episodes", "e000001.safetensors"));
        var reopened = EpisodeDataset.Open(DatasetFolder);
        Assert.Equal(TestEpisodes.CodedFrames(0, 2), reopened.ReadImages(reopened.Episodes[0]));
        var error = Assert.Throws<EpisodeDatasetException>(() => reopened.ReadImages(reopened.Episodes[1]));
        Assert.Contains("Episode e000001", error.Message);
        Assert.Contains("e000001.safetensors is missing", error.Message);
        Assert.Contains("is missing", Assert.Throws<EpisodeDatasetException>(reopened.VerifyEpisodeFiles).Message);
        Assert.Throws<EpisodeDatasetException>(() => dataset.ReadFrames(dataset.Episodes[1]));
    }

    [Fact]
    public void A_truncated_episode_file_is_refused_as_corrupt()
    {
        var dataset = TestEpisodes.Write(DatasetFolder, [2, 4]);
        string path = Path.Combine(DatasetFolder, "episodes", "e000001.safetensors");
        using (var stream = new FileStream(path, FileMode.Open)) stream.SetLength(stream.Length / 2);
        var error = Assert.Throws<EpisodeDatasetException>(() => dataset.ReadFrames(dataset.Episodes[1]));
        Assert.Contains("Episode e000001", error.Message);
        Assert.Contains("corrupt or truncated", error.Message);
        Assert.IsType<SafetensorsFormatException>(error.InnerException);
    }

    [Fact]
    public void An_episode_file_with_the_wrong_frame_size_or_dtype_is_refused()
    {
        var dataset = TestEpisodes.Write(DatasetFolder, [2, 2]);
        string path = Path.Combine(DatasetFolder, "episodes", "e000001.safetensors");
        using (var small = zeros([3, 16, 16, 3], ScalarType.Byte))
            SafetensorsWriter.Save(path, [new("frames", small)], new Dictionary<string, string> { ["id"] = "e000001" });
        var size = Assert.Throws<EpisodeDatasetException>(() => dataset.ReadImages(dataset.Episodes[1]));
        Assert.Contains("Episode e000001", size.Message);
        Assert.Contains("shape [3, 16, 16, 3], expected [3, 32, 32, 3]", size.Message);

        using (var floats = zeros([3, 32, 32, 3]))
            SafetensorsWriter.Save(path, [new("frames", floats)]);
        Assert.Contains("expected uint8", Assert.Throws<EpisodeDatasetException>(() => dataset.ReadFrames(dataset.Episodes[1])).Message);

        File.Copy(Path.Combine(DatasetFolder, "episodes", "e000000.safetensors"), path, overwrite: true);
        Assert.Contains("belongs to episode \"e000000\"", Assert.Throws<EpisodeDatasetException>(() => dataset.ReadFrames(dataset.Episodes[1])).Message);
    }

    void ReplaceLine(int index, Func<string, string> change)
    {
        string path = Path.Combine(DatasetFolder, "episodes.jsonl");
        var lines = File.ReadAllLines(path);
        lines[index] = change(lines[index]);
        File.WriteAllLines(path, lines);
    }
}
