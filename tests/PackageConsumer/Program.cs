// What a NuGet user writes first. If the library's root namespace were also a type name (say `BatchNorm`),
// `new BatchNorm(3)` below would fail to compile with CS0118: this program exists to catch that.
using BatchNormSharp;

var random = new Random(7);
var x = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 5 }, { -1, 0 }, { 4, -2 } });
int[] labels = [0, 1, 2, 1];

var dense = new Dense(2, 3, random);
var batchNorm = new BatchNorm(3);
var loss = new SoftmaxCrossEntropy();
var optimizer = new SgdMomentum([.. dense.Parameters, .. batchNorm.Parameters], learningRate: 0.1, momentum: 0.9);

double before = loss.Forward(batchNorm.Forward(dense.Forward(x, ForwardMode.Training), ForwardMode.Training), labels);
dense.Backward(batchNorm.Backward(loss.Backward()));
optimizer.Step();

Console.WriteLine($"consumer: one training step, loss {before:F4}, running mean [{string.Join(", ", batchNorm.RunningMean!.ToArray().Select(v => v.ToString("F4")))}], batches tracked {batchNorm.NumBatchesTracked}");
if (batchNorm.NumBatchesTracked != 1 || !double.IsFinite(before))
{
    Console.Error.WriteLine("consumer: unexpected state after one step");
    return 1;
}
return 0;
