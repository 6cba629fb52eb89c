namespace PanGym.Data.Video;

/// <summary>
/// Measures the dominant dynamics between two frames (see <see cref="MotionEstimate"/>) from block matching, seeded
/// and backed up by phase correlation.
/// </summary>
/// <remarks>
/// <para>Blocks of size/8 pixels on a grid kept a search range away from the borders (so every block can be searched
/// fully) are matched in the next frame by an exhaustive search of ±size/8 pixels (mean absolute difference, sub-pixel
/// by a parabola; ties go to the smaller motion). Flat blocks are skipped; every other block keeps its structure
/// tensor, so that an edge only constrains motion across itself (the aperture problem).</para>
/// <para>The scene's motion is fitted robustly to the blocks: candidate translations (the phase-correlation peak, no
/// motion, the least-squares fit, every corner block's vector, and each with one axis zeroed) are refined by iterated,
/// tensor-weighted least squares on their inliers and scored by a truncated quadratic cost; among those near the best
/// the smallest motion wins, and a component only a minority of blocks can see is dropped. A similarity (zoom and
/// rotation too) replaces the translation when it lowers the cost clearly. Blocks that disagree with the scene and
/// agree with each other are a moving object.</para>
/// </remarks>
public static class MotionEstimator
{
    /// <summary>Frames are analysed at most about this size (larger ones are area-averaged down first, by an integer factor).</summary>
    public const int WorkingSize = 64;

    /// <summary>Blocks are this many times smaller than the frame (8 pixels at 64).</summary>
    public const int BlockDivisor = 8;

    /// <summary>The motion from <paramref name="from"/> to <paramref name="to"/> (frames of one size), measured at <see cref="WorkingSize"/>.</summary>
    public static MotionEstimate Estimate(VideoFrame from, VideoFrame to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        if (from.Size != to.Size) throw new ArgumentException($"Motion is measured between frames of one size; got {from.Size} and {to.Size}.", nameof(to));
        var (a, size) = WorkingPlane(from);
        return Estimate(a, WorkingPlane(to).Luma, size);
    }

    /// <summary>The frame's luma at about <see cref="WorkingSize"/> (area-averaged by the largest integer factor that keeps it at least that size).</summary>
    public static (float[] Luma, int Size) WorkingPlane(VideoFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        int factor = Math.Max(1, frame.Size / WorkingSize);
        return factor == 1 ? (frame.Luma, frame.Size) : (FrameMath.Downsample(frame.Luma, frame.Size, factor), frame.Size / factor);
    }

    /// <summary>The motion between two square luma planes of side <paramref name="size"/> (at least 16).</summary>
    public static MotionEstimate Estimate(float[] from, float[] to, int size)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        if (size < 16) throw new ArgumentException($"Motion needs frames of at least 16×16 pixels, got {size}×{size}.", nameof(size));
        if (from.Length != size * size || to.Length != size * size)
            throw new ArgumentException($"Luma planes of side {size} have {size * size} values; got {from.Length} and {to.Length}.");
        double change = FrameMath.MeanAbsoluteDifference(from, to);
        var (gx, gy, peak) = PhaseCorrelation.Correlate(from, to, size);
        var blocks = BlockMatcher.MatchBlocks(from, to, size);
        // Block vectors agree with a motion model within 0.6 pixels at 64×64: tighter than the 1.3 pixels a slow object
        // moves per step at 8 fps, looser than the sub-pixel matching noise of compressed video.
        double tolerance = 0.6 * Math.Max(1.0, size / 64.0);
        if (blocks.Count < 4)
        {
            bool clear = peak > 0.2 && Math.Sqrt(gx * gx + gy * gy) > 0.25;
            return new MotionEstimate(size, clear ? gx : 0, clear ? gy : 0, 0, clear ? peak : 0, blocks.Count, 0, 0, 0, 0.5, 0.5, change);
        }

        var scene = MotionModelFit.SceneMotion(blocks, gx, gy, tolerance, size);
        var outliers = blocks.Where(b => MotionModelFit.Residual(b, scene) > tolerance).ToList();
        double support = 1 - outliers.Count / (double)blocks.Count;
        double ox = 0, oy = 0, share = 0, cx = 0.5, cy = 0.5;
        if (outliers.Count >= 2 && outliers.Count <= 0.6 * blocks.Count)
        {
            var relative = outliers.Select(b =>
            {
                var (px, py) = scene.Predict(b.X, b.Y);
                return b with { Dx = b.Dx - px, Dy = b.Dy - py };
            }).ToList();
            // The largest group of outliers moving alike (seeded by each outlier's own motion): blocks the object
            // uncovers or half covers match badly and disagree with everything, so they must not outvote it.
            var (motion, moving) = relative
                .Select(seed => MotionModelFit.Refine(relative, MotionModel.Translation(seed.Dx, seed.Dy), tolerance, similarity: false))
                .Select(model => (Model: model, Members: MotionModelFit.Inliers(relative, model, tolerance)))
                .MaxBy(group => (group.Members.Count, -MotionModelFit.Cost(relative, group.Model, tolerance)));
            if (moving.Count >= 2 && Math.Sqrt(motion.Tx * motion.Tx + motion.Ty * motion.Ty) >= tolerance)
            {
                (ox, oy, share) = (motion.Tx, motion.Ty, moving.Count / (double)blocks.Count);
                cx = moving.Average(b => b.X) / size + 0.5;
                cy = moving.Average(b => b.Y) / size + 0.5;
            }
        }
        return new MotionEstimate(size, scene.Tx, scene.Ty, scene.Scale, support, blocks.Count, ox, oy, share, cx, cy, change);
    }

    /// <summary>
    /// How badly the best block matches fit (the median over textured blocks of the best match's mean absolute error
    /// relative to the block's own mean absolute deviation): near 0 when the second frame shows the first one moved,
    /// near 1 or above when it shows something else (a cut). Null when no block has texture.
    /// </summary>
    public static double? MatchError(float[] from, float[] to, int size)
    {
        var blocks = BlockMatcher.MatchBlocks(from, to, size);
        if (blocks.Count == 0) return null;
        var errors = blocks.Select(b => b.MatchError).Order().ToList();
        return errors[errors.Count / 2];
    }
}
