namespace PanGym.Envs;

/// <summary>
/// Thrown when a text action cannot be understood (unknown words, or a reference that fits more than one object).
/// The message quotes the action (escaped and capped, see <see cref="DisplayText"/>), says what was wrong and lists the
/// actions the environment accepts.
/// </summary>
public sealed class UnknownActionException : ArgumentException
{
    /// <summary>Creates the exception for <paramref name="action"/>.</summary>
    /// <param name="action">The text as given.</param>
    /// <param name="reason">What was wrong with it.</param>
    /// <param name="acceptedActions">The environment's candidate actions.</param>
    /// <param name="forgivenVariants">A sentence saying which variants of the candidates are also understood.</param>
    public UnknownActionException(string action, string reason, IReadOnlyList<string> acceptedActions, string forgivenVariants)
        : base($"Unknown action {DisplayText.Quote(action)}: {reason}. Accepted actions: {string.Join(", ", acceptedActions.Select(a => $"\"{a}\""))}. {forgivenVariants}", "action")
    {
        Action = action;
        AcceptedActions = acceptedActions;
    }

    /// <summary>The text that was not understood.</summary>
    public string Action { get; }

    /// <summary>The environment's candidate actions.</summary>
    public IReadOnlyList<string> AcceptedActions { get; }
}
