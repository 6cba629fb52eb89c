namespace PanGym.Data.Video;

/// <summary>
/// A vision-language caption endpoint that cannot be used: unreachable, refusing the request (wrong key, unknown
/// model), or still failing (429, 5xx, timeouts) after every retry. The message names the endpoint, the model and
/// the problem. The ingest fails the video being captioned and goes on with the others.
/// </summary>
public class CaptionEndpointException : IOException
{
    /// <summary>Creates the exception with a message that names the endpoint and the problem.</summary>
    public CaptionEndpointException(string message, Exception? innerException = null) : base(message, innerException) { }
}
