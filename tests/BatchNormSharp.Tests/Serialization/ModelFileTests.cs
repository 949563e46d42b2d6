using System.Globalization;
using BatchNormSharp.Tests.Helpers;
using SomeUser.Layers;

namespace BatchNormSharp.Tests.Serialization;

public class ModelFileTests
{
    [Fact]
    public void Load_TrainedModel_PredictsBitForBitTheSame()
    {
        var model = TrainedIrisModel(seed: 3);
        var inputs = TrainingData.RandomInputs(40, 4, seed: 4);
        using var folder = new TemporaryFolder();
        string path = folder.File("iris.safetensors");

        ModelFile.Save(model, path);
        var loaded = ModelFile.Load(path);

        TrainingData.AllValues(loaded).Should().Equal(TrainingData.AllValues(model));
        loaded.Predict(inputs).Probabilities.ToArray().Should().Equal(model.Predict(inputs).Probabilities.ToArray());
        loaded.Forward(inputs.Clone(), ForwardMode.Inference).ToArray()
            .Should().Equal(model.Forward(inputs.Clone(), ForwardMode.Inference).ToArray());
    }

    [Fact]
    public void LoadOfType_OuterTypeMatches_ReturnsItTyped()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");
        ModelFile.Save(TrainingData.IrisModel(seed: 1), path);

        Sequential model = ModelFile.Load<Sequential>(path);

