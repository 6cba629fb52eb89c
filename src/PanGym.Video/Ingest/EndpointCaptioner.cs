using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using PanGym.Media;

namespace PanGym.Data.Video;

/// <summary>
/// Captions clips with a vision-language model behind an OpenAI-compatible chat-completions endpoint (a vLLM server,
/// for example), prompted as PAN §6 re-captions its clips: densely, one caption per step, dynamics first. The frames go
/// as PNG data URLs (<see cref="PngEncoder"/>) in one user message, at most
/// <see cref="EndpointCaptionerOptions.MaxImagesPerRequest"/> per request (longer clips are captioned in windows), and
/// the model is asked for JSON <c>{"captions": [...]}</c>.
/// </summary>
/// <remarks>
/// <para>Resilience (Polly): each attempt has a timeout; HTTP 429 and 5xx replies, timeouts and connection failures are
/// retried with exponential back-off and jitter (a <c>Retry-After</c> header sets the delay); request starts are spaced
/// by the rate limit; replies are cached on disk, so a re-run or a resumed ingest does not ask again. Other HTTP errors
/// (400, 401, 404) are not retried.</para>
/// <para>A reply that is not chat-completions JSON or does not hold the requested number of captions is refused with a
/// <see cref="MalformedCaptionReplyException"/> (the ingest drops that clip); an endpoint that keeps failing raises a
/// <see cref="CaptionEndpointException"/> (the ingest fails that video).</para>
/// </remarks>
public sealed partial class EndpointCaptioner : IClipCaptioner, IDisposable
{
    /// <summary>The system prompt: what a caption is for and what it says.</summary>
    public const string SystemPrompt =
        "You caption videos for training a world model. For each transition between two consecutive frames, write the action " +
        "that explains the change: how the camera moves (pans, tilts, zooms) and how objects or people move, turn, appear, " +
        "disappear or interact, with directions and speeds. Dynamics first: mention appearance only to say which thing moves. " +
        "One short present-tense sentence per transition, about what is visible, without speculation.";

    readonly HttpClient _http;
    readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    readonly RequestRateLimiter? _limiter;
    readonly CaptionCache? _cache;

