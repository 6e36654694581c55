using Microsoft.AspNetCore.Http.HttpResults;
using Vigil.Client;
using Vigil.Samples.RealtimeApp.Reports;

// A small real-time web app built on Vigil the way an application would use it:
//   POST /reports        enqueues a "reports.generate" task from a web request and answers with its id at once;
//   /hub                 the Vigil SignalR hub: the page subscribes to the task and gets progress and the result live;
//   /vigil               the Vigil dashboard (local requests only).
// Run: dotnet run --project samples/Vigil.Samples.RealtimeApp, then open http://127.0.0.1:5080/.
var builder = WebApplication.CreateBuilder(args);
builder.WebHost.UseUrls(builder.Configuration["Urls"] ?? "http://127.0.0.1:5080");

var database = builder.Configuration["Sample:Database"]
    ?? Path.Combine(builder.Environment.ContentRootPath, "App_Data", "realtime-sample.db");

builder.Services.AddSingleton(TimeProvider.System);
// AddVigil binds the "Vigil" section of appsettings.json (and Vigil__* environment variables): there, reports get their
// own queue, apart from short real-time work (DESIGN.md: long work apart), with 4 slots. A bad value stops the start
// with a message naming the key.
builder.Services
    .AddVigil()
    .UseSqlite(database)
    .AddHandler<ReportGenerator, ReportRequest, ReportResult>(ReportGenerator.TaskType)
    .AddVigilDashboard();

var app = builder.Build();
app.UseDefaultFiles();
app.UseStaticFiles();
app.MapVigilHub("/hub");
app.MapVigilDashboard("/vigil");

app.MapPost("/reports", async Task<Results<Accepted<ReportAccepted>, ValidationProblem>> (ReportForm form, IVigilClient vigil, CancellationToken cancellationToken) =>
{
    var errors = new Dictionary<string, string[]>();
    if (string.IsNullOrWhiteSpace(form.Title) || form.Title.Length > 200)
    {
        errors["title"] = ["Give a title of 1 to 200 characters."];
    }

    if (form.Sections is < 1 or > 50)
    {
        errors["sections"] = ["Give 1 to 50 sections."];
    }

    if (errors.Count > 0)
    {
        return TypedResults.ValidationProblem(errors);
    }

    // The id comes back only once the task is stored: from here on it is run to success or dead, never lost.
    var id = await vigil.EnqueueAsync(
        ReportGenerator.TaskType,
        new ReportRequest(form.Title!.Trim(), form.Sections),
        new EnqueueOptions { Queue = "reports", MaxAttempts = 3, Timeout = TimeSpan.FromMinutes(2) },
        cancellationToken).ConfigureAwait(false);
    return TypedResults.Accepted($"/reports/{id}", new ReportAccepted(id));
});

app.Run();