        model.Layers.Should().HaveCount(5);
    }

    [Fact]
    public void LoadOfType_OtherOuterType_ThrowsNamingBoth()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("dense.safetensors");
        ModelFile.Save(new Dense(2, 3, seed: 1), path);

        var act = () => ModelFile.Load<Sequential>(path);

        act.Should().Throw<InvalidDataException>()
            .WithMessage("*outermost layer is a Dense, not a Sequential*ModelFile.Load<Dense>(path)*");
    }

    [Fact]
    public void Load_FileWrittenByPyTorch_RebuildsItsModuleAndPredictsItsOutputsTo1e10()
    {
        // tools/pytorch/make_model_file_fixture.py: a float64 torch Sequential (nested, momentum None, affine False,
        // eps 1e-3) trained five steps, written with model_file.save_model, and its eval-mode outputs.
        string fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures");
        using var json = System.Text.Json.JsonDocument.Parse(
            File.ReadAllText(Path.Combine(fixtures, "pytorch_model_file_outputs.json")));
        double[][] Rows(string name) => [.. json.RootElement.GetProperty(name).EnumerateArray()
            .Select(row => row.EnumerateArray().Select(value => value.GetDouble()).ToArray())];

        var model = ModelFile.Load<Sequential>(Path.Combine(fixtures, "pytorch_model_file.safetensors"));
        var outputs = model.Forward(Tensor.FromRows(Rows("inputs")), ForwardMode.Inference);

        model.ToString().Should().Contain("(1): BatchNorm(6, eps=1E-05, momentum=null").And
            .Contain("(1): BatchNorm(5, eps=0.001, momentum=0.1, affine=False");
        Deviation.OfMatrix(outputs, Rows("outputs")).Should().BeLessThanOrEqualTo(1e-10);
    }

    [Fact]
    public void Load_AnyModel_ReturnsItInInferenceMode()
    {
        var loaded = ModelFile.Read(Bytes(TrainingData.NestedModel(seed: 1)));

        loaded.NamedLayers().Select(named => named.Layer.Mode).Should().OnlyContain(mode => mode == ForwardMode.Inference);
    }

    [Theory]
    [InlineData(1e-5, 0.1, true, true, true)]
    [InlineData(1e-3, null, true, true, true)]
    [InlineData(0.30000000000000004, 0.0, false, true, false)]
    [InlineData(1e-300, 1.0, true, false, true)]
    [InlineData(2.5, 0.123456789012345678, false, false, false)]
    public void Load_BatchNormHyperParameters_ComeBackExactly(double eps, double? momentum, bool affine,
        bool trackRunningStats, bool unbiasedRunningVariance)
    {
        var model = new Sequential(new Dense(3, 4, seed: 1),
            new BatchNorm(4, eps, momentum, affine, trackRunningStats) { UnbiasedRunningVariance = unbiasedRunningVariance });

        var batchNorm = (BatchNorm)((Sequential)ModelFile.Read(Bytes(model))).Layers[1];

        batchNorm.NumFeatures.Should().Be(4);
        BitConverter.DoubleToInt64Bits(batchNorm.Eps).Should().Be(BitConverter.DoubleToInt64Bits(eps));
        batchNorm.Momentum.Should().Be(momentum);
        batchNorm.Affine.Should().Be(affine);
        batchNorm.TrackRunningStats.Should().Be(trackRunningStats);
        batchNorm.UnbiasedRunningVariance.Should().Be(unbiasedRunningVariance);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 3)]
    [InlineData(64, 10)]
    public void Load_DenseSizes_ComeBack(int inFeatures, int outFeatures)
    {
        var dense = (Dense)ModelFile.Read(Bytes(new Dense(inFeatures, outFeatures, seed: 2)));

        dense.InFeatures.Should().Be(inFeatures);
        dense.OutFeatures.Should().Be(outFeatures);
    }

    [Theory]
    [InlineData(1e-7)]
    [InlineData(0.1)]
    public void Load_AdaptedNormalization_ComesBackWithEpsilonAndStatistics(double epsilon)
    {
        var scaling = new Normalization(3, epsilon);
        scaling.Adapt(TrainingData.RandomInputs(20, 3, seed: 1));
        var model = new Sequential(scaling, new Dense(3, 2, seed: 2));
        var inputs = TrainingData.RandomInputs(6, 3, seed: 3);

        var loaded = (Sequential)ModelFile.Read(Bytes(model));

        var normalization = loaded.Layers[0].Should().BeOfType<Normalization>().Subject;
        normalization.NumFeatures.Should().Be(3);
        BitConverter.DoubleToInt64Bits(normalization.Epsilon).Should().Be(BitConverter.DoubleToInt64Bits(epsilon));
        normalization.Mean.ToArray().Should().Equal(scaling.Mean.ToArray());
        normalization.Variance.ToArray().Should().Equal(scaling.Variance.ToArray());
        loaded.Predict(inputs).Probabilities.ToArray().Should().Equal(model.Predict(inputs).Probabilities.ToArray());
    }

    [Fact]
    public void Load_NestedSequentials_KeepStructureNamesAndValues()
    {
        var model = new Sequential(
            new Dense(3, 5, seed: 1),
            new Sequential(new BatchNorm(5, momentum: null), new Sequential(new ReLU(), new Dense(5, 2, seed: 2))),
            new Sequential(),
            new ReLU());

        var loaded = ModelFile.Read(Bytes(model));

        loaded.Should().BeOfType<Sequential>();
        loaded.ToString().Should().Be(model.ToString());
        loaded.NamedLayers().Select(named => (named.Name, named.Layer.GetType()))
            .Should().Equal(model.NamedLayers().Select(named => (named.Name, named.Layer.GetType())));
        TrainingData.AllValues(loaded).Should().Equal(TrainingData.AllValues(model));
    }

    [Fact]
    public void Save_SmallModel_WritesPyTorchTensorsAndTheDocumentedMetadata()
    {
        var model = new Sequential(new Dense(2, 3, seed: 1), new BatchNorm(3, momentum: null), new ReLU());
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");

        ModelFile.Save(model, path);
        var state = SafeTensors.Load(path);

        state.Keys.Should().Equal(model.StateDict().Keys);
        state.Metadata.Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["batchnormsharp.format_version"] = "1",
            ["batchnormsharp.architecture"] =
                """{"type":"Sequential","children":[{"name":"0","type":"Dense","config":{"in_features":2,"out_features":3}},""" +
                """{"name":"1","type":"BatchNorm","config":{"num_features":3,"eps":1E-05,"momentum":null,"affine":true,""" +
                """ "track_running_stats":true,"unbiased_running_variance":true}},{"name":"2","type":"ReLU"}]}"""[1..],
        });
    }

    [Fact]
    public void Save_WholeModelFile_StillLoadsAsAPlainStateDictionary()
    {
        var model = TrainedIrisModel(seed: 5);
        var other = TrainingData.IrisModel(seed: 6);

        var result = other.LoadStateDict(SafeTensors.Read(Bytes(model)), strict: true);

        result.MissingKeys.Should().BeEmpty();
        result.UnexpectedKeys.Should().BeEmpty();
        TrainingData.AllValues(other).Should().Equal(TrainingData.AllValues(model));
    }

    [Fact]
    public void Load_UserLayerRegisteredWithOneCall_ComesBackWithItsHyperParametersAndWeights()
    {
        ShiftedScale.Register();
        var scale = new ShiftedScale(3, shift: -0.25);
        TestData.Set(scale.Scale.Value, 2.0, -1.5, 0.1);
        var model = new Sequential(new Dense(2, 3, seed: 1), scale, new ReLU());
        var inputs = TrainingData.RandomInputs(5, 2, seed: 2);

        var loaded = (Sequential)ModelFile.Read(Bytes(model));

        var loadedScale = loaded.Layers[1].Should().BeOfType<ShiftedScale>().Subject;
        loadedScale.Features.Should().Be(3);
        loadedScale.Shift.Should().Be(-0.25);
        loadedScale.Scale.Value.ToArray().Should().Equal(2.0, -1.5, 0.1);
        loaded.Predict(inputs).Probabilities.ToArray().Should().Equal(model.Predict(inputs).Probabilities.ToArray());
    }

    [Fact]
    public void Save_LayerThatCannotDescribeItself_ThrowsSayingHowToRegisterAndLeavesTheFile()
    {
        var model = new Sequential(new Dense(2, 3, seed: 1), new PerFeatureScale(3));
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");
        ModelFile.Save(TrainingData.IrisModel(seed: 1), path);
        byte[] before = File.ReadAllBytes(path);

        var act = () => ModelFile.Save(model, path);

        act.Should().Throw<ArgumentException>().Where(e => e.ParamName == "model").WithMessage(
            "*layer 1 (PerFeatureScale) does not describe itself*Override GetConfig()*" +
            "LayerRegistry.Register(\"PerFeatureScale\"*SafeTensors.Save(model.StateDict(), path)*");
        File.ReadAllBytes(path).Should().Equal(before);
        Directory.GetFiles(folder.Path).Should().Equal(path);
    }

    [Fact]
    public void Save_DescribedTypeThatIsNotRegistered_ThrowsBeforeWriting()
    {
        var model = new Sequential(new Dense(2, 3, seed: 1), new UnregisteredLayer());
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");

        var act = () => ModelFile.Save(model, path);

        act.Should().Throw<ArgumentException>()
            .WithMessage("*would not load back*layer 1*'Unregistered.Layer' is not registered*LayerRegistry.Register*");
        File.Exists(path).Should().BeFalse();
    }

    [Fact]
    public void Save_FactoryThatIgnoresAHyperParameter_ThrowsBeforeWriting()
    {
        ForgetfulLayer.Register();

        var act = () => ModelFile.ToStateDictionary(new ForgetfulLayer(7));

        act.Should().Throw<ArgumentException>().WithMessage("*'size'*does not read*");
    }

    [Fact]
    public void Load_WeightsOnlyFile_ThrowsSayingHowToLoadWeights()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("weights.safetensors");
        SafeTensors.Save(TrainingData.IrisModel(seed: 1).StateDict(), path);
        byte[] before = File.ReadAllBytes(path);

        var act = () => ModelFile.Load(path);

        act.Should().Throw<InvalidDataException>().WithMessage("*weights only*LoadStateDict(SafeTensors.Load(path))*");
        File.ReadAllBytes(path).Should().Equal(before);
    }

    /// <summary>Ways a file's metadata can be damaged, each with the words its error must contain.</summary>
    public static TheoryData<string, string, string> DamagedMetadata => new()
    {
        { "unknown type", "architecture:\"ReLU\"=>\"Swish\"", "*layer 2, its type 'Swish' is not registered*LayerRegistry.Register(\"Swish\"*" },
        { "missing hyper-parameter", "architecture:\"eps\":1E-05,=>", "*in layer 1 (BatchNorm): Hyper-parameter 'eps' (a number) is missing from the description of BatchNorm." },
        { "hyper-parameter of the wrong kind", "architecture:\"affine\":true=>\"affine\":\"yes\"", "*in layer 1 (BatchNorm): Hyper-parameter 'affine' of BatchNorm must be true or false, but is \"yes\"." },
        { "fractional size", "architecture:\"out_features\":3=>\"out_features\":3.5", "*in layer 0 (Dense): Hyper-parameter 'out_features' of Dense must be a whole number*" },
        { "unexpected hyper-parameter", "architecture:\"in_features\":2,=>\"in_features\":2,\"bias\":false,", "*layer 0*'bias'*does not read*" },
        { "value the constructor refuses", "architecture:\"eps\":1E-05=>\"eps\":-1", "*layer 1*factory of BatchNorm refuses*eps must be a finite number greater than 0*" },
        { "malformed JSON", "architecture:]}=>", "*architecture is not valid JSON*" },
        { "not an object", "architecture=[1, 2]", "*outermost layer, its description must be a JSON object, but is an array*" },
        { "unexpected key", "architecture:\"type\":\"ReLU\"=>\"type\":\"ReLU\",\"inplace\":true", "*layer 2, its description has an unexpected key \"inplace\"*" },
        { "no type", "architecture:\"type\":\"ReLU\"=>\"kind\":\"ReLU\"", "*layer 2*unexpected key \"kind\"*" },
        { "children not an array", "architecture={\"type\":\"Sequential\",\"children\":{}}", "*\"children\" must be a JSON array, but is an object*" },
        { "duplicate child names", "architecture:\"name\":\"2\"=>\"name\":\"1\"", "*two children are named \"1\"*" },
        { "children renamed", "architecture:\"name\":\"2\"=>\"name\":\"relu\"", "*names its children [0, 1, relu], but Sequential was built with children [0, 1, 2]*" },
        { "tensors do not fit", "architecture:\"in_features\":2=>\"in_features\":5", "*tensors do not fit the architecture*0.weight*" },
        { "huge Dense", "architecture:\"in_features\":2,\"out_features\":3=>\"in_features\":100000,\"out_features\":100000", "*in layer 0 (Dense): Dense(in_features=100000, out_features=100000) would allocate 10000100000 values, more than the file justifies*" },
        { "huge BatchNorm", "architecture:\"num_features\":3=>\"num_features\":2000000000", "*in layer 1 (BatchNorm): BatchNorm(num_features=2000000000*would allocate 28000000000 values*" },
        { "newer version", "version=2", "*format version 2, written by a newer BatchNormSharp*reads format 1*Update*" },
        { "version not a number", "version=1.0", "*format_version' must be a whole number*\"1.0\"*" },
        { "version zero", "version=0", "*version 0, which never existed*" },
        { "version missing", "version=", "*architecture but no 'batchnormsharp.format_version'*" },
        { "architecture missing", "architecture=", "*format version but no 'batchnormsharp.architecture'*" },
        { "nested too deep", "deep", "*layers nest more than 64 levels deep*" },
    };

    [Theory]
    [MemberData(nameof(DamagedMetadata))]
    public void Load_DamagedMetadata_ThrowsInvalidDataNamingTheProblemAndLeavesTheFile(string damage, string edit,
        string message)
    {
        _ = damage;
        var model = new Sequential(new Dense(2, 3, seed: 1), new BatchNorm(3), new ReLU());
        var state = ModelFile.ToStateDictionary(model);
        Edit(state.Metadata, edit);
        using var folder = new TemporaryFolder();
        string path = folder.File("damaged.safetensors");
        SafeTensors.Save(state, path);
        byte[] before = File.ReadAllBytes(path);

        var act = () => ModelFile.Load(path);

        act.Should().Throw<InvalidDataException>().WithMessage(message);
        File.ReadAllBytes(path).Should().Equal(before);
    }

    [Fact]
    public void Load_ArchitectureMutatedAtRandom_LoadsOrThrowsInvalidDataOnly()
    {
        ShiftedScale.Register();
        var model = new Sequential(new Dense(2, 3, seed: 1), new BatchNorm(3, momentum: null),
            new Sequential(new ReLU(), new ShiftedScale(3, 0.5)), new Dense(3, 2, seed: 2));
        var state = ModelFile.ToStateDictionary(model);
        string original = state.Metadata[ModelFile.ArchitectureKey];
        const string Alphabet = "{}[]\":,0123456789.-eE truefalsnul\\";
        var random = new Random(7);
        int loaded = 0;

        for (int trial = 0; trial < 3000; trial++)
        {
            var chars = new System.Text.StringBuilder(original);
            for (int edit = random.Next(1, 4); edit > 0 && chars.Length > 0; edit--)
            {
                int at = random.Next(chars.Length);
                switch (random.Next(3))
                {
                    case 0: chars.Remove(at, 1); break;
                    case 1: chars.Insert(at, Alphabet[random.Next(Alphabet.Length)]); break;
                    default: chars[at] = Alphabet[random.Next(Alphabet.Length)]; break;
                }
            }
            state.Metadata[ModelFile.ArchitectureKey] = chars.ToString();

            try
            {
                ModelFile.FromStateDictionary(state);
                loaded++;
            }
            catch (InvalidDataException)
            {
            }
            catch (Exception other)
            {
                throw new Xunit.Sdk.XunitException(
                    $"Architecture {chars} gave {other.GetType().Name} instead of InvalidDataException: {other}");
            }
        }

        loaded.Should().BeLessThan(3000, "most mutations damage the architecture");
    }

    [Fact]
    public void Copy_TrainedModelWithAUserLayer_IsIndependentAndPredictsTheSame()
    {
        ShiftedScale.Register();
        var model = new Sequential(TrainedIrisModel(seed: 8), new ShiftedScale(3, shift: 1.5));
        model.Eval();
        var inputs = TrainingData.RandomInputs(9, 4, seed: 9);

        Sequential copy = ModelFile.Copy(model);
        copy.Train().Forward(inputs.Clone());

        copy.Should().NotBeSameAs(model);
        model.Mode.Should().Be(ForwardMode.Inference);
        TrainingData.AllValues(copy).Should().NotEqual(TrainingData.AllValues(model), "the copy's training moved only its own statistics");
        var fresh = ModelFile.Copy(model);
        fresh.Mode.Should().Be(ForwardMode.Inference);
        TrainingData.AllValues(fresh).Should().Equal(TrainingData.AllValues(model));
        fresh.Predict(inputs).Probabilities.ToArray().Should().Equal(model.Predict(inputs).Probabilities.ToArray());
    }

    [Fact]
    public void Copy_LayerThatCannotDescribeItself_ThrowsNamingIt()
    {
        var act = () => ModelFile.Copy(new Sequential(new PerFeatureScale(2)));

        act.Should().Throw<ArgumentException>().WithMessage("*layer 0 (PerFeatureScale) does not describe itself*");
    }

    [Fact]
    public void Load_SixtyFourLevelsOfNesting_Loads()
    {
        Layer model = new ReLU();
        for (int i = 0; i < ModelArchitecture.MaxNesting; i++)
        {
            model = new Sequential(model);
        }

        var loaded = ModelFile.Read(Bytes(model));

        loaded.NamedLayers().Should().HaveCount(ModelArchitecture.MaxNesting + 1);
    }

    /// <summary>Applies <c>architecture:OLD=&gt;NEW</c> (a replacement that must match), <c>architecture=TEXT</c>,
    /// <c>version=TEXT</c> (empty removes the key) or <c>deep</c> (65 nested Sequentials).</summary>
    private static void Edit(IDictionary<string, string> metadata, string edit)
    {
        const string Architecture = ModelFile.ArchitectureKey, Version = ModelFile.FormatVersionKey;
        if (edit == "deep")
        {
            string json = """{"type":"ReLU"}""";
            for (int i = 0; i <= ModelArchitecture.MaxNesting; i++)
            {
                json = """{"type":"Sequential","children":[{"name":"0",""" + json[1..] + "]}";
            }
            metadata[Architecture] = json;
            return;
        }
        string[] keyAndRest = edit.Split(['=', ':'], 2);
        string key = keyAndRest[0] == "version" ? Version : Architecture;
        if (edit[keyAndRest[0].Length] == '=')
        {
            if (keyAndRest[1].Length == 0)
            {
                metadata.Remove(key);
            }
            else
            {
                metadata[key] = keyAndRest[1];
            }
            return;
        }
        string[] oldAndNew = keyAndRest[1].Split("=>");
        metadata[key].Should().Contain(oldAndNew[0], "the edit must change something");
        int at = metadata[key].IndexOf(oldAndNew[0], StringComparison.Ordinal);
        metadata[key] = string.Concat(metadata[key].AsSpan(0, at), oldAndNew[1], metadata[key].AsSpan(at + oldAndNew[0].Length));
    }

    private static byte[] Bytes(Layer model)
    {
        using var stream = new MemoryStream();
        ModelFile.Write(model, stream);
        return stream.ToArray();
    }

    /// <summary>The Iris model after a few training batches and with weights moved off their initial values, so that
    /// every parameter and buffer holds something a fresh model would not.</summary>
    private static Sequential TrainedIrisModel(int seed)
    {
        var model = TrainingData.IrisModel(seed);
        for (int batch = 0; batch < 3; batch++)
        {
            model.Forward(TrainingData.RandomInputs(16, 4, seed + batch), ForwardMode.Training);
        }
        var random = new Random(seed);
        foreach (var parameter in model.Parameters)
        {
            Span<double> values = parameter.Value.AsSpan();
            for (int i = 0; i < values.Length; i++)
            {
                values[i] += random.NextDouble() - 0.5;
            }
        }
        return model;
    }

    /// <summary>Describes itself under a type name no one registers.</summary>
    private sealed class UnregisteredLayer : Layer
    {
        public override LayerConfig GetConfig() => new("Unregistered.Layer");

        public override int[] OutputShape(ReadOnlySpan<int> inputShape, ForwardMode mode) => inputShape.ToArray();

        protected override void InferCore(ReadOnlySpan<double> input, ReadOnlySpan<int> inputShape, Span<double> output) =>
            input.CopyTo(output);

        protected override Tensor? BackwardCore(Tensor outputGradient, bool computeInputGradient) => outputGradient;
    }

    /// <summary>Writes a hyper-parameter its registered factory never reads.</summary>
    private sealed class ForgetfulLayer(int size) : Layer
    {
        private static readonly Lazy<bool> s_registered = new(() =>
        {
            LayerRegistry.Register("Tests.Forgetful", _ => new ForgetfulLayer(1));
            return true;
        });

        public static void Register() => _ = s_registered.Value;

        public override LayerConfig GetConfig() => new LayerConfig("Tests.Forgetful").Set("size", size);

        public override int[] OutputShape(ReadOnlySpan<int> inputShape, ForwardMode mode) => inputShape.ToArray();

        protected override void InferCore(ReadOnlySpan<double> input, ReadOnlySpan<int> inputShape, Span<double> output) =>
            input.CopyTo(output);

        protected override Tensor? BackwardCore(Tensor outputGradient, bool computeInputGradient) => outputGradient;
    }
}
