namespace PanGym.Gym;

/// <summary>A registered environment (Gymnasium's <c>EnvSpec</c>): its id, a description and its default episode limit.</summary>
/// <param name="Id">The name it is made by, for example <c>ShapesWorld-v0</c>.</param>
/// <param name="Description">One line for listings.</param>
/// <param name="MaxEpisodeSteps">When set, <see cref="EnvRegistry.Make"/> wraps the environment in a <see cref="Wrappers.TimeLimit{TObs, TAction}"/>.</param>
public sealed record EnvSpec(string Id, string Description, int? MaxEpisodeSteps = null);
