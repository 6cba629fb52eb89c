using System.Globalization;
using System.Text.Json.Nodes;

namespace PanGym.Data.Video;

/// <summary>
/// Where and how <see cref="EndpointCaptioner"/> asks a vision-language model for captions: an OpenAI-compatible
/// chat-completions endpoint (a vLLM server, for example), the model, an optional API key, and the resilience
/// settings (per-attempt timeout, retries with exponential back-off, a request rate limit, an on-disk cache).
/// Endpoint, model and key come from the caller's configuration or the environment (<see cref="FromEnvironment"/>),
/// never from code.
/// </summary>
public sealed record EndpointCaptionerOptions
{
    /// <summary>Environment variable with the endpoint's base URL (for example <c>http://localhost:8000/v1</c>).</summary>
    public const string EndpointVariable = "PANGYM_CAPTION_ENDPOINT";

    /// <summary>Environment variable with the model name the endpoint serves.</summary>
    public const string ModelVariable = "PANGYM_CAPTION_MODEL";

    /// <summary>Environment variable with the API key (sent as a bearer token; optional).</summary>
    public const string ApiKeyVariable = "PANGYM_CAPTION_API_KEY";

    /// <summary>Options; see each property for what its argument means.</summary>
    /// <exception cref="ArgumentException">An argument is out of range; the message names it.</exception>
    public EndpointCaptionerOptions(
        Uri endpoint,
        string model,
        string? apiKey = null,
        TimeSpan? timeout = null,
        int maxRetries = 4,
        TimeSpan? retryDelay = null,
        double? requestsPerMinute = null,
        string? cacheFolder = null,
        int maxImagesPerRequest = 9,
        int maxTokens = 1024,
        int? maxCaptionBytes = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.IsAbsoluteUri || endpoint.Scheme is not ("http" or "https"))
            throw new ArgumentException($"The caption endpoint must be an absolute http(s) URL such as http://localhost:8000/v1, got \"{endpoint}\".", nameof(endpoint));
        if (string.IsNullOrWhiteSpace(model)) throw new ArgumentException("The caption model name is empty: name the model the endpoint serves.", nameof(model));
        var attemptTimeout = timeout ?? TimeSpan.FromSeconds(120);
        if (attemptTimeout <= TimeSpan.Zero) throw new ArgumentException($"The caption request timeout must be positive, got {attemptTimeout}.", nameof(timeout));
        if (maxRetries is < 0 or > 20) throw new ArgumentException($"The caption request retries must be in [0, 20], got {maxRetries}.", nameof(maxRetries));
        var delay = retryDelay ?? TimeSpan.FromSeconds(1);
        if (delay < TimeSpan.Zero) throw new ArgumentException($"The caption retry delay must not be negative, got {delay}.", nameof(retryDelay));
        if (requestsPerMinute is double rate && !(double.IsFinite(rate) && rate > 0))
            throw new ArgumentException($"The caption request rate limit must be a positive number of requests per minute, got {rate}.", nameof(requestsPerMinute));
        if (maxImagesPerRequest is < 2 or > 256)
            throw new ArgumentException($"Images per caption request must be in [2, 256] (a step needs two frames), got {maxImagesPerRequest}.", nameof(maxImagesPerRequest));
        if (maxTokens < 16) throw new ArgumentException($"The caption reply's token budget must be at least 16, got {maxTokens}.", nameof(maxTokens));
        if (maxCaptionBytes is < 8) throw new ArgumentException($"The caption length limit must be at least 8 bytes, got {maxCaptionBytes}.", nameof(maxCaptionBytes));
        MaxCaptionBytes = maxCaptionBytes;
        (Endpoint, Model, ApiKey, Timeout, MaxRetries, RetryDelay) = (endpoint, model.Trim(), string.IsNullOrWhiteSpace(apiKey) ? null : apiKey, attemptTimeout, maxRetries, delay);
        (RequestsPerMinute, CacheFolder, MaxImagesPerRequest, MaxTokens) = (requestsPerMinute, cacheFolder is null ? null : Path.GetFullPath(cacheFolder), maxImagesPerRequest, maxTokens);
    }

    /// <summary>The endpoint's base URL (…/v1) or its full chat-completions URL.</summary>
    public Uri Endpoint { get; }

    /// <summary>The model name sent with every request.</summary>
    public string Model { get; }

    /// <summary>The API key sent as <c>Authorization: Bearer …</c>, or null. Never written to metadata, reports or <see cref="ToString"/>.</summary>
    public string? ApiKey { get; }

    /// <summary>Time limit of each attempt (default two minutes).</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Retries after a failed attempt (HTTP 429, 5xx, a timeout or a connection failure); 0 tries once.</summary>
    public int MaxRetries { get; }

    /// <summary>The first retry's delay; each further retry doubles it, with jitter (a <c>Retry-After</c> header wins).</summary>
    public TimeSpan RetryDelay { get; }

    /// <summary>Most request starts per minute across all threads, or null for no limit.</summary>
    public double? RequestsPerMinute { get; }

    /// <summary>Folder of cached replies (keyed by model, prompt and images), or null for no cache.</summary>
    public string? CacheFolder { get; }

    /// <summary>Most frames per request (vLLM limits images per prompt); longer clips are captioned in windows of this many frames.</summary>
    public int MaxImagesPerRequest { get; }

    /// <summary>When set, the prompt asks for captions of at most this many characters (the ingest drops clips whose captions are longer in bytes).</summary>
    public int? MaxCaptionBytes { get; }

    /// <summary>The reply's token budget (<c>max_tokens</c>).</summary>
    public int MaxTokens { get; }

    /// <summary>The URL requests go to: <see cref="Endpoint"/> itself when it ends in <c>/chat/completions</c>, else that path appended.</summary>
    public Uri ChatCompletionsUri =>
        Endpoint.AbsolutePath.TrimEnd('/').EndsWith("/chat/completions", StringComparison.Ordinal)
            ? Endpoint
            : new Uri(Endpoint.AbsoluteUri.TrimEnd('/') + "/chat/completions");

    /// <summary>The default cache folder: <c>$XDG_CACHE_HOME/pangym/captions</c>, else <c>~/.cache/pangym/captions</c>.</summary>
    public static string DefaultCacheFolder =>
        Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } cache
            ? cache
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "pangym", "captions");

    /// <summary>
    /// Options from arguments where given, else from <see cref="EndpointVariable"/>, <see cref="ModelVariable"/> and
    /// <see cref="ApiKeyVariable"/>.
    /// </summary>
    /// <exception cref="ArgumentException">No endpoint or no model in either place, or a malformed URL.</exception>
    public static EndpointCaptionerOptions FromEnvironment(string? endpoint = null, string? model = null, TimeSpan? timeout = null, int maxRetries = 4,
        double? requestsPerMinute = null, string? cacheFolder = null, int maxImagesPerRequest = 9, int? maxCaptionBytes = null)
    {
        string url = endpoint ?? Environment.GetEnvironmentVariable(EndpointVariable) ?? "";
        string name = model ?? Environment.GetEnvironmentVariable(ModelVariable) ?? "";
        if (string.IsNullOrWhiteSpace(url))
            throw new ArgumentException($"No caption endpoint: set {EndpointVariable} (for example http://localhost:8000/v1) or pass the endpoint.");
        if (string.IsNullOrWhiteSpace(name))
            throw new ArgumentException($"No caption model: set {ModelVariable} to the model the endpoint serves, or pass the model.");
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri))
            throw new ArgumentException($"The caption endpoint \"{url}\" is not an absolute URL (for example http://localhost:8000/v1).");
        return new EndpointCaptionerOptions(uri, name, Environment.GetEnvironmentVariable(ApiKeyVariable), timeout, maxRetries,
            requestsPerMinute: requestsPerMinute, cacheFolder: cacheFolder, maxImagesPerRequest: maxImagesPerRequest, maxCaptionBytes: maxCaptionBytes);
    }

    /// <summary>The options as JSON for metadata: no API key, only whether one is set.</summary>
    public JsonObject ToJson() => new()
    {
        ["endpoint"] = ChatCompletionsUri.AbsoluteUri,
        ["model"] = Model,
        ["api_key"] = ApiKey is null ? "none" : "set",
        ["max_images_per_request"] = MaxImagesPerRequest,
        ["max_tokens"] = MaxTokens,
        ["max_caption_bytes"] = MaxCaptionBytes,
    };

    /// <summary>A description without the API key.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Model} at {ChatCompletionsUri} (key {(ApiKey is null ? "none" : "set")}, timeout {Timeout.TotalSeconds:0.##} s, {MaxRetries} retries)");
}
