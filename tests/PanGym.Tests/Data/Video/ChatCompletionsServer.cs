using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace PanGym.Tests.Data.Video;

/// <summary>
/// A small chat-completions server on 127.0.0.1 for the endpoint captioner's tests: it records every request and
/// answers through a script (status, body, headers, a delay), by default with a well-formed reply holding one caption
/// per transition of the frames sent.
/// </summary>
internal sealed class ChatCompletionsServer : IDisposable
{
    /// <summary>A scripted answer.</summary>
    public sealed record Reply(int Status, string Body, TimeSpan Delay = default, (string Name, string Value)[]? Headers = null);

    /// <summary>A recorded request: when it came, its path, headers and JSON body.</summary>
    public sealed record Request(TimeSpan At, string Path, string? Authorization, JsonNode Body);

    readonly HttpListener _listener = new();
    readonly Stopwatch _clock = Stopwatch.StartNew();
    readonly CancellationTokenSource _stop = new();
    readonly Task _loop;

    public ChatCompletionsServer(Func<int, JsonNode, Reply>? script = null)
    {
        Script = script ?? ((_, body) => Captions(ImageCount(body) - 1));
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        BaseUrl = $"http://127.0.0.1:{port}/v1";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    /// <summary>Answers request number n (0-based) with this body.</summary>
    public Func<int, JsonNode, Reply> Script { get; set; }

    /// <summary>The base URL to configure (…/v1).</summary>
    public string BaseUrl { get; }

    public ConcurrentQueue<Request> Requests { get; } = new();

    /// <summary>Image parts in a request's user message.</summary>
    public static int ImageCount(JsonNode body) =>
        body["messages"]!.AsArray().Last()!["content"]!.AsArray().Count(p => p!["type"]!.GetValue<string>() == "image_url");

    /// <summary>A well-formed reply with <paramref name="count"/> captions "caption 0", "caption 1", ….</summary>
    public static Reply Captions(int count, string prefix = "caption") => Content(new JsonObject
    {
        ["captions"] = new JsonArray([.. Enumerable.Range(0, count).Select(i => JsonValue.Create($"{prefix} {i}"))]),
    }.ToJsonString());

    /// <summary>A well-formed chat-completions reply whose message content is <paramref name="content"/>.</summary>
    public static Reply Content(string content) => new(200, new JsonObject
    {
        ["id"] = "chatcmpl-test",
        ["object"] = "chat.completion",
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content },
            ["finish_reason"] = "stop",
        }),
    }.ToJsonString());

    async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    async Task AnswerAsync(HttpListenerContext context)
    {
        try
        {
            string text;
            using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8)) text = await reader.ReadToEndAsync();
            var body = JsonNode.Parse(text)!;
            int index;
            lock (Requests)
            {
                index = Requests.Count;
                Requests.Enqueue(new Request(_clock.Elapsed, context.Request.Url!.AbsolutePath, context.Request.Headers["Authorization"], body));
            }
            var reply = Script(index, body);
            if (reply.Delay > TimeSpan.Zero) await Task.Delay(reply.Delay, _stop.Token);
            context.Response.StatusCode = reply.Status;
            context.Response.ContentType = "application/json";
            foreach (var (name, value) in reply.Headers ?? []) context.Response.Headers[name] = value;
            var bytes = Encoding.UTF8.GetBytes(reply.Body);
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The client gave up (a timeout test) or the server is stopping.
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Stopping.
        }
        _stop.Dispose();
    }
}
