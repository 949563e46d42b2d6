namespace StockPrices;

/// <summary>What the models learn to predict from a window.</summary>
internal enum ForecastTarget
{
    /// <summary>The next close, min-max scaled with the training range (the seed notebook's framing).</summary>
    Closes,

    /// <summary>The next daily return, standardised with the training returns; the forecast close is the last close
    /// times one plus it.</summary>
    Returns,
}
