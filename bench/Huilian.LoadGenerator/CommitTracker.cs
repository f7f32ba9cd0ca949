using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Huilian.Core;

namespace Huilian.LoadGenerator;

/// <summary>
/// Follows the node's block stream and completes each submitted transaction when the block holding it commits.
/// The commit time is when the event reaches this process, so the latency measured is what a client sees.
/// </summary>
internal sealed class CommitTracker : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Hash32, Pending> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _reader;
    private long _latestHeight;

    public ulong LatestHeight => (ulong)Interlocked.Read(ref _latestHeight);

    public event Action<ulong, long>? BlockSeen;

    public async Task Start(HttpClient http, ulong startHeight)
    {
        Interlocked.Exchange(ref _latestHeight, (long)startHeight);
        _reader = Task.Run(() => Read(http, _stop.Token));
        await _connected.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Registers a transaction about to be submitted; the task completes with (commit timestamp, receipt code).</summary>
    public Task<(long CommitTimestamp, string Code)> Track(in Hash32 id, long submitTimestamp)
    {
        var pending = new Pending(submitTimestamp);
        _pending[id] = pending;
        return pending.Completion.Task;
    }

    /// <summary>Stops tracking a transaction that will never commit; its task is cancelled.</summary>
    public void Forget(in Hash32 id)
    {
        if (_pending.TryRemove(id, out var pending))
        {
            pending.Completion.TrySetCanceled();
        }
    }

    /// <summary>Stops tracking every transaction still in flight (the run is over): their tasks are cancelled.</summary>
    public void ForgetAll()
    {
        foreach (var id in _pending.Keys)
        {
            Forget(id);
        }
    }

    public int InFlight => _pending.Count;

    private async Task Read(HttpClient http, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/stream/blocks");
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            response.EnsureSuccessStatusCode();
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var reader = new StreamReader(stream);
            _connected.TrySetResult();
            while (!cancellationToken.IsCancellationRequested)
            {
                var line = await reader.ReadLineAsync(cancellationToken);
                if (line is null)
                {
                    break;
                }
                if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    OnBlock(line.AsSpan(6).ToString(), Stopwatch.GetTimestamp());
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or HttpRequestException or IOException)
        {
            _connected.TrySetException(exception);
        }
    }

    private void OnBlock(string json, long now)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var height = root.GetProperty("height").GetUInt64();
        Interlocked.Exchange(ref _latestHeight, (long)height);
        var codes = root.GetProperty("codes");
        var index = 0;
        foreach (var transaction in root.GetProperty("transactions").EnumerateArray())
        {
            var id = Hash32.Parse(transaction.GetString()!);
            if (_pending.TryRemove(id, out var pending))
            {
                pending.Completion.TrySetResult((now, codes[index].GetString()!));
            }
            index++;
        }
        BlockSeen?.Invoke(height, now);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_reader is not null)
        {
            try
            {
                await _reader;
            }
            catch (OperationCanceledException)
            {
            }
        }
        _stop.Dispose();
    }

    private sealed class Pending(long submitTimestamp)
    {
        public long SubmitTimestamp { get; } = submitTimestamp;

        public TaskCompletionSource<(long, string)> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
