namespace PanGym.Backbone;

/// <summary>One turn of a chat, as a chat template renders it.</summary>
/// <param name="Role">Who speaks: "system", "user" or "assistant"; not empty, no line break (the template ends the role line with one).</param>
/// <param name="Content">What they say.</param>
public sealed record ChatMessage(string Role, string Content)
{
    /// <summary>Who speaks: "system", "user" or "assistant".</summary>
    public string Role { get; } = ValidRole(Role);

    /// <summary>What they say.</summary>
    public string Content { get; } = Content ?? throw new ArgumentNullException(nameof(Content));

    private static string ValidRole(string role)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(role, nameof(Role));
        return role.Contains('\n') ? throw new ArgumentException($"Chat role \"{role}\" holds a line break.", nameof(Role)) : role;
    }
}
