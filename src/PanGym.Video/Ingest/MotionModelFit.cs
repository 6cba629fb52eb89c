using MathNet.Numerics.LinearAlgebra;

namespace PanGym.Data.Video;

/// <summary>
/// Fits <see cref="MotionModel"/>s to matched blocks robustly (iterated, structure-tensor-weighted least squares on
/// inliers, scored by a truncated quadratic cost), so that an edge only constrains motion across itself.
/// </summary>
internal static class MotionModelFit
{
    /// <summary>
    /// How far a block's motion is from the model's, measured along the directions the block's texture pins down (an
    /// edge says nothing about motion along itself).
    /// </summary>
    public static double Residual(MotionBlock b, MotionModel model)
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
    public static MotionModel SceneMotion(List<MotionBlock> blocks, double gx, double gy, double tolerance, int size)
    {
        var seeds = new List<MotionModel> { MotionModel.Translation(gx, gy), MotionModel.Translation(0, 0), Fit(blocks, blocks, similarity: false) };
        seeds.AddRange(blocks.Where(b => b.Cornerness >= 0.3).Select(b => MotionModel.Translation(b.Dx, b.Dy)));
        var candidates = seeds
            .SelectMany(m => new[] { m, MotionModel.Translation(m.Tx, 0), MotionModel.Translation(0, m.Ty) })
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
    static MotionModel WithoutWeakAxes(List<MotionBlock> blocks, MotionModel translation, double tolerance)
    {
        double cost = Cost(blocks, translation, tolerance);
        foreach (bool horizontal in new[] { true, false })
        {
            double component = horizontal ? translation.Tx : translation.Ty;
            int seeing = blocks.Count(b => (horizontal ? b.Jxx : b.Jyy) >= 0.3);
            if (Math.Abs(component) < tolerance / 2 || seeing >= 0.5 * blocks.Count) continue;
            var dropped = Refine(blocks, horizontal ? MotionModel.Translation(0, translation.Ty) : MotionModel.Translation(translation.Tx, 0), tolerance, similarity: false);
            double droppedCost = Cost(blocks, dropped, tolerance);
            if (Math.Abs(horizontal ? dropped.Tx : dropped.Ty) < tolerance / 2 && droppedCost <= cost + seeing + 0.5)
                (translation, cost) = (dropped, droppedCost);
        }
        return translation;
    }

    /// <summary>Truncated quadratic cost of a model, in units of tolerance²: an outlier costs 1, an inlier its squared residual.</summary>
    public static double Cost(List<MotionBlock> blocks, MotionModel model, double tolerance) =>
        blocks.Sum(b => Math.Min(1, Math.Pow(Residual(b, model) / tolerance, 2)));

    /// <summary>The blocks within <paramref name="tolerance"/> of the model.</summary>
    public static List<MotionBlock> Inliers(List<MotionBlock> blocks, MotionModel model, double tolerance) => [.. blocks.Where(b => Residual(b, model) <= tolerance)];

    /// <summary>Refits <paramref name="model"/> on its inliers a few times (iterated, structure-tensor-weighted least squares).</summary>
    public static MotionModel Refine(List<MotionBlock> blocks, MotionModel model, double tolerance, bool similarity)
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
    static MotionModel Fit(List<MotionBlock> all, List<MotionBlock> set, bool similarity)
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
        return similarity ? new MotionModel(theta[0], theta[1], theta[2] / scale, theta[3] / scale) : MotionModel.Translation(theta[0], theta[1]);
    }

    /// <summary>
    /// Solves the normal equations (symmetric positive definite: the ridge keeps every eigenvalue at least 0.01) by
    /// MathNet's LU decomposition with partial pivoting; no motion if the solution is not finite.
    /// </summary>
    static double[] Solve(double[,] a, double[] b)
    {
        var x = Matrix<double>.Build.DenseOfArray(a).LU().Solve(Vector<double>.Build.DenseOfArray(b)).ToArray();
        return x.All(double.IsFinite) ? x : new double[b.Length];
    }
}
