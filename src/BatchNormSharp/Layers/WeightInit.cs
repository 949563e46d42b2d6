namespace BatchNormSharp;

/// <summary>How <see cref="Dense"/> draws its initial weights.</summary>
public enum WeightInit
{
    /// <summary>
    /// PyTorch's default for <c>nn.Linear</c>: Kaiming-uniform with <c>a = √5</c>, which is
    /// <c>W ~ U(-1/√in, 1/√in)</c>, and bias <c>b ~ U(-1/√in, 1/√in)</c>.
    /// </summary>
    KaimingUniform,

    /// <summary>
    /// Xavier (Glorot) uniform, Keras's default for <c>Dense</c>: <c>W ~ U(-√(6/(in+out)), √(6/(in+out)))</c> and a
    /// zero bias.
    /// </summary>
    XavierUniform,
}
