using System.Collections.Concurrent;
using System.Threading.Channels;
using Huilian.Replica;
using Huilian.Replica.Wire;
using Microsoft.Extensions.Hosting;

namespace Huilian.Node.Hosting;

/// <summary>
/// Runs the node's <see cref="ConsensusReplica"/> on one thread: peer messages, timers and admitted transactions
/// become events in one queue, handled one at a time. Transactions gossiped by peers are admitted on the transport
/// threads (the mempool is thread-safe); only a wake-up crosses into the queue.
/// </summary>
public sealed class ReplicaService : BackgroundService, IReplicaEnvironment
{
    private const int QueueCapacity = 100_000;

    private readonly NodeRuntime _node;
    private readonly ILogger<ReplicaService> _logger;
    private readonly Channel<ReplicaEvent> _events = Channel.CreateBounded<ReplicaEvent>(new BoundedChannelOptions(QueueCapacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.DropWrite,
    });
    private readonly ConcurrentQueue<byte[]> _admitted = new();
    private int _admittedSignalled;
    private CancellationToken _stopping;
    private long _snapshotAtMs;

    public ReplicaService(NodeRuntime node, ILogger<ReplicaService> logger)
    {
        _node = node;
        _logger = logger;
        node.Transport.FrameReceived += OnFrame;
        node.Transport.PeerConnected += peer => Post(new PeerConnectedEvent(peer));
        node.TransactionAdmitted += OnAdmitted;
        if (node.Transport is TlsPeerTransport tls)
        {
            tls.Log = message => _logger.LogInformation("{Message}", message);
        }
    }

    public long NowMs => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public IReadOnlyList<string> Peers => _node.Transport.ConnectedPeers;

    public void Send(string peer, WireMessage message) => _node.Transport.Send(peer, message.Encode());

    public void Broadcast(WireMessage message) => _node.Transport.Broadcast(message.Encode());

    public void Schedule(long delayMs, ReplicaTimer timer) =>
        _ = Task.Delay(TimeSpan.FromMilliseconds(Math.Max(1, delayMs)), _stopping).ContinueWith(
            task =>
            {
                if (!task.IsCanceled)
                {
                    Post(new TimerEvent(timer));
                }
            },
            TaskScheduler.Default);

    public void Penalize(string peer, int points, string reason)
    {
        _logger.LogWarning("Peer {Peer} penalised by {Points}: {Reason}", peer, points, reason);
        _node.Transport.Penalize(peer, points, reason);
    }

    public void Log(ReplicaLogLevel level, string message) => _logger.Log(level switch
    {
        ReplicaLogLevel.Debug => LogLevel.Debug,
        ReplicaLogLevel.Information => LogLevel.Information,
        _ => LogLevel.Warning,
    }, "{Message}", message);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        await Task.Yield();
        await _node.Transport.StartAsync(stoppingToken);
        var replica = _node.CreateReplica(this);
        replica.Start();
        _node.ReplicaStatus = replica.Snapshot();
        // Consensus runs on a thread of its own, not on the thread pool: under load the pool is busy with requests
        // and signature checks, and a consensus step waiting in its queue is a round that may time out.
        await Task.Factory.StartNew(() => Loop(replica, stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default)
            .ContinueWith(task =>
            {
                if (task.Exception is { } failure)
                {
                    throw failure.InnerException ?? failure;
                }
            }, TaskScheduler.Default);
    }

