namespace PanGym.Envs;

/// <summary>
/// MomentumWorld's true state (reported as <c>info["state"]</c>): the ball's real-valued centre and velocity and the
/// episode's goal. The velocity is what a single frame cannot show.
/// </summary>
/// <param name="X">Centre, pixels from the left edge.</param>
/// <param name="Y">Centre, pixels from the top edge.</param>
/// <param name="VelocityX">Horizontal velocity, pixels per step.</param>
/// <param name="VelocityY">Vertical velocity, pixels per step (positive is down).</param>
/// <param name="Goal">The grey square the ball's centre must enter.</param>
public sealed record MomentumWorldState(double X, double Y, double VelocityX, double VelocityY, GoalRegion Goal);
