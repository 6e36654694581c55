using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.AspNetCore.Tests.Support;
using Vigil.Client;
using Vigil.Tasks;

namespace Vigil.AspNetCore.Tests.Dashboard;

/// <summary>The dashboard's JSON API against a real Kestrel host with a SQLite store and an embedded worker.</summary>
public sealed class DashboardApiTests(VigilWebHost host) : IClassFixture<VigilWebHost>
{
    [Fact]
    public async Task ListTasks_AfterEnqueue_ContainsTheTaskWithItsState()
    {
        // Arrange
        using var http = host.CreateHttpClient();
        var id = await host.EnqueueAsync(VigilWebHost.EchoType, new TestPayload(Text: "listed"), new EnqueueOptions { Queue = "emails" });
        await host.WaitForStateAsync(id, TaskState.Succeeded);

        // Act
        var page = await http.GetFromJsonAsync<JsonElement>("/vigil/api/tasks?queue=emails&state=succeeded&limit=100");

        // Assert
        var task = page.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("id").GetString() == id);
        Assert.Equal("succeeded", task.GetProperty("state").GetString());
        Assert.Equal("emails", task.GetProperty("queue").GetString());
        Assert.Equal(VigilWebHost.EchoType, task.GetProperty("type").GetString());
        Assert.True(page.GetProperty("total").GetInt64() >= 1);
    }

    [Fact]
    public async Task GetTask_Succeeded_ReturnsPayloadResultAndTimeline()
    {
        using var http = host.CreateHttpClient();
        var id = await host.EnqueueAsync(VigilWebHost.EchoType, new TestPayload(Text: "detail"));
        await host.WaitForStateAsync(id, TaskState.Succeeded);

        var task = await http.GetFromJsonAsync<JsonElement>($"/vigil/api/tasks/{id}");

        Assert.Equal("detail", task.GetProperty("payload").GetProperty("text").GetString());
        Assert.Equal("detail", task.GetProperty("result").GetProperty("echo").GetString());
        var attempt = Assert.Single(task.GetProperty("timeline").EnumerateArray());
        Assert.Equal("succeeded", attempt.GetProperty("outcome").GetString());
        Assert.False(string.IsNullOrEmpty(attempt.GetProperty("workerId").GetString()));
        Assert.True(attempt.GetProperty("durationMs").GetDouble() >= 0);
    }

    [Fact]
    public async Task GetTask_DeadTask_ShowsErrorAndStackInTimeline()
    {
        using var http = host.CreateHttpClient();
        var id = await host.EnqueueAsync(VigilWebHost.FailType, new TestPayload(Text: "x"), new EnqueueOptions { MaxAttempts = 2 });
        await host.WaitForStateAsync(id, TaskState.Dead);

        var task = await http.GetFromJsonAsync<JsonElement>($"/vigil/api/tasks/{id}");

        Assert.Equal("dead", task.GetProperty("state").GetString());
        Assert.Contains("boom: x", task.GetProperty("lastError").GetProperty("message").GetString());
        var attempts = task.GetProperty("timeline").EnumerateArray().ToList();
        Assert.Equal(2, attempts.Count);
        Assert.All(attempts, a => Assert.Contains("InvalidOperationException", a.GetProperty("error").GetProperty("stackTrace").GetString()));
    }

    [Fact]
    public async Task GetTask_UnknownId_Returns404Problem()
    {
        using var http = host.CreateHttpClient();

        using var response = await http.GetAsync($"/vigil/api/tasks/{new string('a', 32)}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("does not exist", await DetailAsync(response));
    }

    [Theory]
    [InlineData("/vigil/api/tasks/not-an-id", "Task id 'not-an-id' is invalid")]
    [InlineData("/vigil/api/tasks?state=exploded", "Query parameter 'state' is 'exploded'")]
    [InlineData("/vigil/api/tasks?limit=0", "Query parameter 'limit' is '0'")]
    [InlineData("/vigil/api/tasks?offset=-1", "Query parameter 'offset' is '-1'")]
    [InlineData("/vigil/api/tasks?queue=bad%20queue!", "Queue name 'bad queue!' is invalid")]
    [InlineData("/vigil/api/stats?minutes=100000", "Query parameter 'minutes' is '100000'")]
    public async Task Get_BadInput_Returns400NamingTheProblem(string url, string expected)
    {
        using var http = host.CreateHttpClient();

        using var response = await http.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(expected, await DetailAsync(response));
    }

    [Fact]
    public async Task Enqueue_ValidRequest_Returns201AndTheTaskRuns()
    {
        using var http = host.CreateHttpClient();

        using var response = await VigilWebHost.PostAsync(http, "/vigil/api/tasks", new
        {
            type = VigilWebHost.EchoType,
            payload = new { text = "from the dashboard" },
            queue = "default",
            maxAttempts = 3,
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var task = await host.WaitForStateAsync(id, TaskState.Succeeded);
        Assert.Equal(3, task.MaxAttempts);
        Assert.Contains("from the dashboard", task.Result);
    }

    [Theory]
    [InlineData("{\"payload\":{}}", "Field 'type' is missing")]
    [InlineData("{\"type\":42}", "Field 'type' must be a string")]
    [InlineData("{\"type\":\"test.echo\",\"queue\":\"no spaces allowed\"}", "Queue name 'no spaces allowed' is invalid")]
    [InlineData("{\"type\":\"bad type!\"}", "Task type 'bad type!' is invalid")]
    [InlineData("{\"type\":\"test.echo\",\"maxAttempts\":\"three\"}", "Field 'maxAttempts' is \"three\"")]
    [InlineData("{\"type\":\"test.echo\",\"delaySeconds\":-5}", "Field 'delaySeconds' is -5")]
    [InlineData("{\"type\":\"test.echo\",\"colour\":\"red\"}", "Field 'colour' is unknown")]
    [InlineData("[1,2]", "The request body is a JSON array")]
    [InlineData("{\"type\": ", "The request body is not valid JSON")]
    public async Task Enqueue_BadRequest_Returns400NamingTheProblem(string body, string expected)
    {
        using var http = host.CreateHttpClient();
        var token = await http.GetFromJsonAsync<JsonElement>("/vigil/api/antiforgery");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/vigil/api/tasks")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(token.GetProperty("headerName").GetString()!, token.GetProperty("token").GetString());

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(expected, await DetailAsync(response));
    }

    [Fact]
    public async Task Retry_DeadTask_QueuesItAgainWithAFreshBudget()
    {
        // Arrange
        using var http = host.CreateHttpClient();
        var id = await host.EnqueueAsync(VigilWebHost.FailType, new TestPayload(Text: "retry me"), new EnqueueOptions { MaxAttempts = 1 });
        await host.WaitForStateAsync(id, TaskState.Dead);

        // Act
        using var response = await VigilWebHost.PostAsync(http, $"/vigil/api/tasks/{id}/retry");

        // Assert: it ran again (a second attempt in its timeline) and, failing again, is dead again.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var action = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("retry", action.GetProperty("action").GetString());
        var task = await host.WaitForTaskAsync(id, t => t.State == TaskState.Dead && t.Timeline.Count == 2);
        Assert.Equal(2, task.Attempt);
    }

    [Fact]
    public async Task Retry_SucceededTask_Returns409NamingTheState()
    {
        using var http = host.CreateHttpClient();
        var id = await host.EnqueueAsync(VigilWebHost.EchoType, new TestPayload());
        await host.WaitForStateAsync(id, TaskState.Succeeded);

        using var response = await VigilWebHost.PostAsync(http, $"/vigil/api/tasks/{id}/retry");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("is succeeded: only dead or cancelled tasks can be retried", await DetailAsync(response));
    }

    [Fact]
    public async Task Delete_DeadTask_RemovesIt()
    {
        using var http = host.CreateHttpClient();
        var id = await host.EnqueueAsync(VigilWebHost.FailType, new TestPayload(), new EnqueueOptions { MaxAttempts = 1 });
        await host.WaitForStateAsync(id, TaskState.Dead);

        using var response = await VigilWebHost.PostAsync(http, $"/vigil/api/tasks/{id}/delete");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(await host.Client.GetTaskAsync(id));
        using var again = await http.GetAsync($"/vigil/api/tasks/{id}");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task Cancel_ScheduledTask_BecomesCancelled()
    {
        using var http = host.CreateHttpClient();
        var id = await host.EnqueueAsync(VigilWebHost.EchoType, new TestPayload(), new EnqueueOptions { Delay = TimeSpan.FromHours(1) });

        using var response = await VigilWebHost.PostAsync(http, $"/vigil/api/tasks/{id}/cancel");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("cancelled", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Cancel_RunningTask_EndsCancelledAndCannotBeDeletedWhileRunning()
    {
        // Arrange: a handler that blocks until it is cancelled.
        using var http = host.CreateHttpClient();
        var id = await host.EnqueueAsync(VigilWebHost.BlockType, new TestPayload(Gate: Guid.NewGuid().ToString("N")), new EnqueueOptions { MaxAttempts = 1 });
        await host.WaitForStateAsync(id, TaskState.Running);

        // Act
        using var delete = await VigilWebHost.PostAsync(http, $"/vigil/api/tasks/{id}/delete");
        using var cancel = await VigilWebHost.PostAsync(http, $"/vigil/api/tasks/{id}/cancel");

        // Assert
        Assert.Equal(HttpStatusCode.Conflict, delete.StatusCode);
        Assert.Contains("cancel it first", await DetailAsync(delete));
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        await host.WaitForStateAsync(id, TaskState.Cancelled);
    }

    [Fact]
    public async Task Post_WithoutAntiforgeryToken_Returns403()
    {
        using var http = host.CreateHttpClient();
        var id = await host.EnqueueAsync(VigilWebHost.EchoType, new TestPayload(), new EnqueueOptions { Delay = TimeSpan.FromHours(1) });

        using var response = await http.PostAsync($"/vigil/api/tasks/{id}/cancel", JsonContent.Create(new { }));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("antiforgery", await DetailAsync(response), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(TaskState.Scheduled, (await host.Client.GetTaskAsync(id))!.State);
    }

    [Fact]
    public async Task Post_FromAnotherOrigin_Returns403EvenWithAToken()
    {
        using var http = host.CreateHttpClient();
        var id = await host.EnqueueAsync(VigilWebHost.EchoType, new TestPayload(), new EnqueueOptions { Delay = TimeSpan.FromHours(1) });
        var token = await http.GetFromJsonAsync<JsonElement>("/vigil/api/antiforgery");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/vigil/api/tasks/{id}/cancel") { Content = JsonContent.Create(new { }) };
        request.Headers.Add(token.GetProperty("headerName").GetString()!, token.GetProperty("token").GetString());
        request.Headers.Add("Origin", "http://evil.example");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Origin 'http://evil.example' is not the dashboard's origin", await DetailAsync(response));
        Assert.Equal(TaskState.Scheduled, (await host.Client.GetTaskAsync(id))!.State);
    }

    [Theory]
    [InlineData("/vigil/")]
    [InlineData("/vigil/api/tasks")]
    [InlineData("/vigil/assets/app.js")]
    [InlineData("/vigil/api/hub/negotiate?negotiateVersion=1")]
    public async Task Request_ThroughAProxy_Returns403RemoteAccessRefused(string url)
    {
        using var http = host.CreateHttpClient();
        using var request = new HttpRequestMessage(url.EndsWith("negotiate?negotiateVersion=1", StringComparison.Ordinal) ? HttpMethod.Post : HttpMethod.Get, url);
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("local requests only", await DetailAsync(response));
    }

    [Fact]
    public async Task Queues_AfterEnqueue_ListQueueWithCounts()
    {
        using var http = host.CreateHttpClient();
        var id = await host.EnqueueAsync(VigilWebHost.EchoType, new TestPayload(), new EnqueueOptions { Queue = "emails", Delay = TimeSpan.FromHours(1) });

        var queues = await http.GetFromJsonAsync<JsonElement>("/vigil/api/queues");

        var emails = queues.EnumerateArray().Single(q => q.GetProperty("name").GetString() == "emails");
        Assert.True(emails.GetProperty("delayed").GetInt64() >= 1);
        await host.Client.DeleteAsync(id);
    }

    [Fact]
    public async Task Workers_ListTheEmbeddedWorkerWithItsHeartbeat()
    {
        using var http = host.CreateHttpClient();
        var workers = await Poll.UntilAsync(
            () => http.GetFromJsonAsync<JsonElement>("/vigil/api/workers"), w => w.GetArrayLength() > 0, TimeSpan.FromSeconds(15), "the embedded worker to be listed");
        var worker = workers[0];

        Assert.Equal(JsonValueKind.Object, worker.ValueKind);
        Assert.Contains("emails", worker.GetProperty("queues").EnumerateArray().Select(q => q.GetString()));
        Assert.False(worker.GetProperty("stale").GetBoolean());
        Assert.True(worker.GetProperty("heartbeatAgeSeconds").GetDouble() < 10);
    }

    [Fact]
    public async Task Stats_AfterSuccess_CountSucceededInTheSeries()
    {
        using var http = host.CreateHttpClient();
        var id = await host.EnqueueAsync(VigilWebHost.EchoType, new TestPayload(), new EnqueueOptions { Queue = "emails" });
        await host.WaitForStateAsync(id, TaskState.Succeeded);

        var stats = await http.GetFromJsonAsync<JsonElement>($"/vigil/api/stats?minutes=5&type={VigilWebHost.EchoType}");

        Assert.Equal(5, stats.GetProperty("series").GetArrayLength());
        Assert.True(stats.GetProperty("totals").GetProperty("succeeded").GetInt64() >= 1);
        Assert.True(stats.GetProperty("series").EnumerateArray().Sum(p => p.GetProperty("succeeded").GetInt64()) >= 1);
    }

    [Fact]
    public async Task Page_WithoutSlash_RedirectsAndServesHtmlWithSecurityHeaders()
    {
        using var http = host.CreateHttpClient();

        using var redirect = await http.GetAsync("/vigil");
        using var page = await http.GetAsync("/vigil/");

        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("/vigil/", redirect.Headers.Location?.OriginalString);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("assets/app.js", await page.Content.ReadAsStringAsync());
        Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task Asset_WithItsETag_Returns304()
    {
        using var http = host.CreateHttpClient();
        using var first = await http.GetAsync("/vigil/assets/signalr.min.js");
        var etag = first.Headers.ETag!;

        using var request = new HttpRequestMessage(HttpMethod.Get, "/vigil/assets/signalr.min.js");
        request.Headers.IfNoneMatch.Add(etag);
        using var second = await http.SendAsync(request);
        using var missing = await http.GetAsync("/vigil/assets/nope.js");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    private static async Task<string> DetailAsync(HttpResponseMessage response)
    {
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return problem.GetProperty("detail").GetString() ?? string.Empty;
    }
}