    private void Loop(ConsensusReplica replica, CancellationToken stoppingToken)
    {
        Thread.CurrentThread.Name = "huilian-consensus";
        RaisePriority();
        var reader = _events.Reader;
        try
        {
            while (reader.WaitToReadAsync(stoppingToken).AsTask().GetAwaiter().GetResult())
            {
                while (reader.TryRead(out var item))
                {
                    try
                    {
                        Handle(replica, item);
                        var now = Environment.TickCount64;
                        if (now - _snapshotAtMs >= 100)
                        {
                            _snapshotAtMs = now;
                            _node.ReplicaStatus = replica.Snapshot();
                        }
                    }
                    catch (Exception exception) when (exception is not OutOfMemoryException)
                    {
                        // A failing commit means storage is failing: stop rather than carry on with a state nobody checked.
                        _logger.LogCritical(exception, "Consensus failed handling {Event}; this node stops.", item.GetType().Name);
                        throw;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Gives the consensus thread a higher scheduling priority than request handling (Linux: nice -10 for this
    /// thread), so that under overload the node keeps ordering and committing what it has accepted instead of
    /// sharing the CPU evenly with admissions it will refuse anyway. Needs CAP_SYS_NICE; without it, nothing changes.
    /// </summary>
    private void RaisePriority()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        try
        {
            var tid = Native.GetTid();
            if (Native.SetPriority(0 /* PRIO_PROCESS: for Linux, one thread */, tid, -10) != 0)
            {
                _logger.LogInformation("The consensus thread keeps normal priority (setpriority failed: errno {Errno}; CAP_SYS_NICE allows it).",
                    System.Runtime.InteropServices.Marshal.GetLastPInvokeError());
            }
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
        }
    }

    private static class Native
    {
        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "gettid", SetLastError = true)]
        public static extern int GetTid();

        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "setpriority", SetLastError = true)]
        public static extern int SetPriority(int which, int who, int priority);
    }

    private void Handle(ConsensusReplica replica, ReplicaEvent item)
    {
        switch (item)
        {
            case MessageEvent message:
                replica.OnMessage(message.Peer, message.Message);
                break;
            case TimerEvent timer:
                replica.OnTimer(timer.Timer);
                break;
            case AdmittedEvent:
                Interlocked.Exchange(ref _admittedSignalled, 0);
                var batch = new List<byte[]>();
                while (batch.Count < WireMessage.TransactionsPerMessageMax * 4 && _admitted.TryDequeue(out var transaction))
                {
                    batch.Add(transaction);
                }
                replica.OnTransactionsAdmitted(batch);
                if (!_admitted.IsEmpty)
                {
                    SignalAdmitted();
                }
                break;
            case TransactionsArrivedEvent:
                replica.OnTransactionsArrived();
                break;
            case PeerConnectedEvent connected:
                Send(connected.Peer, replica.Hello());
                break;
        }
    }

    private void OnFrame(string peer, byte[] frame)
    {
        WireMessage message;
        try
        {
            message = WireMessage.Decode(frame);
        }
        catch (Core.Codec.EncodingException exception)
        {
            Penalize(peer, 20, $"malformed message: {exception.Message}");
            return;
        }
        if (message is TransactionsMessage transactions)
        {
            // Verified and admitted here, on the transport's thread, in parallel with consensus.
            foreach (var bytes in transactions.Transactions)
            {
                var result = _node.Mempool.Admit(bytes);
                // A bad signature or malformed bytes cannot be an honest peer's mistake (it verified them itself);
                // other refusals (nonce already used, mempool full) can be, when views differ for a moment.
                if (result.Refusal?.Code is Execution.Host.ResultCodes.SignatureInvalid or Execution.Host.ResultCodes.TransactionMalformed or Execution.Host.ResultCodes.ChainIdMismatch)
                {
                    Penalize(peer, 20, $"gossiped transaction refused: {result.Refusal.Code}");
                }
            }
            Post(new TransactionsArrivedEvent());
            return;
        }
        Post(new MessageEvent(peer, message));
    }

    private void OnAdmitted(byte[] transaction)
    {
        _admitted.Enqueue(transaction);
        SignalAdmitted();
    }

    private void SignalAdmitted()
    {
        if (Interlocked.Exchange(ref _admittedSignalled, 1) == 0)
        {
            Post(new AdmittedEvent());
        }
    }

    private void Post(ReplicaEvent item)
    {
        if (!_events.Writer.TryWrite(item))
        {
            _logger.LogWarning("The consensus queue is full; dropping a {Event}.", item.GetType().Name);
        }
    }

    private abstract record ReplicaEvent;

    private sealed record MessageEvent(string Peer, WireMessage Message) : ReplicaEvent;

    private sealed record TimerEvent(ReplicaTimer Timer) : ReplicaEvent;

    private sealed record AdmittedEvent : ReplicaEvent;

    private sealed record TransactionsArrivedEvent : ReplicaEvent;

    private sealed record PeerConnectedEvent(string Peer) : ReplicaEvent;
}
