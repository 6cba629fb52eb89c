using System.Text;

namespace PanGym.Backbone;

/// <summary>
/// Qwen2's chat template (ChatML), the <c>chat_template</c> of Qwen2-Instruct's tokenizer_config.json, rendered in C#.
/// Each turn is <c>&lt;|im_start|&gt;{role}\n{content}&lt;|im_end|&gt;\n</c>; when the first turn is not a system turn
/// the template puts <see cref="DefaultSystemMessage"/> first, as the real template does; the generation prompt is
/// <c>&lt;|im_start|&gt;assistant\n</c>. (Qwen2.5's text models use "You are Qwen, created by Alibaba Cloud. You are a
/// helpful assistant." there instead, and tool calls are not rendered.)
/// </summary>
public static class ChatTemplate
{
    /// <summary>The system message Qwen2's template adds when a conversation does not start with one.</summary>
    public const string DefaultSystemMessage = "You are a helpful assistant.";

    /// <summary>The prompt text of <paramref name="messages"/>; with <paramref name="addGenerationPrompt"/> it ends by opening an assistant turn.</summary>
    public static string Render(IEnumerable<ChatMessage> messages, bool addGenerationPrompt)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var prompt = new StringBuilder();
        bool first = true;
        foreach (ChatMessage message in messages)
        {
            if (first && message.Role != "system")
            {
                AppendTurn(prompt, "system", DefaultSystemMessage);
            }
            first = false;
            AppendTurn(prompt, message.Role, message.Content);
        }
        if (addGenerationPrompt)
        {
            prompt.Append("<|im_start|>assistant\n");
        }
        return prompt.ToString();
    }

    private static void AppendTurn(StringBuilder prompt, string role, string content) =>
        prompt.Append("<|im_start|>").Append(role).Append('\n').Append(content).Append("<|im_end|>\n");
}
