using System.Text.Json.Nodes;
using LiveMux.Hub;
using LiveMux.Server.Egress.Mse;
using LiveMux.Server.Endpoints;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LiveMux.Server.Api;

/// <summary>
/// The stream management endpoints. Every change goes to the streams file and is applied by the
/// <see cref="StreamReconciler"/> before the response, so the response shows the stream as it now runs.
/// <code>
///   GET    /api/streams          list (also config and demo streams, and ~h264 companions)
///   GET    /api/streams/{name}   one
///   POST   /api/streams          add        201 | 400 | 409 exists
///   PUT    /api/streams/{name}   replace    200 | 400 | 404 | 409 not the API's
///   DELETE /api/streams/{name}   remove     204 | 404 | 409 not the API's
/// </code>
/// </summary>
internal static class StreamApi
{
    public static RouteGroupBuilder MapStreamApi(this RouteGroupBuilder api)
    {
        api.MapGet("/streams", StreamsEndpoint.Handle).WithName("ListStreams").WithTags("streams");
        api.MapGet("/streams/{name}", Get).WithName("GetStream").WithTags("streams")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/streams", CreateAsync).WithName("CreateStream").WithTags("streams").Accepts<StreamInput>("application/json")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPut("/streams/{name}", UpdateAsync).WithName("UpdateStream").WithTags("streams").Accepts<StreamInput>("application/json")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        api.MapDelete("/streams/{name}", DeleteAsync).WithName("DeleteStream").WithTags("streams")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }

    internal static Results<Ok<StreamView>, ProblemHttpResult> Get(string name, StreamHub hub, StreamReconciler reconciler, MseEgress mse) =>
        hub.TryGet(name, out var stream)
            ? TypedResults.Ok(StreamsEndpoint.Describe(stream, hub, reconciler, mse))
            : NotFound(name);

    internal static async Task<Results<Created<StreamView>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpRequest request, StreamHub hub, StreamReconciler reconciler, MseEgress mse, StreamsFile file, ApiFfmpegPolicy policy, ILogger<StreamReconciler> logger, CancellationToken ct)
    {
        var (input, bodyErrors) = await StreamInputReader.ReadAsync(request, ct);
        if (input is null)
        {
            return TypedResults.ValidationProblem(bodyErrors!);
        }

        if (string.IsNullOrEmpty(input.Name))
        {
            return TypedResults.ValidationProblem(StreamInputReader.One("name", "required"));
        }

        var name = input.Name;
        var refused = await reconciler.WriteAsync<IResult?>(() =>
            hub.TryGet(name, out _) || reconciler.IsFromConfiguration(name) || file.Read(name) is not null
                ? (IResult)Problem(StatusCodes.Status409Conflict, "Stream exists", $"stream '{Truncate(name)}' exists")
                : Save(name, input, stored: null, file, policy),
            ct);

        switch (refused)
        {
            case ValidationProblem validation:
                return validation;
            case ProblemHttpResult problem:
                return problem;
        }

        ApiLog.ApiChange(logger, name, "added");
        return hub.TryGet(name, out var stream)
            ? TypedResults.Created($"/api/streams/{Uri.EscapeDataString(name)}", StreamsEndpoint.Describe(stream, hub, reconciler, mse))
            : NotApplied(name);
    }

    internal static async Task<Results<Ok<StreamView>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string name, HttpRequest request, StreamHub hub, StreamReconciler reconciler, MseEgress mse, StreamsFile file, ApiFfmpegPolicy policy, ILogger<StreamReconciler> logger, CancellationToken ct)
    {
        var (input, bodyErrors) = await StreamInputReader.ReadAsync(request, ct);
        if (input is null)
        {
            return TypedResults.ValidationProblem(bodyErrors!);
        }

        if (input.Name is not null && input.Name != name)
        {
            return TypedResults.ValidationProblem(StreamInputReader.One("name", $"must be '{Truncate(name)}', the name in the path (a stream cannot be renamed)"));
        }

        var refused = await reconciler.WriteAsync<IResult?>(() =>
            (IResult?)NotTheApis(name, hub, reconciler)
            ?? (file.Read(name) is { } stored ? Save(name, input, stored, file, policy) : NotFound(name)),
            ct);

        switch (refused)
        {
            case ValidationProblem validation:
                return validation;
            case ProblemHttpResult problem:
                return problem;
        }

        ApiLog.ApiChange(logger, name, "changed");
        return hub.TryGet(name, out var stream)
            ? TypedResults.Ok(StreamsEndpoint.Describe(stream, hub, reconciler, mse))
            : NotApplied(name);
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string name, StreamHub hub, StreamReconciler reconciler, StreamsFile file, ILogger<StreamReconciler> logger, CancellationToken ct)
    {
        var refused = await reconciler.WriteAsync<ProblemHttpResult?>(() =>
        {
            if (NotTheApis(name, hub, reconciler) is { } problem)
            {
                return problem;
            }

            if (file.Read(name) is null)
            {
                return NotFound(name);
            }

            file.Write(name, null);
            return null;
        }, ct);

        if (refused is not null)
        {
            return refused;
        }

        ApiLog.ApiChange(logger, name, "removed");
        return TypedResults.NoContent();
    }

    /// <summary>Validates, then writes the entry; a validation problem when it is not valid.</summary>
    private static ValidationProblem? Save(string name, StreamInput input, JsonObject? stored, StreamsFile file, ApiFfmpegPolicy policy)
    {
        var errors = new List<OptionError>();
        var entry = StreamEntry.Build(input, stored, errors);
        if (errors.Count == 0)
        {
            StreamEntry.Validate(name, entry, policy, errors);
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors
                .GroupBy(e => e.Field.Length == 0 ? "body" : e.Field)
                .ToDictionary(g => g.Key, g => g.Select(e => WithoutKey(name, e.Message)).Distinct().ToArray()));
        }

        file.Write(name, entry);
        return null;
    }

    // The validator names configuration keys for start-up logs; here the field is the error's key already.
    private static string WithoutKey(string name, string message)
    {
        var key = $"LiveMux:Streams:{name}";
        return message.StartsWith(key + ": ", StringComparison.Ordinal) ? message[(key.Length + 2)..]
            : message.StartsWith(key + ":", StringComparison.Ordinal) ? message[(key.Length + 1)..]
            : message;
    }

    private static ProblemHttpResult? NotTheApis(string name, StreamHub hub, StreamReconciler reconciler)
    {
        if (reconciler.IsFromConfiguration(name))
        {
            return Problem(StatusCodes.Status409Conflict, "Stream is read-only", $"stream '{Truncate(name)}' comes from configuration; change it there");
        }

        if (hub.TryGet(name, out var stream) && (reconciler.Managed(name) != StreamReconciler.Api || StreamsEndpoint.CompanionOf(stream, hub) is not null))
        {
            return Problem(StatusCodes.Status409Conflict, "Stream is read-only", $"stream '{Truncate(name)}' is not managed through the API");
        }

        return null;
    }

    private static ProblemHttpResult NotFound(string name) =>
        Problem(StatusCodes.Status404NotFound, "Unknown stream", $"unknown stream '{Truncate(name)}'");

    private static ProblemHttpResult NotApplied(string name) =>
        Problem(StatusCodes.Status500InternalServerError, "Stream not started", $"stream '{name}' was saved but could not be started; see the server log");

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title);

    private static string Truncate(string name) => name.Length <= 64 ? name : name[..64] + "...";
}
