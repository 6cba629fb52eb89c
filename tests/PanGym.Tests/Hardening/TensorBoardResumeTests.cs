using PanGym.Tests.Training;
using PanGym.Training;

namespace PanGym.Tests.Hardening;

/// <summary>TensorBoard's events are cut back on resume exactly as metrics.jsonl is: after several resumes no step is logged twice.</summary>
public sealed class TensorBoardResumeTests(TrainingFixture fixture) : IClassFixture<TrainingFixture>
{
    sealed class CrashAt(long step) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.Step == step) throw new SimulatedCrash();
        }
    }

    sealed class SimulatedCrash : Exception;

    [Fact]
    public void Three_resumes_leave_one_event_file_that_logs_each_step_once()
    {
        var config = TrainingFixture.FastConfig(12, logEvery: 1, checkpointEvery: 3);
        string folder = fixture.NewOutputFolder();
        var first = Trainer.Create(fixture.LoadModel(), fixture.Dataset, config, folder);
        Assert.Throws<SimulatedCrash>(() => first.Run(new CrashAt(5)));
        first.Dispose();
        foreach (long crash in new long[] { 8, 11 })
        {
            var resumed = Trainer.Resume(folder, fixture.Dataset);
            Assert.Throws<SimulatedCrash>(() => resumed.Run(new CrashAt(crash)));
            resumed.Dispose();
        }
        using (var last = Trainer.Resume(folder, fixture.Dataset)) last.Run();

        var files = Directory.GetFiles(TrainingOutput.TensorBoardFolder(folder), "events.out.tfevents.*");
        Assert.Single(files);
        var scalars = ReadScalars(files[0]);
        Assert.Equal(scalars.Count, scalars.Distinct().Count());
        var metrics = TrainingMetric.ReadFile(TrainingOutput.MetricsFile(folder)).Where(m => m.Kind == TrainingMetric.TrainKind).Select(m => m.Step);
        Assert.Equal(metrics, scalars.Where(s => s.Tag == "train/loss").Select(s => s.Step).Order());
        Assert.Equal(Enumerable.Range(1, 12).Select(s => (long)s), metrics);
    }

    /// <summary>Every (tag, step) of the scalar summaries in a TFRecord event file.</summary>
    static List<(string Tag, long Step)> ReadScalars(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var found = new List<(string, long)>();
        int at = 0;
        while (at + 12 <= bytes.Length)
        {
            int length = checked((int)BitConverter.ToUInt64(bytes, at));
            var record = bytes.AsSpan(at + 12, length);
            at += 12 + length + 4;
            long step = 0;
            var tags = new List<string>();
            foreach (var (field, value, _) in Fields(record))
            {
                if (field == 2) step = value;
            }
            foreach (var (field, _, payload) in Fields(record))
                if (field == 5)
                    foreach (var (valueField, _, entry) in Fields(payload))
                        if (valueField == 1)
                            foreach (var (tagField, _, tag) in Fields(entry))
                                if (tagField == 1) tags.Add(System.Text.Encoding.UTF8.GetString(tag));
            found.AddRange(tags.Select(tag => (tag, step)));
        }
        return found;
    }

    /// <summary>The fields of a protobuf message: number, varint value, and the bytes of a length-delimited one.</summary>
    static List<(int Field, long Value, byte[] Payload)> Fields(ReadOnlySpan<byte> message)
    {
        var fields = new List<(int, long, byte[])>();
        int at = 0;
        long Varint(ReadOnlySpan<byte> data)
        {
            long result = 0;
            for (int shift = 0; ; shift += 7)
            {
                byte b = data[at++];
                result |= (long)(b & 0x7f) << shift;
                if (b < 0x80) return result;
            }
        }
        while (at < message.Length)
        {
            long key = Varint(message);
            int field = (int)(key >> 3);
            switch (key & 7)
            {
                case 0: fields.Add((field, Varint(message), [])); break;
                case 1: at += 8; break;
                case 5: at += 4; break;
                case 2:
                    int length = (int)Varint(message);
                    fields.Add((field, 0, message.Slice(at, length).ToArray()));
                    at += length;
                    break;
                default: throw new InvalidDataException($"wire type {key & 7}");
            }
        }
        return fields;
    }
}
