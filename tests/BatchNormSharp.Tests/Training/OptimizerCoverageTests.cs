using BatchNormSharp.Tests.Helpers;

namespace BatchNormSharp.Tests.Training;

/// <summary>
/// A trainer refuses an optimizer that does not update exactly its model's parameters, which would otherwise train
/// nothing while reporting losses (issue 13, item 4).
/// </summary>
public class OptimizerCoverageTests
{
    [Fact]
    public void Constructor_OptimizerOfAnotherModel_ThrowsNamingTheMismatch()
    {
        var model = TrainingData.IrisModel(seed: 1);
        var other = TrainingData.IrisModel(seed: 1);

        var act = () => new Trainer(model, new SgdMomentum(other.Parameters, 0.1, 0.9));

        act.Should().Throw<ArgumentException>()
            .WithMessage("The optimizer must update exactly the parameters of the model it trains, but it does not " +
                         "(8 optimizer parameters, 8 model parameters):*Not parameters of the model (8): optimizer " +
                         "parameter 0 (weight [4, 10])*Model parameters the optimizer does not update (8): 0.weight [4, 10]*" +
                         "Build the optimizer over this model*")
            .Which.ParamName.Should().Be("optimizer");
    }

    [Fact]
    public void Constructor_OptimizerOverSomeParameters_ThrowsNamingTheMissingOnes()
    {
        var model = TrainingData.IrisModel(seed: 1);

        var act = () => new Trainer(model, new SgdMomentum(model.Parameters.Take(6), 0.1));

        act.Should().Throw<ArgumentException>()
            .WithMessage("*(6 optimizer parameters, 8 model parameters):*Model parameters the optimizer does not " +
                         "update (2): 4.weight [3], 4.bias [3].*");
    }

    [Fact]
    public void Constructor_OptimizerWithAForeignParameterBesideTheModels_Throws()
    {
        var model = TrainingData.IrisModel(seed: 1);
        var stray = new Parameter("weight", Tensor.Zeros(2));

        var act = () => new Trainer(model, new SgdMomentum([.. model.Parameters, stray], 0.1));

        act.Should().Throw<ArgumentException>().WithMessage("*Not parameters of the model (1): optimizer parameter 8 (weight [2])*");
    }

    [Fact]
    public void SgdMomentum_AParameterListedTwice_ThrowsBeforeATrainerIsBuilt()
    {
        var model = TrainingData.IrisModel(seed: 1);

        var act = () => new SgdMomentum([.. model.Parameters, model.Parameters[3]], 0.1);

        act.Should().Throw<ArgumentException>().WithMessage("Each parameter may be listed once*");
    }

    [Fact]
    public void Constructor_OptimizerOverTheModelsParametersInAnotherOrder_IsAccepted()
    {
        var model = TrainingData.IrisModel(seed: 1);

        var trainer = new Trainer(model, new SgdMomentum(model.Parameters.Reverse(), 0.1));

        trainer.Optimizer.Parameters.Should().HaveCount(8);
    }

    [Fact]
    public void SgdMomentum_ANullParameter_ThrowsArgumentExceptionNamingItsPosition()
    {
        var model = TrainingData.IrisModel(seed: 1);

        var act = () => new SgdMomentum([model.Parameters[0], null!], 0.1);

        act.Should().Throw<ArgumentException>()
            .WithMessage("Expected a parameter at every position, but parameter 1 is null. Pass model.Parameters.*");
    }
}
