namespace PanGym.Data.Video;

/// <summary>
/// The block matching behind <see cref="MotionEstimator"/>: blocks of size/<see cref="MotionEstimator.BlockDivisor"/>
/// pixels on a grid kept a search range away from the borders (so every block can be searched fully) are matched in
/// the next frame by an exhaustive search of ±size/8 pixels (mean absolute difference, sub-pixel by a parabola; ties go
/// to the smaller motion). Flat blocks are skipped; every other block keeps its structure tensor.
/// </summary>
internal static class BlockMatcher
{
    const double MinBlockStd = 0.02;

    /// <summary>Motion vectors of the blocks with texture, at block centres relative to the frame centre, with their structure tensors.</summary>
    public static List<MotionBlock> MatchBlocks(float[] from, float[] to, int size)
    {
        int block = size / MotionEstimator.BlockDivisor;
        int range = Math.Max(2, size / 8);
        int count = (size - 2 * range) / block;
        int margin = (size - count * block) / 2;
        var vectors = new List<MotionBlock>();
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
                vectors.Add(new MotionBlock(x0 + block / 2.0 - size / 2.0, y0 + block / 2.0 - size / 2.0, bestU + sx, bestV + sy, xx, xy, yy, cornerness, best / spread));
            }
        return vectors;
    }

    static double Refine(double left, double middle, double right) =>
        double.IsFinite(left) && double.IsFinite(right) ? SubPixel.Parabola(left, middle, right) : 0;

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

    static float[] BlockValues(float[] plane, int size, int x0, int y0, int block)
    {
        var values = new float[block * block];
        for (int y = 0; y < block; y++) Array.Copy(plane, (y0 + y) * size + x0, values, y * block, block);
        return values;
    }
}
