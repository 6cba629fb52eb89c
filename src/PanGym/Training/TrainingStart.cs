using PanGym.Data;
using PanGym.Training.Distributed;
using PanGym.WorldModel;
using static TorchSharp.torch;

namespace PanGym.Training;

/// <summary>
/// What a <see cref="Trainer"/> starts from, agreed on by every rank before any file is written: a checked folder for a
/// new run (<see cref="Trainer.Create"/>), or the latest complete checkpoint of a run (<see cref="Trainer.Resume"/>).
/// </summary>
internal static class TrainingStart
{
    /// <summary>
    /// The new run's full folder, after checking (on every rank) that it holds no run (rank 0) or is not a file, the data
    /// set's frame size and data (with <paramref name="verifyData"/>) and that the batch splits over the ranks.
    /// </summary>
    public static string NewRunFolder(PanWorldModel model, EpisodeDataset dataset, TrainingConfig config, string outFolder, ICommunicator communicator, bool verifyData)
        => communicator.Agree(() =>
        {
            string full = communicator.Rank == 0 ? TrainingOutput.EnsureNoRun(outFolder) : TrainingOutput.EnsureNotFile(outFolder);
            TrainingDataCheck.CheckFrameSize(model.Config, dataset, "the world model");
            if (verifyData) Trainer.VerifyData(model, dataset);
            BatchShard.ForRank(communicator.Rank, communicator.Size, config.BatchSize);
            return full;
        });

    /// <summary>
    /// The run's full folder and its latest complete checkpoint (rank 0 repairs an interrupted checkpoint swap first),
    /// checked against <paramref name="dataset"/>; sets libtorch's thread count as <see cref="Trainer.Resume"/> describes.
    /// </summary>
    /// <exception cref="IOException">The folder is a file, does not exist, or holds no complete checkpoint.</exception>
    /// <exception cref="ArgumentException">The data set is not the one the checkpoint trained on.</exception>
    public static (string Folder, LoadedCheckpoint Checkpoint) Resume(string outFolder, EpisodeDataset dataset, ICommunicator communicator, bool verifyData, int? threads)
    {
        string folder = communicator.Agree(() =>
        {
            string full = TrainingOutput.EnsureNotFile(outFolder);
            if (!Directory.Exists(full)) throw new DirectoryNotFoundException($"No training run to resume at {full}: the folder does not exist.");
            if (communicator.Rank == 0 && !TrainingCheckpoint.Recover(full))
                throw new IOException(
                    $"No checkpoint to resume in {full}: there is no {TrainingOutput.CheckpointFolderName}/ folder, so no run got as far as its first checkpoint. " +
                    "Start the run again with its settings (not as a resume): a new run in this folder replaces what an unfinished one left.");
            return full;
        });
        var checkpoint = communicator.Agree(() =>
        {
            var state = TrainingCheckpoint.ReadState(folder);
            if ((threads ?? state.IntraOpThreads) is int count && count > 0) set_num_threads(count);
            string modelFolder = TrainingOutput.ModelFolder(folder);
            var model = WorldModelCheckpoint.Load(modelFolder);
            try
            {
                TrainingDataCheck.CheckFrameSize(model.Config, dataset, $"the checkpoint's world model ({modelFolder})");
                if (verifyData) Trainer.VerifyData(model, dataset);
                var trained = state.Dataset;
                var given = DatasetFingerprint.Of(dataset);
                if (!trained.SameData(given))
                    throw new ArgumentException(
                        $"The checkpoint in {TrainingOutput.CheckpointFolder(folder)} trained on a data set of {trained.Describe()} ({trained.Folder}), " +
                        $"but the data set at {dataset.Folder} has {given.Describe()}: resume on the same data set.", nameof(dataset));
                BatchShard.ForRank(communicator.Rank, communicator.Size, state.Config.BatchSize);
                return new LoadedCheckpoint(model, state);
            }
            catch
            {
                model.Dispose();
                throw;
            }
        });
        return (folder, checkpoint);
    }

    /// <summary>
    /// Checks, before any file is written, that every rank holds the same data set, settings, weights and resumed state
    /// (with one rank there is nothing to check): every rank throws the same error when one differs.
    /// </summary>
    public static void CheckSameReplica(ICommunicator communicator, Func<ReplicaIdentity> identity)
    {
        if (communicator.Size == 1) return;
        var mine = communicator.Agree(identity);
        communicator.Agree(() => DataParallelGroup.CheckSameReplica(communicator, mine));
    }
}
