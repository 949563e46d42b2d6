namespace BatchNormSharp.Tests.Hardening;

/// <summary>
/// One entry of the bad-input catalogue: what is done wrong, the exception it must raise and the message it must
/// carry (a wildcard pattern naming what was expected and what came).
/// </summary>
/// <param name="Name">The case, as the README's table lists it.</param>
/// <param name="Exception">The public exception type the caller sees, or <see langword="null"/> for a call that must be
/// refused without one (a cancelled fit: it returns, having changed nothing).</param>
/// <param name="MessagePattern">A FluentAssertions wildcard pattern (<c>*</c>, <c>?</c>) the message must match; for a
/// case without an exception, a sentence saying what must happen instead.</param>
/// <param name="Act">The bad call.</param>
/// <param name="Arrange">Legitimate calls that set the scene (a forward pass to go back through, a mode switch),
/// run before the state is captured.</param>
internal sealed record BadInputCase(
    string Name,
    Type? Exception,
    string MessagePattern,
    Action<CatalogueFixture> Act,
    Action<CatalogueFixture>? Arrange = null)
{
    /// <inheritdoc/>
    public override string ToString() => Name;
}
