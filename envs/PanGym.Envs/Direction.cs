namespace PanGym.Envs;

/// <summary>Where a text action moves or pushes something; <see cref="None"/> is "wait".</summary>
public enum Direction
{
    /// <summary>No movement ("wait").</summary>
    None,

    /// <summary>Towards smaller x (also "west").</summary>
    Left,

    /// <summary>Towards larger x (also "east").</summary>
    Right,

    /// <summary>Towards smaller y, the top of the frame (also "north").</summary>
    Up,

    /// <summary>Towards larger y, the bottom of the frame (also "south").</summary>
    Down,
}
