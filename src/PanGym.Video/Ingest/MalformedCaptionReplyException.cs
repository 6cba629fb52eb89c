namespace PanGym.Data.Video;

/// <summary>
/// A caption endpoint's reply that is not what was asked for (not chat-completions JSON, no message content, not the
/// requested number of captions). The message says what was expected and quotes the start of the reply. The ingest
/// drops the clip as <see cref="ClipRejectionReason.CaptionFailed"/> and goes on.
/// </summary>
public sealed class MalformedCaptionReplyException : CaptionEndpointException
{
    /// <summary>Creates the exception with a message that says what was wrong with the reply.</summary>
    public MalformedCaptionReplyException(string message, Exception? innerException = null) : base(message, innerException) { }
}
