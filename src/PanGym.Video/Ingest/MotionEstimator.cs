using System.Numerics;
using MathNet.Numerics.IntegralTransforms;

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

    const double MinBlockStd = 0.02;

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
        var (gx, gy, peak) = PhaseCorrelate(from, to, size);
        var blocks = MatchBlocks(from, to, size);
        // Block vectors agree with a motion model within 0.6 pixels at 64×64: tighter than the 1.3 pixels a slow object
        // moves per step at 8 fps, looser than the sub-pixel matching noise of compressed video.
        double tolerance = 0.6 * Math.Max(1.0, size / 64.0);
        if (blocks.Count < 4)
        {
            bool clear = peak > 0.2 && Math.Sqrt(gx * gx + gy * gy) > 0.25;
            return new MotionEstimate(size, clear ? gx : 0, clear ? gy : 0, 0, clear ? peak : 0, blocks.Count, 0, 0, 0, 0.5, 0.5, change);
        }

        var scene = SceneMotion(blocks, gx, gy, tolerance, size);
        var outliers = blocks.Where(b => Residual(b, scene) > tolerance).ToList();
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
                .Select(seed => Refine(relative, Model.Translation(seed.Dx, seed.Dy), tolerance, similarity: false))
                .Select(model => (Model: model, Members: Inliers(relative, model, tolerance)))
                .MaxBy(group => (group.Members.Count, -Cost(relative, group.Model, tolerance)));
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
    /// The translation that takes <paramref name="from"/> to <paramref name="to"/> by phase correlation (Hann-windowed,
    /// sub-pixel by a parabola through the peak), and the peak's height in [0, 1] as its confidence.
    /// </summary>
    internal static (double Dx, double Dy, double Peak) PhaseCorrelate(float[] from, float[] to, int size)
    {
        var a = Windowed(from, size);
        var b = Windowed(to, size);
        Transform2D(a, size, inverse: false);
        Transform2D(b, size, inverse: false);
        for (int i = 0; i < a.Length; i++)
        {
            var cross = b[i] * Complex.Conjugate(a[i]);
            double magnitude = cross.Magnitude;
            a[i] = magnitude > 1e-12 ? cross / magnitude : Complex.Zero;
        }
        Transform2D(a, size, inverse: true);
        int best = 0;
        for (int i = 1; i < a.Length; i++)
            if (a[i].Real > a[best].Real) best = i;
        int py = best / size, px = best % size;
        double Value(int x, int y) => a[(y + size) % size * size + (x + size) % size].Real;
        double peak = Value(px, py);
        double sx = Parabola(Value(px - 1, py), peak, Value(px + 1, py));
        double sy = Parabola(Value(px, py - 1), peak, Value(px, py + 1));
        double dx = (px > size / 2 ? px - size : px) + sx;
        double dy = (py > size / 2 ? py - size : py) + sy;
        return (dx, dy, Math.Clamp(peak / size, 0, 1));
    }

    /// <summary>A 2-D FFT as 1-D FFTs over the rows, then the columns (MathNet's managed provider has no multi-dimensional transform).</summary>
    static void Transform2D(Complex[] data, int size, bool inverse)
    {
        var line = new Complex[size];
        for (int pass = 0; pass < 2; pass++)
            for (int k = 0; k < size; k++)
            {
                for (int i = 0; i < size; i++) line[i] = data[pass == 0 ? k * size + i : i * size + k];
                if (inverse) Fourier.Inverse(line, FourierOptions.Default);
                else Fourier.Forward(line, FourierOptions.Default);
                for (int i = 0; i < size; i++) data[pass == 0 ? k * size + i : i * size + k] = line[i];
            }
    }

    static Complex[] Windowed(float[] plane, int size)
    {
        double mean = plane.Average();
        var result = new Complex[plane.Length];
        for (int y = 0; y < size; y++)
        {
            double wy = 0.5 - 0.5 * Math.Cos(2 * Math.PI * (y + 0.5) / size);
            for (int x = 0; x < size; x++)
            {
                double wx = 0.5 - 0.5 * Math.Cos(2 * Math.PI * (x + 0.5) / size);
                result[y * size + x] = new Complex((plane[y * size + x] - mean) * wx * wy, 0);
            }
        }
        return result;
    }

    /// <summary>The offset in [−0.5, 0.5] of a parabola's extremum through three equally spaced samples around the middle one.</summary>
    static double Parabola(double left, double middle, double right)
    {
        double denominator = left - 2 * middle + right;
        return Math.Abs(denominator) < 1e-12 ? 0 : Math.Clamp((left - right) / (2 * denominator), -0.5, 0.5);
    }

    /// <summary>Motion vectors of the blocks with texture, at block centres relative to the frame centre, with their structure tensors.</summary>
    static List<Block> MatchBlocks(float[] from, float[] to, int size)
    {
        int block = size / BlockDivisor;
        int range = Math.Max(2, size / 8);
        int count = (size - 2 * range) / block;
        int margin = (size - count * block) / 2;
        var vectors = new List<Block>();
        int side = 2 * range + 1;
        var costs = new double[side * side];
        for (int by = 0; by < count; by++)
            for (int bx = 0; bx < count; bx++)
            {
                int x0 = margin + bx * block, y0 = margin + by * block;
                if (StructureTensor(from, size, x0, y0, block) is not var (xx, xy, yy, cornerness)) continue;
                Array.Fill(costs, double.PositiveInfinity);
                int bestU = 0, bestV = 0;
                double best = double.PositiveInfinity;
                for (int v = -range; v <= range; v++)
                {
                    if (y0 + v < 0 || y0 + v + block > size) continue;
                    for (int u = -range; u <= range; u++)
                    {
                        if (x0 + u < 0 || x0 + u + block > size) continue;
                        double cost = Sad(from, to, size, x0, y0, u, v, block);
                        costs[(v + range) * side + u + range] = cost;
                        if (cost < best - 1e-9 || (Math.Abs(cost - best) <= 1e-9 && u * u + v * v < bestU * bestU + bestV * bestV))
                            (best, bestU, bestV) = (cost, u, v);
                    }
                }
                double still = costs[range * side + range];
                if (still <= best + 0.002) (best, bestU, bestV) = (still, 0, 0);
                double Cost(int u, int v) => Math.Abs(u) <= range && Math.Abs(v) <= range ? costs[(v + range) * side + u + range] : double.PositiveInfinity;
                double sx = Refine(Cost(bestU - 1, bestV), best, Cost(bestU + 1, bestV));
                double sy = Refine(Cost(bestU, bestV - 1), best, Cost(bestU, bestV + 1));
                double spread = MeanAbsoluteDeviation(from, size, x0, y0, block);
                vectors.Add(new Block(x0 + block / 2.0 - size / 2.0, y0 + block / 2.0 - size / 2.0, bestU + sx, bestV + sy, xx, xy, yy, cornerness, best / spread));
            }
        return vectors;
    }

    static double Refine(double left, double middle, double right) =>
        double.IsFinite(left) && double.IsFinite(right) ? Parabola(left, middle, right) : 0;

    static double Sad(float[] from, float[] to, int size, int x0, int y0, int u, int v, int block)
    {
        double sum = 0;
        for (int y = 0; y < block; y++)
        {
            int a = (y0 + y) * size + x0, b = (y0 + y + v) * size + x0 + u;
            for (int x = 0; x < block; x++) sum += Math.Abs(from[a + x] - to[b + x]);
        }
        return sum / (block * block);
    }

    /// <summary>
    /// The block's structure tensor scaled so its larger eigenvalue is 1 (the direction it pins motion along weighs 1,
    /// the edge direction weighs the eigenvalue ratio) and that ratio (its cornerness); null for a flat block.
    /// </summary>
    static (double Xx, double Xy, double Yy, double Cornerness)? StructureTensor(float[] plane, int size, int x0, int y0, int block)
    {
        var (_, std) = FrameMath.MeanStd(BlockValues(plane, size, x0, y0, block));
        if (std < MinBlockStd) return null;
        double xx = 0, xy = 0, yy = 0;
        for (int y = y0; y < y0 + block; y++)
            for (int x = x0; x < x0 + block; x++)
            {
                double gx = plane[y * size + Math.Min(x + 1, size - 1)] - plane[y * size + Math.Max(x - 1, 0)];
                double gy = plane[Math.Min(y + 1, size - 1) * size + x] - plane[Math.Max(y - 1, 0) * size + x];
                (xx, xy, yy) = (xx + gx * gx, xy + gx * gy, yy + gy * gy);
            }
        double trace = xx + yy, root = Math.Sqrt(Math.Max(0, (xx - yy) * (xx - yy) / 4 + xy * xy));
        double large = trace / 2 + root, small = trace / 2 - root;
        if (large < 1e-9) return null;
        return (xx / large, xy / large, yy / large, Math.Max(0, small / large));
    }

    static double MeanAbsoluteDeviation(float[] plane, int size, int x0, int y0, int block)
    {
        var values = BlockValues(plane, size, x0, y0, block);
        double mean = values.Average();
        return Math.Max(1e-3, values.Average(v => Math.Abs(v - mean)));
    }

    /// <summary>
    /// How badly the best block matches fit (the median over textured blocks of the best match's mean absolute error
    /// relative to the block's own mean absolute deviation): near 0 when the second frame shows the first one moved,
    /// near 1 or above when it shows something else (a cut). Null when no block has texture.
    /// </summary>
    public static double? MatchError(float[] from, float[] to, int size)
    {
        var blocks = MatchBlocks(from, to, size);
        if (blocks.Count == 0) return null;
        var errors = blocks.Select(b => b.MatchError).Order().ToList();
        return errors[errors.Count / 2];
    }

    static float[] BlockValues(float[] plane, int size, int x0, int y0, int block)
    {
        var values = new float[block * block];
        for (int y = 0; y < block; y++) Array.Copy(plane, (y0 + y) * size + x0, values, y * block, block);
        return values;
    }

    /// <summary>A block's motion and its normalised structure tensor (position relative to the frame centre).</summary>
    readonly record struct Block(double X, double Y, double Dx, double Dy, double Jxx, double Jxy, double Jyy, double Cornerness, double MatchError);

    /// <summary>A similarity motion: v(p) = t + s·p + r·perp(p), p relative to the frame centre (a translation when s = r = 0).</summary>
    readonly record struct Model(double Tx, double Ty, double Scale, double Rotation)
    {
        public static Model Translation(double x, double y) => new(x, y, 0, 0);

        public (double X, double Y) Predict(double x, double y) => (Tx + Scale * x - Rotation * y, Ty + Scale * y + Rotation * x);
    }

    /// <summary>
    /// How far a block's motion is from the model's, measured along the directions the block's texture pins down (an
    /// edge says nothing about motion along itself).
    /// </summary>
    static double Residual(Block b, Model model)
    {
        var (px, py) = model.Predict(b.X, b.Y);
        double rx = b.Dx - px, ry = b.Dy - py;
        return Math.Sqrt(Math.Max(0, rx * rx * b.Jxx + 2 * rx * ry * b.Jxy + ry * ry * b.Jyy));
    }

    /// <summary>
    /// The scene's motion: candidate translations (the phase-correlation peak, none, the least-squares fit, each corner
    /// block's vector, and each of those with one axis zeroed) refined on their inliers; the lowest robust cost wins,
    /// except that among those within a fifth of the blocks of it the smallest motion is taken (a direction only a few
    /// blocks pin down is more likely an object's motion than the camera's). Then a zoom, when a similarity explains
    /// the blocks clearly better.
    /// </summary>
    static Model SceneMotion(List<Block> blocks, double gx, double gy, double tolerance, int size)
    {
        var seeds = new List<Model> { Model.Translation(gx, gy), Model.Translation(0, 0), Fit(blocks, blocks, similarity: false) };
        seeds.AddRange(blocks.Where(b => b.Cornerness >= 0.3).Select(b => Model.Translation(b.Dx, b.Dy)));
        var candidates = seeds
            .SelectMany(m => new[] { m, Model.Translation(m.Tx, 0), Model.Translation(0, m.Ty) })
            .DistinctBy(m => (Math.Round(m.Tx * 4), Math.Round(m.Ty * 4)))
            .Select(m => Refine(blocks, m, tolerance, similarity: false))
            .Select(m => (Model: m, Cost: Cost(blocks, m, tolerance)))
            .ToList();
        double best = candidates.Min(c => c.Cost);
        var translation = candidates.Where(c => c.Cost <= best + 0.1 * blocks.Count)
            .MinBy(c => (Math.Round(Math.Sqrt(c.Model.Tx * c.Model.Tx + c.Model.Ty * c.Model.Ty), 1), c.Cost)).Model;
        translation = WithoutWeakAxes(blocks, translation, tolerance);
        double translationCost = Cost(blocks, translation, tolerance);
        var similar = Refine(blocks, translation, tolerance, similarity: true);
        double similarCost = Cost(blocks, similar, tolerance);
        bool zoomed = Math.Abs(similar.Scale) * size / 2 >= 0.5
            && similarCost <= 0.6 * translationCost && translationCost - similarCost >= 0.1 * blocks.Count;
        return zoomed ? similar : translation;
    }

    /// <summary>
    /// Drops a component of the scene's translation that only a minority of the blocks can see (the others are edges
    /// along it), when dropping it costs no more than those blocks: a camera moves the whole picture, so motion along
    /// an axis that most of the picture cannot show is more likely an object's (testsrc2's gradient sweeping across
    /// its colour bars, say) than the camera's.
    /// </summary>
    static Model WithoutWeakAxes(List<Block> blocks, Model translation, double tolerance)
    {
        double cost = Cost(blocks, translation, tolerance);
        foreach (bool horizontal in new[] { true, false })
        {
            double component = horizontal ? translation.Tx : translation.Ty;
            int seeing = blocks.Count(b => (horizontal ? b.Jxx : b.Jyy) >= 0.3);
            if (Math.Abs(component) < tolerance / 2 || seeing >= 0.5 * blocks.Count) continue;
            var dropped = Refine(blocks, horizontal ? Model.Translation(0, translation.Ty) : Model.Translation(translation.Tx, 0), tolerance, similarity: false);
            double droppedCost = Cost(blocks, dropped, tolerance);
            if (Math.Abs(horizontal ? dropped.Tx : dropped.Ty) < tolerance / 2 && droppedCost <= cost + seeing + 0.5)
                (translation, cost) = (dropped, droppedCost);
        }
        return translation;
    }

    /// <summary>Truncated quadratic cost of a model, in units of tolerance²: an outlier costs 1, an inlier its squared residual.</summary>
    static double Cost(List<Block> blocks, Model model, double tolerance) =>
        blocks.Sum(b => Math.Min(1, Math.Pow(Residual(b, model) / tolerance, 2)));

    static List<Block> Inliers(List<Block> blocks, Model model, double tolerance) => [.. blocks.Where(b => Residual(b, model) <= tolerance)];

    /// <summary>Refits <paramref name="model"/> on its inliers a few times (iterated, structure-tensor-weighted least squares).</summary>
    static Model Refine(List<Block> blocks, Model model, double tolerance, bool similarity)
    {
        for (int iteration = 0; iteration < 4; iteration++)
        {
            var inliers = Inliers(blocks, model, tolerance);
            if (inliers.Count < (similarity ? 4 : 1)) break;
            var next = Fit(blocks, inliers, similarity);
            if (Math.Abs(next.Tx - model.Tx) + Math.Abs(next.Ty - model.Ty) + Math.Abs(next.Scale - model.Scale) + Math.Abs(next.Rotation - model.Rotation) < 1e-6)
                return next;
            model = next;
        }
        return model;
    }

    /// <summary>
    /// The model minimising Σ (v − M p)ᵀ J (v − M p) over <paramref name="set"/>, with a light pull towards no motion so
    /// that directions no block pins down (a scene of parallel edges) come out as zero.
    /// </summary>
    static Model Fit(List<Block> all, List<Block> set, bool similarity)
    {
        int n = similarity ? 4 : 2;
        var a = new double[n, n];
        var rhs = new double[n];
        double scale = all.Count == 0 ? 1 : all.Max(b => Math.Max(Math.Abs(b.X), Math.Abs(b.Y)));
        foreach (var b in set)
        {
            // Rows of the design matrix A(p): motion = A θ with θ = (tx, ty, s, r); positions scaled for conditioning.
            double x = b.X / scale, y = b.Y / scale;
            double[] rowX = similarity ? [1, 0, x, -y] : [1, 0];
            double[] rowY = similarity ? [0, 1, y, x] : [0, 1];
            for (int i = 0; i < n; i++)
            {
                rhs[i] += (rowX[i] * b.Jxx + rowY[i] * b.Jxy) * b.Dx + (rowX[i] * b.Jxy + rowY[i] * b.Jyy) * b.Dy;
                for (int j = 0; j < n; j++)
                    a[i, j] += rowX[i] * (b.Jxx * rowX[j] + b.Jxy * rowY[j]) + rowY[i] * (b.Jxy * rowX[j] + b.Jyy * rowY[j]);
            }
        }
        for (int i = 0; i < n; i++) a[i, i] += 0.01 * Math.Max(1, set.Count);
        var theta = Solve(a, rhs);
        return similarity ? new Model(theta[0], theta[1], theta[2] / scale, theta[3] / scale) : Model.Translation(theta[0], theta[1]);
    }

    /// <summary>Solves a small symmetric positive definite system by Gaussian elimination with partial pivoting.</summary>
    static double[] Solve(double[,] a, double[] b)
    {
        int n = b.Length;
        var m = (double[,])a.Clone();
        var x = (double[])b.Clone();
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int row = col + 1; row < n; row++)
                if (Math.Abs(m[row, col]) > Math.Abs(m[pivot, col])) pivot = row;
            if (Math.Abs(m[pivot, col]) < 1e-12) return new double[n];
            if (pivot != col)
            {
                for (int k = 0; k < n; k++) (m[col, k], m[pivot, k]) = (m[pivot, k], m[col, k]);
                (x[col], x[pivot]) = (x[pivot], x[col]);
            }
            for (int row = col + 1; row < n; row++)
            {
                double factor = m[row, col] / m[col, col];
                for (int k = col; k < n; k++) m[row, k] -= factor * m[col, k];
                x[row] -= factor * x[col];
            }
        }
        for (int row = n - 1; row >= 0; row--)
        {
            double sum = x[row];
            for (int k = row + 1; k < n; k++) sum -= m[row, k] * x[k];
            x[row] = sum / m[row, row];
        }
        return x;
    }
}
