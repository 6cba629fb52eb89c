namespace PanGym.Data.Video;

/// <summary>A matched block's motion and its normalised structure tensor (position relative to the frame centre).</summary>
/// <param name="X">The block centre's horizontal position, relative to the frame centre.</param>
/// <param name="Y">The block centre's vertical position, relative to the frame centre.</param>
/// <param name="Dx">The block's horizontal motion.</param>
/// <param name="Dy">The block's vertical motion.</param>
/// <param name="Jxx">The structure tensor's xx entry, scaled so its larger eigenvalue is 1.</param>
/// <param name="Jxy">The structure tensor's xy entry, scaled alike.</param>
/// <param name="Jyy">The structure tensor's yy entry, scaled alike.</param>
/// <param name="Cornerness">The tensor's eigenvalue ratio (0: an edge, 1: a corner).</param>
/// <param name="MatchError">The best match's mean absolute error relative to the block's mean absolute deviation.</param>
internal readonly record struct MotionBlock(double X, double Y, double Dx, double Dy, double Jxx, double Jxy, double Jyy, double Cornerness, double MatchError);
