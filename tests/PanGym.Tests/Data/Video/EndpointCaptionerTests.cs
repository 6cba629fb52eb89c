using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json.Nodes;
using PanGym.Data.Video;
using PanGym.Gym;
using PanGym.Media;

namespace PanGym.Tests.Data.Video;

public sealed class EndpointCaptionerTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("pangym-endpoint-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    static readonly VideoSource Source = new("/videos/clip.mp4", "0123456789abcdef", TimeSpan.FromSeconds(2), 320, 240, 8, "h264", (1, 1));

    /// <summary>A clip of <paramref name="steps"/> steps of 64×64 frames whose colour says their index.</summary>
    internal static VideoClip Clip(int steps, int start = 0) => new(Source, 0, [.. Enumerable.Range(start, steps + 1).Select(i =>
    {
        var image = new Image(64, 64);
        image.Fill(((byte)(i * 10), 100, 200));
        image[i % 64, 3] = (255, 255, 255);
        return new VideoFrame(i, i / 8.0, image);
    })], 8);

    EndpointCaptionerOptions Options(ChatCompletionsServer server, string? key = null, TimeSpan? timeout = null, int retries = 3,
        double? rpm = null, bool cache = false, int images = 9) =>
        new(new Uri(server.BaseUrl), "test-vlm", key, timeout ?? TimeSpan.FromSeconds(10), retries, TimeSpan.FromMilliseconds(10), rpm,
            cache ? Path.Combine(_folder, "cache") : null, images);

    /// <summary>The pixels of a PNG our encoder wrote (8-bit RGB, filters None/Up), checking signature, chunk CRCs and header.</summary>
    internal static Image DecodePng(byte[] png)
    {
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10], png[..8]);
        int width = 0, height = 0;
        using var idat = new MemoryStream();
        for (int at = 8; at < png.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            string type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            Assert.Equal(BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length)), PngEncoder.Crc32(png.AsSpan(at + 4, length + 4)));
            var data = png.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                (width, height) = (BinaryPrimitives.ReadInt32BigEndian(data), BinaryPrimitives.ReadInt32BigEndian(data[4..]));
                Assert.Equal([8, 2, 0, 0, 0], data[8..].ToArray());
            }
            if (type == "IDAT") idat.Write(data);
            at += 12 + length;
        }
        idat.Position = 0;
        using var zlib = new ZLibStream(idat, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        zlib.CopyTo(raw);
        var rows = raw.ToArray();
        int stride = width * 3;
        var pixels = new byte[height * stride];
        for (int y = 0; y < height; y++)
        {
            byte filter = rows[y * (stride + 1)];
            for (int i = 0; i < stride; i++)
            {
                byte value = rows[y * (stride + 1) + 1 + i];
                pixels[y * stride + i] = filter switch
                {
                    0 => value,
                    2 => (byte)(value + (y > 0 ? pixels[(y - 1) * stride + i] : 0)),
                    _ => throw new InvalidDataException($"unexpected PNG filter {filter}"),
                };
            }
        }
        return new Image(height, width, pixels);
    }

    [Fact]
    public void Png_encoding_round_trips_and_the_crc_is_the_standard_one()
    {
        Assert.Equal(0xCBF43926u, PngEncoder.Crc32("123456789"u8));
        var image = Clip(1).Frames[1].Image;
        Assert.Equal(image, DecodePng(PngEncoder.Encode(image)));
        var odd = new Image(3, 5, [.. Enumerable.Range(0, 45).Select(i => (byte)(i * 37))]);
        Assert.Equal(odd, DecodePng(PngEncoder.Encode(odd)));
    }

    [Fact]
    public async Task Requests_are_chat_completions_with_the_frames_as_png_data_urls_and_the_key_as_bearer()
    {
        using var server = new ChatCompletionsServer();
        using var captioner = new EndpointCaptioner(Options(server, key: "secret-key"));
        var clip = Clip(3);
        var captions = await captioner.CaptionAsync(clip, CancellationToken.None);

        Assert.Equal(["caption 0", "caption 1", "caption 2"], captions);
        var request = Assert.Single(server.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("Bearer secret-key", request.Authorization);
        var body = request.Body;
        Assert.Equal("test-vlm", body["model"]!.GetValue<string>());
        var messages = body["messages"]!.AsArray();
        Assert.Equal(["system", "user"], messages.Select(m => m!["role"]!.GetValue<string>()));
        Assert.Contains("world model", messages[0]!["content"]!.GetValue<string>());
        var parts = messages[1]!["content"]!.AsArray();
        Assert.Equal("text", parts[0]!["type"]!.GetValue<string>());
        Assert.Contains("3 transitions", parts[0]!["text"]!.GetValue<string>());
        Assert.Contains("\"captions\"", parts[0]!["text"]!.GetValue<string>());
        var urls = parts.Skip(1).Select(p => p!["image_url"]!["url"]!.GetValue<string>()).ToList();
        Assert.Equal(4, urls.Count);
        for (int i = 0; i < urls.Count; i++)
        {
            Assert.StartsWith("data:image/png;base64,", urls[i]);
            Assert.Equal(clip.Frames[i].Image, DecodePng(Convert.FromBase64String(urls[i]["data:image/png;base64,".Length..])));
        }
        Assert.Equal("endpoint", captioner.Describe()["captioner"]!.GetValue<string>());
        Assert.DoesNotContain("secret-key", captioner.Describe().ToJsonString());
        Assert.DoesNotContain("secret-key", captioner.Options.ToString());
    }

    [Fact]
    public async Task Long_clips_are_captioned_in_windows_of_the_image_limit()
    {
        using var server = new ChatCompletionsServer((n, body) => ChatCompletionsServer.Captions(ChatCompletionsServer.ImageCount(body) - 1, $"window {n}"));
        using var captioner = new EndpointCaptioner(Options(server, images: 3));
        var captions = await captioner.CaptionAsync(Clip(5), CancellationToken.None);
        Assert.Equal(["window 0 0", "window 0 1", "window 1 0", "window 1 1", "window 2 0"], captions);
        Assert.Equal([3, 3, 2], server.Requests.Select(r => ChatCompletionsServer.ImageCount(r.Body)));
    }

    [Fact]
    public async Task Rate_limits_and_server_errors_are_retried_with_back_off()
    {
        using var server = new ChatCompletionsServer((n, body) => n switch
        {
            0 => new ChatCompletionsServer.Reply(429, "{\"error\": \"slow down\"}", Headers: [("Retry-After", "0")]),
            1 => new ChatCompletionsServer.Reply(503, "overloaded"),
            2 => new ChatCompletionsServer.Reply(500, "oops"),
            _ => ChatCompletionsServer.Captions(ChatCompletionsServer.ImageCount(body) - 1),
        });
        using var captioner = new EndpointCaptioner(Options(server, retries: 3));
        Assert.Equal(2, (await captioner.CaptionAsync(Clip(2), CancellationToken.None)).Count);
        Assert.Equal(4, server.Requests.Count);

        server.Requests.Clear();
        server.Script = (_, _) => new ChatCompletionsServer.Reply(502, "bad gateway");
        var error = await Assert.ThrowsAsync<CaptionEndpointException>(() => captioner.CaptionAsync(Clip(2), CancellationToken.None));
        Assert.Contains("HTTP 502", error.Message);
        Assert.Contains("after 4 attempt(s)", error.Message);
        Assert.Contains(server.BaseUrl, error.Message);
        Assert.Equal(4, server.Requests.Count);
    }

    [Fact]
    public async Task Client_errors_are_not_retried_and_name_the_likely_cause()
    {
        using var server = new ChatCompletionsServer((_, _) => new ChatCompletionsServer.Reply(401, "{\"error\": \"invalid key\"}"));
        using var captioner = new EndpointCaptioner(Options(server, key: "wrong"));
        var error = await Assert.ThrowsAsync<CaptionEndpointException>(() => captioner.CaptionAsync(Clip(1), CancellationToken.None));
        Assert.Contains("HTTP 401", error.Message);
        Assert.Contains(EndpointCaptionerOptions.ApiKeyVariable, error.Message);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task A_slow_endpoint_times_out_on_every_attempt_with_a_clear_error()
    {
        // A 1 s timeout against a 6 s reply: long enough that a loaded machine still delivers each attempt to the server
        // before the client gives up on it, so that both attempts are seen.
        using var server = new ChatCompletionsServer((_, body) => ChatCompletionsServer.Captions(1) with { Delay = TimeSpan.FromSeconds(6) });
        using var captioner = new EndpointCaptioner(Options(server, timeout: TimeSpan.FromSeconds(1), retries: 1));
        var error = await Assert.ThrowsAsync<CaptionEndpointException>(() => captioner.CaptionAsync(Clip(1), CancellationToken.None));
        Assert.Contains("did not answer within 1 s", error.Message);
        Assert.Equal(2, server.Requests.Count);

        server.Requests.Clear();
        server.Script = (n, body) => n == 0
            ? ChatCompletionsServer.Captions(1) with { Delay = TimeSpan.FromSeconds(6) }
            : ChatCompletionsServer.Captions(1);
        Assert.Equal(["caption 0"], await captioner.CaptionAsync(Clip(1), CancellationToken.None));
        Assert.Equal(2, server.Requests.Count);
    }

    [Theory]
    [InlineData("this is not json", "not JSON")]
    [InlineData("{\"choices\": []}", "no choices[0].message.content")]
    [InlineData("{\"choices\": [{\"message\": {\"role\": \"assistant\"}}]}", "no choices[0].message.content")]
    public async Task A_malformed_reply_is_refused_with_a_clear_error(string reply, string message)
    {
        using var server = new ChatCompletionsServer((_, _) => new ChatCompletionsServer.Reply(200, reply));
        using var captioner = new EndpointCaptioner(Options(server));
        var error = await Assert.ThrowsAsync<MalformedCaptionReplyException>(() => captioner.CaptionAsync(Clip(2), CancellationToken.None));
        Assert.Contains(message, error.Message);
        Assert.Contains("{\"captions\": [2 strings]}", error.Message);
        Assert.Single(server.Requests);
    }

    [Theory]
    [InlineData("{\"captions\": [\"only one\"]}", "returned 1 captions")]
    [InlineData("{\"captions\": [\"one\", \"\"]}", "1 empty")]
    [InlineData("I cannot see the frames.", "holds no list of captions")]
    public async Task Message_content_without_the_captions_asked_for_is_refused(string content, string message)
    {
        using var server = new ChatCompletionsServer((_, _) => ChatCompletionsServer.Content(content));
        using var captioner = new EndpointCaptioner(Options(server));
        var error = await Assert.ThrowsAsync<MalformedCaptionReplyException>(() => captioner.CaptionAsync(Clip(2), CancellationToken.None));
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData("```json\n{\"captions\": [\"a pans\", \"b tilts\"]}\n```")]
    [InlineData("Here you go: [\"a pans\", \"b tilts\"]")]
    [InlineData("1. a pans\n2. b tilts")]
    public void Common_reply_forms_are_accepted(string content)
    {
        var reply = ChatCompletionsServer.Content(content).Body;
        Assert.Equal(["a pans", "b tilts"], EndpointCaptioner.ParseReply(reply, 2));
    }

    [Fact]
    public async Task Replies_are_cached_on_disk_and_requests_are_rate_limited()
    {
        using var server = new ChatCompletionsServer();
        // 120 requests a minute: 500 ms apart, so that the server's clock may see them up to 100 ms closer (a loaded
        // machine delays one request's delivery more than the next's) and still tell a limited client from an unlimited one.
        using (var captioner = new EndpointCaptioner(Options(server, cache: true, rpm: 120)))
        {
            for (int start = 0; start < 3; start++) await captioner.CaptionAsync(Clip(2, start), CancellationToken.None);
            var times = server.Requests.Select(r => r.At).ToList();
            Assert.Equal(3, times.Count);
            Assert.All(times.Zip(times.Skip(1)), pair => Assert.True(pair.Second - pair.First >= TimeSpan.FromMilliseconds(400), $"requests {pair.First} and {pair.Second} are closer than the 500 ms the rate limit allows"));
        }
        using (var again = new EndpointCaptioner(Options(server, cache: true)))
            Assert.Equal(["caption 0", "caption 1"], await again.CaptionAsync(Clip(2, 1), CancellationToken.None));
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public void Options_come_from_the_environment_and_bad_ones_are_refused()
    {
        var saved = new[] { EndpointCaptionerOptions.EndpointVariable, EndpointCaptionerOptions.ModelVariable, EndpointCaptionerOptions.ApiKeyVariable }
            .ToDictionary(v => v, Environment.GetEnvironmentVariable);
        try
        {
            foreach (var name in saved.Keys) Environment.SetEnvironmentVariable(name, null);
            Assert.Contains(EndpointCaptionerOptions.EndpointVariable, Assert.Throws<ArgumentException>(() => EndpointCaptionerOptions.FromEnvironment()).Message);
            Environment.SetEnvironmentVariable(EndpointCaptionerOptions.EndpointVariable, "http://localhost:8000/v1/");
            Assert.Contains(EndpointCaptionerOptions.ModelVariable, Assert.Throws<ArgumentException>(() => EndpointCaptionerOptions.FromEnvironment()).Message);
            Environment.SetEnvironmentVariable(EndpointCaptionerOptions.ModelVariable, "Qwen/Qwen2.5-VL-7B-Instruct");
            Environment.SetEnvironmentVariable(EndpointCaptionerOptions.ApiKeyVariable, "k");
            var options = EndpointCaptionerOptions.FromEnvironment();
            Assert.Equal("http://localhost:8000/v1/chat/completions", options.ChatCompletionsUri.AbsoluteUri);
            Assert.Equal(("Qwen/Qwen2.5-VL-7B-Instruct", "k"), (options.Model, options.ApiKey));
            Assert.Equal("http://h/x/chat/completions", new EndpointCaptionerOptions(new Uri("http://h/x/chat/completions"), "m").ChatCompletionsUri.AbsoluteUri);
        }
        finally
        {
            foreach (var (name, value) in saved) Environment.SetEnvironmentVariable(name, value);
        }
        Assert.Contains("http(s)", Assert.Throws<ArgumentException>(() => new EndpointCaptionerOptions(new Uri("ftp://h/v1"), "m")).Message);
        Assert.Contains("model", Assert.Throws<ArgumentException>(() => new EndpointCaptionerOptions(new Uri("http://h/v1"), " ")).Message);
        Assert.Contains("[2, 256]", Assert.Throws<ArgumentException>(() => new EndpointCaptionerOptions(new Uri("http://h/v1"), "m", maxImagesPerRequest: 1)).Message);
    }
}
