// Runs an exported ONNX model in ONNX Runtime on the rows of a CSV and compares its output with the CSV's expected
// values; exits with 1 when they differ by more than the tolerance. CI runs it on the Iris sample's export.
//
// Usage: dotnet run --project tests/OnnxCheck -- MODEL.onnx EXPECTED.csv [--tolerance 1e-12]
//   EXPECTED.csv: a header of x* (input) columns then p* (expected output) columns, one row per sample, as the Iris
//   sample's --predictions writes it. The model must take float64 'input' [batch, #x] and give 'output' [batch, #p].
//   The deviation of a row is max |onnx - expected| / max |expected| over the row.
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

if (args.Length < 2)
{
    Console.Error.WriteLine("Usage: OnnxCheck MODEL.onnx EXPECTED.csv [--tolerance 1e-12]");
    return 2;
}
string modelPath = args[0], csvPath = args[1];
int at = Array.IndexOf(args, "--tolerance");
double tolerance = at >= 0 && at + 1 < args.Length ? double.Parse(args[at + 1], CultureInfo.InvariantCulture) : 1e-12;

string[] lines = [.. File.ReadLines(csvPath).Where(l => l.Length > 0)];
string[] header = lines[0].Split(',');
int inputs = header.Count(h => h.StartsWith('x')), outputs = header.Length - inputs;
double[][] rows = [.. lines.Skip(1).Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray())];

using var session = new InferenceSession(modelPath);
var input = new DenseTensor<double>(rows.SelectMany(r => r.Take(inputs)).ToArray(), [rows.Length, inputs]);
using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", input)]);
double[] actual = results.Single(r => r.Name == "output").AsTensor<double>().ToArray();
if (actual.Length != rows.Length * outputs)
{
    Console.Error.WriteLine($"ONNX output has {actual.Length} values; expected {rows.Length} rows x {outputs}.");
    return 1;
}

double worst = 0;
int worstRow = 0, disagreements = 0;
for (int i = 0; i < rows.Length; i++)
{
    double[] expected = rows[i][inputs..];
    double scale = expected.Max(Math.Abs);
    double deviation = Enumerable.Range(0, outputs).Max(j => Math.Abs(actual[(i * outputs) + j] - expected[j])) / scale;
    if (double.IsNaN(deviation) || deviation > worst)
    {
        (worst, worstRow) = (double.IsNaN(deviation) ? double.PositiveInfinity : deviation, i);
    }
    int Argmax(Func<int, double> value) => Enumerable.Range(0, outputs).MaxBy(value);
    if (Argmax(j => actual[(i * outputs) + j]) != Argmax(j => expected[j]))
    {
        disagreements++;
    }
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"ONNX Runtime vs library on {rows.Length} rows: largest deviation {worst:E2} (row {worstRow}), " +
    $"{disagreements} class disagreements, tolerance {tolerance:E0}"));
if (worst > tolerance || disagreements > 0)
{
    Console.Error.WriteLine("ONNX Runtime's predictions differ from the library's.");
    return 1;
}
return 0;
