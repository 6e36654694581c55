namespace Vigil.Tests;

public class VigilOptionsValidatorTests
{
    private static VigilOptionsValidator CreateSut() => new();

    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        var result = CreateSut().Validate(null, new VigilOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_ManyProblems_ReportsEveryOneInOneResult()
    {
        // Arrange
        var options = new VigilOptions
        {
            DefaultQueue = "my queue!",
            Concurrency = 0,
            DefaultMaxAttempts = 1001,
            LeaseDuration = TimeSpan.FromSeconds(10),
            LeaseRenewInterval = TimeSpan.FromSeconds(10),
            RetryJitter = 1.5,
            PollInterval = TimeSpan.Zero,
        };
        options.Queues.Add("bad/queue");

        // Act
        var result = CreateSut().Validate(null, options);

        // Assert
        Assert.True(result.Failed);
        var message = result.FailureMessage;
        Assert.Contains("DefaultQueue: Queue name 'my queue!' is invalid", message);
        Assert.Contains("Queue name 'bad/queue' is invalid", message);
        Assert.Contains("Concurrency is 0: use a value from 1 to 1024", message);
        Assert.Contains("DefaultMaxAttempts is 1001: use a value from 1 to 1000", message);
        Assert.Contains("LeaseRenewInterval (00:00:10) must be shorter than LeaseDuration (00:00:10)", message);
        Assert.Contains("RetryJitter is 1.5", message);
        Assert.Contains("PollInterval is 00:00:00", message);
        Assert.Equal(7, result.Failures!.Count());
    }

    [Fact]
    public void Validate_NoQueues_Fails()
    {
        var options = new VigilOptions();
        options.Queues.Clear();

        var result = CreateSut().Validate(null, options);

        Assert.Contains("Queues is empty", result.FailureMessage);
    }

    [Fact]
    public void Validate_DuplicateAndPrivateQueues_Fail()
    {
        var options = new VigilOptions();
        options.Queues.Add("default");
        options.Queues.Add("_worker.someone");

        var result = CreateSut().Validate(null, options);

        Assert.Contains("'default' listed more than once", result.FailureMessage);
        Assert.Contains("'_worker.someone' is a worker's private queue", result.FailureMessage);
    }

    [Fact]
    public void Validate_RetryMaxBelowBase_Fails()
    {
        var options = new VigilOptions { RetryBaseDelay = TimeSpan.FromMinutes(5), RetryMaxDelay = TimeSpan.FromMinutes(1) };

        var result = CreateSut().Validate(null, options);

        Assert.Contains("RetryMaxDelay (00:01:00) is shorter than RetryBaseDelay (00:05:00)", result.FailureMessage);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1024)]
    public void Validate_ConcurrencyAtBounds_Succeeds(int concurrency)
    {
        var result = CreateSut().Validate(null, new VigilOptions { Concurrency = concurrency });

        Assert.True(result.Succeeded, result.FailureMessage);
    }
}
