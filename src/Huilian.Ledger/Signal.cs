namespace Huilian.Ledger;

/// <summary>A wake-up that coalesces: any number of <see cref="Set"/> calls wake one waiter once.</summary>
public sealed class Signal
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Set()
    {
        if (_semaphore.CurrentCount == 0)
        {
            try
            {
                _semaphore.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another thread set it first: the waiter wakes either way.
            }
        }
    }

    /// <summary>Waits until set or until <paramref name="timeout"/>; true when set.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _semaphore.WaitAsync(timeout, cancellationToken);
}