    /// <summary>A captioner for the endpoint in <paramref name="options"/>.</summary>
    /// <param name="options">Endpoint, model, key and resilience settings.</param>
    /// <param name="handler">The HTTP handler to send through (default: a new socket handler); disposed with the captioner.</param>
    public EndpointCaptioner(EndpointCaptionerOptions options, HttpMessageHandler? handler = null)
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        _limiter = options.RequestsPerMinute is double rate ? new RequestRateLimiter(rate) : null;
        _cache = options.CacheFolder is null ? null : new CaptionCache(options.CacheFolder);
        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = Math.Max(1, options.MaxRetries),
                ShouldHandle = args => ValueTask.FromResult(options.MaxRetries > 0 && IsTransient(args.Outcome)),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                MaxDelay = TimeSpan.FromMinutes(2),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result)),
            })
            .AddTimeout(options.Timeout)
            .Build();
    }

    /// <summary>The endpoint and its settings.</summary>
    public EndpointCaptionerOptions Options { get; }

    /// <inheritdoc />
    public string Name => "endpoint";

    /// <inheritdoc />
    public JsonObject Describe()
    {
        var description = Options.ToJson();
        description["captioner"] = Name;
        return description;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> CaptionAsync(VideoClip clip, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clip);
        var captions = new List<string>(clip.Steps);
        int window = Options.MaxImagesPerRequest - 1;
        for (int start = 0; start < clip.Steps; start += window)
        {
            int steps = Math.Min(window, clip.Steps - start);
            var images = clip.Frames.Skip(start).Take(steps + 1).Select(f => PngEncoder.DataUrl(f.Image)).ToList();
            captions.AddRange(await CaptionFramesAsync(images, 1 / clip.Fps, cancellationToken).ConfigureAwait(false));
        }
        return captions;
    }

    /// <summary>
    /// Captions the steps between consecutive frames given as image URLs (data URLs or http URLs the server can fetch),
    /// <paramref name="secondsApart"/> seconds apart: one caption per step.
    /// </summary>
    /// <exception cref="MalformedCaptionReplyException">The reply does not hold the captions asked for.</exception>
    /// <exception cref="CaptionEndpointException">The endpoint refused the request or kept failing.</exception>
    public async Task<IReadOnlyList<string>> CaptionFramesAsync(IReadOnlyList<string> imageUrls, double secondsApart, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(imageUrls);
        if (imageUrls.Count < 2) throw new ArgumentException("Captioning needs at least two frames (one step).", nameof(imageUrls));
        int steps = imageUrls.Count - 1;
        string instruction = UserPrompt(steps, secondsApart, Options.MaxCaptionBytes);
        string? key = _cache is null ? null : CaptionCache.Key([Options.ChatCompletionsUri.AbsoluteUri, Options.Model, SystemPrompt, instruction, .. imageUrls]);
        if (key is not null && _cache!.TryGet(key, steps) is { } cached) return cached;

        string body = RequestBody(instruction, imageUrls).ToJsonString();
        string reply = await SendAsync(body, cancellationToken).ConfigureAwait(false);
        var captions = ParseReply(reply, steps);
        if (key is not null) _cache!.Put(key, captions);
        return captions;
    }

    /// <summary>The user message's text for <paramref name="steps"/> transitions (captions of at most <paramref name="maxCharacters"/> characters when given).</summary>
    public static string UserPrompt(int steps, double secondsApart, int? maxCharacters = null)
    {
        string transitions = steps > 1 ? "frame 0 to 1, frame 1 to 2, …" : "frame 0 to 1";
        string limit = maxCharacters is int characters ? string.Create(CultureInfo.InvariantCulture, $", each at most {characters} characters") : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"Here are {steps + 1} consecutive frames of a video, {secondsApart:0.###} s apart, in order (frame 0 first). " +
            $"Write one caption for each of the {steps} transitions ({transitions}){limit}. " +
            $"Reply with JSON only, in this form: {{\"captions\": [\"…\"]}}, with exactly {steps} strings in order.");
    }

    JsonObject RequestBody(string instruction, IReadOnlyList<string> imageUrls)
    {
        var content = new JsonArray { new JsonObject { ["type"] = "text", ["text"] = instruction } };
        foreach (var url in imageUrls) content.Add(new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = url } });
        return new JsonObject
        {
            ["model"] = Options.Model,
            ["messages"] = new JsonArray
            {
                new JsonObject { ["role"] = "system", ["content"] = SystemPrompt },
                new JsonObject { ["role"] = "user", ["content"] = content },
            },
            ["temperature"] = 0,
            ["max_tokens"] = Options.MaxTokens,
        };
    }

    async Task<string> SendAsync(string body, CancellationToken cancellationToken)
    {
        var uri = Options.ChatCompletionsUri;
        int attempts = 0;
        HttpResponseMessage response;
        try
        {
            response = await _pipeline.ExecuteAsync(async token =>
            {
                if (_limiter is not null) await _limiter.WaitAsync(token).ConfigureAwait(false);
                Interlocked.Increment(ref attempts);
                using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                if (Options.ApiKey is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Options.ApiKey);
                return await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, token).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException e)
        {
            throw new CaptionEndpointException($"The caption endpoint {uri} (model {Options.Model}) did not answer within {Options.Timeout.TotalSeconds:0.##} s, {attempts} time(s) in a row.", e);
        }
        catch (HttpRequestException e)
        {
            throw new CaptionEndpointException($"The caption endpoint {uri} (model {Options.Model}) cannot be reached after {attempts} attempt(s): {e.Message}", e);
        }
        using (response)
        {
            string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode) return text;
            int status = (int)response.StatusCode;
            string hint = response.StatusCode switch
            {
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => $" Check the API key ({EndpointCaptionerOptions.ApiKeyVariable}).",
                HttpStatusCode.NotFound => " Check the endpoint URL (it should end in /v1) and the model name.",
                _ => "",
            };
            string retried = IsTransient(status) ? $" after {attempts} attempt(s)" : "";
            throw new CaptionEndpointException(
                $"The caption endpoint {uri} (model {Options.Model}) answered HTTP {status} {response.ReasonPhrase}{retried}: {Snippet(text)}.{hint}");
        }
    }

    /// <summary>
    /// The captions in a chat-completions reply: <c>choices[0].message.content</c> (a string, or text parts) holding
    /// JSON <c>{"captions": [...]}</c> or a JSON array (code fences and surrounding prose tolerated), or else exactly
    /// <paramref name="steps"/> numbered lines.
    /// </summary>
    /// <exception cref="MalformedCaptionReplyException">Anything else.</exception>
    public static IReadOnlyList<string> ParseReply(string reply, int steps)
    {
        ArgumentNullException.ThrowIfNull(reply);
        string expected = $"expected a chat-completions reply whose message holds {{\"captions\": [{steps} strings]}}";
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(reply);
        }
        catch (JsonException e)
        {
            throw new MalformedCaptionReplyException($"The caption endpoint's reply is not JSON ({e.Message}); {expected}. The reply begins: {Snippet(reply)}", e);
        }
        var message = root is JsonObject o && o["choices"] is JsonArray { Count: > 0 } choices ? choices[0]?["message"] : null;
        string? content = message?["content"] switch
        {
            JsonValue value when value.TryGetValue(out string? text) => text,
            JsonArray parts => string.Concat(parts.Select(p => p?["text"] is JsonValue t && t.TryGetValue(out string? s) ? s : "")),
            _ => null,
        };
        if (string.IsNullOrWhiteSpace(content))
            throw new MalformedCaptionReplyException($"The caption endpoint's reply has no choices[0].message.content text; {expected}. The reply begins: {Snippet(reply)}");
        var captions = CaptionsFromContent(content);
        if (captions is null)
            throw new MalformedCaptionReplyException($"The caption model's message holds no list of captions; {expected}. The message begins: {Snippet(content)}");
        if (captions.Count != steps || captions.Any(string.IsNullOrWhiteSpace))
            throw new MalformedCaptionReplyException(
                $"The caption model returned {captions.Count} captions ({captions.Count(string.IsNullOrWhiteSpace)} empty) for {steps} transitions; {expected}. The message begins: {Snippet(content)}");
        return [.. captions.Select(c => c.Trim())];
    }

    static List<string>? CaptionsFromContent(string content)
    {
        string text = content.Trim();
        int open = text.IndexOfAny(['{', '[']);
        int close = text.LastIndexOfAny(['}', ']']);
        if (open >= 0 && close > open)
        {
            try
            {
                var node = JsonNode.Parse(text[open..(close + 1)]);
                var array = node as JsonArray ?? node?["captions"] as JsonArray;
                if (array is not null)
                    return [.. array.Select(item => item is JsonValue v && v.TryGetValue(out string? s) ? s : "")];
            }
            catch (JsonException)
            {
                // Not JSON after all: try numbered lines.
            }
        }
        var numbered = text.Split('\n').Select(l => NumberedLine().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        return numbered.Count > 0 ? numbered : null;
    }

    [GeneratedRegex(@"^\s*\d+\s*[.):]\s*(.+?)\s*$")]
    private static partial Regex NumberedLine();

    static bool IsTransient(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is HttpRequestException or TimeoutRejectedException
        || outcome.Result is { } response && IsTransient((int)response.StatusCode);

    static bool IsTransient(int status) => status == 429 || status >= 500;

    /// <summary>The delay a 429 or 503 reply asks for in its Retry-After header (capped at five minutes), or null to back off as usual.</summary>
    static TimeSpan? RetryAfter(HttpResponseMessage? response)
    {
        var header = response?.Headers.RetryAfter;
        TimeSpan? delay = header?.Delta ?? (header?.Date is DateTimeOffset date ? date - DateTimeOffset.UtcNow : null);
        return delay is TimeSpan d ? TimeSpan.FromTicks(Math.Clamp(d.Ticks, 0, TimeSpan.FromMinutes(5).Ticks)) : null;
    }

    static string Snippet(string text)
    {
        string flat = text.ReplaceLineEndings(" ").Trim();
        return flat.Length == 0 ? "(empty)" : flat.Length <= 200 ? $"«{flat}»" : $"«{flat[..200]}…»";
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
