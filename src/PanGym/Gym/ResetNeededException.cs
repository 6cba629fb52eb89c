namespace PanGym.Gym;

/// <summary>Thrown when an environment is stepped or rendered before its first <c>Reset</c> (Gymnasium's <c>ResetNeeded</c>).</summary>
public sealed class ResetNeededException(string message) : InvalidOperationException(message);
