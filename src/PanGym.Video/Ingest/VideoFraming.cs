namespace PanGym.Data.Video;

/// <summary>How a video's (usually wide) picture becomes the square frames of a data set.</summary>
public enum VideoFraming
{
    /// <summary>Keep the central square (the full height of a landscape video): no distortion, the sides are lost.</summary>
    CenterCrop,

    /// <summary>Scale the whole picture to a square: nothing is lost, shapes are squeezed.</summary>
    Stretch,
}
