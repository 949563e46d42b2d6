namespace BatchNormSharp;

/// <summary>
/// A few reusable instances of a stateful helper (an LSTM driver with its working memory), rented by one caller at a
/// time: the thread-safe inference paths rent one per call, so that concurrent callers never share scratch and a
/// steady state creates nothing.
/// </summary>
/// <typeparam name="T">The helper type.</typeparam>
internal sealed class InstancePool<T> where T : class
{
    private readonly Func<T> _create;
    private readonly Stack<T> _free = new();

    /// <summary>Creates an empty pool that makes instances with <paramref name="create"/> when none is free.</summary>
    /// <param name="create">Makes a new instance.</param>
    public InstancePool(Func<T> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        _create = create;
    }

    /// <summary>A free instance, or a new one when every instance is rented.</summary>
    /// <returns>The instance; give it back with <see cref="Return"/>.</returns>
    public T Rent()
    {
        lock (_free)
        {
            if (_free.TryPop(out var instance))
            {
                return instance;
            }
        }
        return _create();
    }

    /// <summary>Gives an instance back for the next caller.</summary>
    /// <param name="instance">An instance from <see cref="Rent"/>.</param>
    public void Return(T instance)
    {
        lock (_free)
        {
            _free.Push(instance);
        }
    }
}
